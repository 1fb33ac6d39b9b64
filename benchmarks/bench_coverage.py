"""Benchmark: coverage indicators for a regency with hundreds of thousands of active members.

Creates a throwaway database with 400,000 workers in Kabupaten Gresik (3525) and 150,000 elsewhere in
East Java, one active JKK+JKM sponsorship each from 2,000 funders, bills two months and pays every
invoice (which derives each worker's cover), then times the dashboard's questions for the regency:
live from ``CoveredMonth`` and from the monthly snapshot.

    .venv/bin/python benchmarks/bench_coverage.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_coverage .venv/bin/python benchmarks/bench_coverage.py
    .venv/bin/python benchmarks/bench_coverage.py --regency-workers 300000 --other-workers 50000
"""

import argparse
import datetime as dt
import time

import synthetic


def best_of(fn, repeat: int = 5) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        started = time.monotonic()
        value = fn()
        times.append(time.monotonic() - started)
    return min(times), value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regency-workers", type=int, default=400_000)
    parser.add_argument("--other-workers", type=int, default=150_000)
    args = parser.parse_args()

    label = synthetic.open_throwaway_database("bench-coverage")
    total = args.regency_workers + args.other_workers
    print(f"Database: {label}; {args.regency_workers:,} workers in 3525, {args.other_workers:,} elsewhere in 35",
          flush=True)
    may, june = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    with synthetic.without_indexes("people_worker"):
        synthetic.timed("workers", synthetic.workers, args.regency_workers, ["3525"])
        synthetic.timed("workers elsewhere", synthetic.workers, args.other_workers,
                        [p for p in ("3501", "3502", "3578", "3515")], first_id=args.regency_workers + 1)
    synthetic.funders(2_000)
    with synthetic.without_indexes("funding_sponsorship"):
        synthetic.timed("sponsorships", synthetic.sponsorships, 1, total, 2_000, may, 12)
    with synthetic.without_indexes("funding_reservedmonth"):
        synthetic.timed("covered months", synthetic.covered_months, 1, total, [may, june])
    synthetic.timed("analyse", synthetic.analyse)

    from lindung.billing.models import Invoice
    from lindung.billing.payments import record_payment
    from lindung.accounts.access import Access
    from lindung.billing.runs import bill
    from lindung.billing.signals import payment_batch
    from lindung.coverage.indicators import indicators, trend
    from lindung.coverage.models import CoveredMonth
    from lindung.coverage.snapshots import take_snapshot
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952)
    WorkingPopulation.objects.create(region_id="35", year=2022, count=21_610_000)
    for month in (may, june):
        result, seconds = synthetic.timed(f"bill {month:%Y-%m}", bill, Access.console(), month)

    def pay_all():
        with payment_batch():
            for invoice in Invoice.objects.filter(paid=0).order_by("id"):
                record_payment(invoice, amount=invoice.outstanding, reference=f"B-{invoice.pk}",
                               paid_on=invoice.month.replace(day=10))
    _none, pay_seconds = synthetic.timed("pay every invoice and derive cover", pay_all)
    synthetic.timed("analyse", synthetic.analyse)
    members = CoveredMonth.objects.filter(month=june, regency_code="3525").count()
    print(f"  active members in 3525, {june:%Y-%m}: {members:,}", flush=True)

    figures = {}
    figures["regency live"], data = best_of(lambda: indicators("3525", june))
    figures["district live"], _d = best_of(lambda: indicators("352511", june))
    figures["province live"], prov = best_of(lambda: indicators("35", june))
    _r, snap_seconds = synthetic.timed(f"snapshot {june:%Y-%m}", take_snapshot, Access.console(), june)
    take_snapshot(Access.console(), may)
    figures["regency snapshot"], frozen = best_of(lambda: indicators("3525", june))
    figures["province snapshot"], _p = best_of(lambda: indicators("35", june))
    months = [dt.date(2025, 7 + i, 1) if i < 6 else dt.date(2026, i - 5, 1) for i in range(12)]
    figures["trend 12 months"], _t = best_of(lambda: trend("3525", months))
    assert frozen["active"] == data["active"] == members
    print(f"  3525: {data['active']:,} active / {data['working_population']:,} = {data['coverage_pct']} %; "
          f"35: {prov['active']:,} active")
    for name, seconds in figures.items():
        print(f"  indicators, {name}: {seconds * 1000:.0f} ms")
    print("RESULT " + " ".join(f"{k.replace(' ', '_')}={v * 1000:.0f}ms" for k, v in figures.items())
          + f" members={members} pay_and_derive={pay_seconds:.1f}s snapshot={snap_seconds:.1f}s")


if __name__ == "__main__":
    main()
