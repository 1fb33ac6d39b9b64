"""Benchmark: Jambi's BKBK list — 77,480 workers × 12 months proposed, approved against the
Rp15,620,000,000 budget, one more worker refused with the shortfall, the year-end lifecycle run,
and donor matching over a 20,000-worker waiting pool.

    .venv/bin/python benchmarks/bench_funding.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_funding \\
        .venv/bin/python benchmarks/bench_funding.py                   # PostgreSQL
"""

import argparse
import datetime as dt
import time

import synthetic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=77_480)
    parser.add_argument("--pool", type=int, default=20_000)
    args = parser.parse_args()

    label = synthetic.open_throwaway_database("bench-funding")
    print(f"Database: {label}; {args.workers:,} Jambi workers, pool of {args.pool:,} in Sukabumi", flush=True)
    synthetic.workers(args.workers + 1, ["15"])
    synthetic.workers(args.pool, ["3202"], first_id=args.workers + 2)
    from django.db import connection

    with connection.cursor() as cursor:  # the standard package: Rp16,800 a month for everybody
        cursor.execute("UPDATE people_worker SET declared_income = 1000000, segment = 'bpu_rentan'")
    synthetic.analyse()

    from lindung.accounts.access import Access
    from lindung.accounts.services import create_user
    from lindung.funding import approval, budget, lifecycle, matching, sponsorships
    from lindung.funding.errors import BudgetShortfall
    from lindung.funding.matching import MatchRequest
    from lindung.funding.models import ReservedMonth, Funder
    from lindung.people.models import Worker

    operator = Access(create_user("pemprov.jambi", "x-bench-1", "regional_operator", ["15"]))
    head = Access(create_user("bpkad.jambi", "x-bench-2", "regional_operator", ["15"]))
    jambi = Funder.objects.create(kind="province", name="Pemerintah Provinsi Jambi", region_id="15")
    budget.set_budget(head, jambi, fiscal_year=2026, source="apbd-province", amount=15_620_000_000)
    ids = list(Worker.objects.filter(province_code="15").order_by("id").values_list("id", flat=True))
    last = ids.pop()

    batch, _s = synthetic.timed(f"propose_sponsorships ({len(ids):,} workers)", sponsorships.propose_sponsorships,
                                operator, jambi, ids, ["jkk", "jkm"], dt.date(2026, 1, 1), 12, "apbd-province")
    synthetic.timed("approve_batch (budget check + INSERT … SELECT of months)", approval.approve_batch, head, batch,
                    today=dt.date(2025, 12, 20))
    print(f"    → {ReservedMonth.objects.count():,} covered months reserved")
    line, _s = synthetic.timed("budget summary (derived committed)", budget.summary, jambi.budgets.get())
    print(f"    → committed Rp{line['committed']:,}, remaining Rp{line['remaining']:,}")
    extra = sponsorships.propose_sponsorships(operator, jambi, [last], ["jkk", "jkm"], dt.date(2026, 1, 1), 12,
                                              "apbd-province")
    started = time.monotonic()
    try:
        approval.approve_batch(head, extra, today=dt.date(2025, 12, 20))
        raise SystemExit("the 77,481st worker should have been refused")
    except BudgetShortfall as exc:
        print(f"  one more worker refused in {time.monotonic() - started:.1f}s: shortfall "
              f"Rp{exc.shortfalls[0]['shortfall']:,}")
    synthetic.timed("advance_sponsorships(2026-01-01) — activate", lifecycle.advance_sponsorships, dt.date(2026, 1, 1))
    soon, _s = synthetic.timed("ending_soon count (province operator, 2026-12-05)",
                               lambda: lifecycle.ending_soon(operator, today=dt.date(2026, 12, 5)).count())
    print(f"    → {soon:,}")
    synthetic.timed("advance_sponsorships(2027-01-01) — end", lifecycle.advance_sponsorships, dt.date(2027, 1, 1))

    agent = Access(create_user("agen.sukabumi", "x-bench-3", "agent", ["3202"]))
    Worker.objects.filter(regency_code="3202").update(registered_by=agent.user)
    pool_ids = list(Worker.objects.filter(regency_code="3202").values_list("id", flat=True))
    synthetic.timed(f"add_to_pool ({len(pool_ids):,})", matching.add_to_pool, agent, pool_ids)
    csr = Funder.objects.create(kind="company", name="PT Bench (CSR)")
    donor = Access(create_user("csr.bench", "x-bench-4", "funder_user", [], csr))
    request = MatchRequest(count=1_000, months=6, start_month=dt.date(2026, 7, 1), region="3202")
    offer, _s = synthetic.timed("matching.preview (1,000 of the pool)", matching.preview, donor, csr, request)
    print(f"    → {len(offer['candidates']):,} workers from {offer['villages']} villages, Rp{offer['total']:,}")
    synthetic.timed("matching.confirm (1,000 × 6 months)", matching.confirm, donor, csr,
                    [c["worker_id"] for c in offer["candidates"]], request, today=dt.date(2026, 6, 20))


if __name__ == "__main__":
    main()
