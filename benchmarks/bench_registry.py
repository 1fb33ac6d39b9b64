"""Registry at national scale: region counts, search and list pages over 1,000,000 workers.

    python benchmarks/bench_registry.py [N]                 # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_registry python benchmarks/bench_registry.py [N]

N workers (default 1,000,000): 30 % in Kabupaten Gresik (3525), the rest spread over every village.
Each measure is the best of three runs through the same functions the pages and the API call.
"""

import sys
import time

from synthetic import open_throwaway_database, timed, workers


def best_of(fn, runs=3):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    label = open_throwaway_database("registry")
    print(f"{label}: {n:,} workers")
    gresik = int(n * 0.3)
    timed("insert Gresik workers", workers, gresik, ["3525"])
    timed("insert workers elsewhere", workers, n - gresik, ["1", "2", "3", "5", "6", "7", "8", "9"],
          first_id=gresik + 1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from lindung.accounts.access import Access
    from lindung.accounts.services import create_user
    from lindung.people.models import Worker
    from lindung.people.services import search_workers
    from lindung.regions.models import Region
    from lindung.regions.views import worker_counts

    national = Access(create_user("admin", "x", "national_admin"))
    regency = Access(create_user("pemkab", "x", "regional_operator", ["3525"]))
    village_code = Worker.objects.filter(regency_code="3525").values_list("village_id", flat=True).first()
    village = Access(create_user("desa", "x", "village_operator", [village_code]))
    some = Worker.objects.filter(regency_code="3525").order_by("id")[gresik // 2]

    def page(access, **kw):
        qs = search_workers(access, **kw)
        return qs.count(), list(qs[:50])

    measures = [
        ("national: workers per province (region browser top)", lambda: worker_counts(national, None)),
        ("regency 3525: workers per district", lambda: worker_counts(regency, Region.objects.get(code="3525"))),
        ("regency 3525: total in scope", lambda: regency.workers().count()),
        ("district: workers per village", lambda: worker_counts(regency, Region.objects.get(code=some.district_code))),
        ("search by full NIK (national)", lambda: page(national, q=some.nik)),
        ("search by name within regency", lambda: page(regency, q=some.name)),
        ("search by name, national", lambda: page(national, q=some.name)),
        ("village operator: first list page", lambda: page(village)),
        ("worker list page 1 for the regency (count + 50 rows)", lambda: page(regency)),
    ]
    print(f"| measure ({label.split(' ')[0]}, {n:,} workers) | best of 3 |")
    print("|---|---|")
    for name, fn in measures:
        print(f"| {name} | {best_of(fn):.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
