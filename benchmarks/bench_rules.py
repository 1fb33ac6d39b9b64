"""Benchmark: contribution quotes from the cached rule book.

Times ``quote()`` over varied inputs (months 2020–2027, four payers, two sectors, with and without JHT),
the memoised ``monthly_price()`` fast path, and a 120-month budget plan; counts the database queries
made by the quotes once the rule book is loaded (must be 0).

    .venv/bin/python benchmarks/bench_rules.py                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_rules \\
        .venv/bin/python benchmarks/bench_rules.py             # PostgreSQL
"""

import argparse
import datetime as dt
import itertools
import time

import synthetic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    args = parser.parse_args()
    label = synthetic.open_throwaway_database("bench-rules")
    print(f"Database: {label}", flush=True)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindung.rules import book
    from lindung.rules.planner import plan_budget
    from lindung.months import add_months
    from lindung.rules.services import monthly_price, quote

    months = [add_months(dt.date(2020, 1, 1), i) for i in range(96)]
    combos = list(itertools.product(months, ["apbd-regency", "village-budget", "csr", "self"],
                                    ["other", "transport"], [["jkk", "jkm"], ["jkk", "jkm", "jht"]]))
    book.clear()
    started = time.monotonic()
    book.book()
    print(f"rule book loaded: {(time.monotonic() - started) * 1000:.1f} ms", flush=True)

    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        total = 0
        for i in range(args.quotes):
            month, funding, sector, programs = combos[i % len(combos)]
            total += quote(segment="bpu_rentan", income=1_000_000 + (i % 50) * 1000, programs=programs,
                           month=month, funding_source=funding, sector=sector).total
        elapsed = time.monotonic() - started
    print(f"quote(): {args.quotes:,} calls in {elapsed:.2f}s = {args.quotes / elapsed:,.0f}/s; "
          f"{len(queries)} queries (checksum {total:,})", flush=True)

    started = time.monotonic()
    for i in range(args.quotes):
        month, funding, sector, programs = combos[i % len(combos)]
        monthly_price(segment="bpu_rentan", income=1_000_000, programs=programs, month=month,
                      funding_source=funding, sector=sector)
    elapsed = time.monotonic() - started
    print(f"monthly_price(): {args.quotes:,} calls in {elapsed:.2f}s = {args.quotes / elapsed:,.0f}/s", flush=True)

    started = time.monotonic()
    plan = plan_budget(budget=15_620_000_000, programs="jkk,jkm", income=1_000_000, funding_source="csr",
                       start=dt.date(2020, 1, 1), months=120)
    print(f"plan_budget over 120 months: {(time.monotonic() - started) * 1000:.1f} ms "
          f"({plan.workers:,} workers at Rp{plan.cost_per_worker:,})", flush=True)


if __name__ == "__main__":
    main()
