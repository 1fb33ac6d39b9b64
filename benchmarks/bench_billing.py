"""Benchmark: the monthly billing run for 1,000,000 active sponsorships.

Creates a throwaway database, generates N workers spread over East Java's villages with one active
JKK+JKM sponsorship each (every 20th with JHT too) paid by 2,000 funders of mixed kinds, and their
reserved months for two months; then times ``bill(month)`` and a second, idempotent run of the same
month (which must bill nothing).

    .venv/bin/python benchmarks/bench_billing.py                       # SQLite, 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_billing \\
        .venv/bin/python benchmarks/bench_billing.py                   # PostgreSQL
    .venv/bin/python benchmarks/bench_billing.py --workers 100000      # smaller
"""

import argparse
import datetime as dt
import time

import synthetic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--funders", type=int, default=2_000)
    args = parser.parse_args()

    label = synthetic.open_throwaway_database("bench-billing")
    print(f"Database: {label}; {args.workers:,} workers, {args.funders:,} funders", flush=True)
    month = dt.date(2026, 6, 1)  # PP 50/2025 relief in force: prices differ by funding source and sector
    started = time.monotonic()
    with synthetic.without_indexes("people_worker"):
        synthetic.timed("workers", synthetic.workers, args.workers, ["35"])
    synthetic.timed("funders", synthetic.funders, args.funders)
    with synthetic.without_indexes("funding_sponsorship"):
        synthetic.timed("sponsorships", synthetic.sponsorships, 1, args.workers, args.funders, month, 12)
    with synthetic.without_indexes("funding_reservedmonth"):
        synthetic.timed("covered months (2 months)", synthetic.covered_months, 1, args.workers,
                        [month, dt.date(2026, 7, 1)])
    synthetic.timed("analyse", synthetic.analyse)
    print(f"Generated in {time.monotonic() - started:.1f}s", flush=True)

    from lindung.billing.models import InvoiceLine
    from lindung.accounts.access import Access
    from lindung.billing.runs import bill

    first, first_s = synthetic.timed(f"bill({month:%Y-%m})", bill, Access.console(), month)
    print(f"    → {first.invoices:,} invoices, {first.lines:,} lines, Rp{first.amount:,}, {first.prices} prices")
    print(f"    → steps: {first.phases}")
    second, second_s = synthetic.timed(f"bill({month:%Y-%m}) again", bill, Access.console(), month)
    print(f"    → {second.invoices:,} invoices, {second.lines:,} lines (idempotent)")
    assert second.lines == 0 and InvoiceLine.objects.count() == first.lines
    print(f"RESULT workers={args.workers} lines={first.lines} first_run={first_s:.1f}s second_run={second_s:.1f}s")


if __name__ == "__main__":
    main()
