"""Benchmark: reports — a province's coverage PDF from snapshots, a million-row worker list to XLSX
against bare openpyxl, and member cards for 10,000 workers.

Creates a throwaway database: ``--province-workers`` workers spread over every regency of East Java
(35) covered for twelve months (``CoveredMonth`` inserted in bulk, then one ``take_snapshot`` per
month), and ``--list-workers`` more in Kabupaten Gresik (3525) for the worker list. Each measurement
runs in a forked child process, so its peak memory (``ru_maxrss``) is its own.

    .venv/bin/python benchmarks/bench_reports.py
    .venv/bin/python benchmarks/bench_reports.py --list-workers 200000 --cards 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports .venv/bin/python benchmarks/bench_reports.py
"""

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import tempfile
import time

import synthetic


def in_child(fn, *args):
    """Run ``fn`` in a forked process; returns (seconds, peak RSS in MiB, fn's result)."""
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def target():
        started = time.monotonic()
        try:
            value = fn(*args)
        except BaseException as exc:
            queue.put(exc)
            raise
        seconds = time.monotonic() - started
        queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, value))

    child = ctx.Process(target=target)
    child.start()
    result = queue.get()
    child.join()
    if isinstance(result, BaseException):
        raise SystemExit(f"failed: {result}")
    return result


def paid_months(months: list[dt.date]) -> None:
    """Every worker of province 35 covered in every month (bulk SQL; the coverage tables as the
    refresh would leave them for workers paying on time)."""
    from django.db import connection

    kinds = ["village", "regency", "company", "donor", "province"]
    case = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(kinds))
    with connection.cursor() as cursor:
        for i, month in enumerate(months):
            index = month.year * 12 + month.month - 1
            cursor.execute(f"""
                INSERT INTO coverage_coveredmonth (worker_id, month, month_index, paid_on, province_code, regency_code,
                    district_code, village_code, segment, ecosystem, funder_kind, starts, last)
                SELECT id, %s, %s, %s, province_code, regency_code, district_code, village_code, segment, ecosystem,
                       CASE id %% {len(kinds)} {case} END, %s, %s
                FROM people_worker WHERE province_code = '35' AND regency_code NOT IN ('3525', '3578')""",
                           [month, index, month.replace(day=10), i == 0, i == len(months) - 1])


def coverage_pdf(month):
    from lindung.accounts.access import Access
    from lindung.reports.services import request_report

    run = request_report(Access.console(), "coverage", {"region": "35", "period": month.strftime("%Y-%m"),
                                                         "format": "pdf"}, background=False)
    assert run.status == "done", run.error
    return run.size


def worker_list():
    from lindung.accounts.access import Access
    from lindung.reports.services import request_report

    run = request_report(Access.console(), "workers", {"region": "3525", "format": "xlsx"}, background=False)
    assert run.status == "done", run.error
    return run.size


def bare_openpyxl():
    """The same rows, read with values_list and appended as plain values to a write-only workbook."""
    from openpyxl import Workbook

    from lindung.people.models import Worker

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Pekerja")
    sheet.append(["NIK", "Nama", "Jenis kelamin", "Tanggal lahir", "Kode desa", "Desa", "Segmen", "Ekosistem",
                  "Pekerjaan", "Penghasilan"])
    rows = (Worker.objects.filter(regency_code="3525").order_by("village_id", "name_key", "id")
            .values_list("nik", "name", "sex", "birth_date", "village_id", "village__name", "segment", "ecosystem",
                         "occupation", "declared_income"))
    for row in rows.iterator(chunk_size=5000):
        sheet.append(list(row))
    with tempfile.TemporaryFile() as out:
        book.save(out)
        return out.tell()


def member_cards(region):
    from lindung.accounts.access import Access
    from lindung.reports.services import request_report

    run = request_report(Access.console(), "cards", {"region": region, "format": "pdf"}, background=False)
    assert run.status == "done", run.error
    return run.size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province-workers", type=int, default=200_000)
    parser.add_argument("--list-workers", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=10_000)
    args = parser.parse_args()

    label = synthetic.open_throwaway_database("bench-reports")
    print(f"Database: {label}; load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}",
          flush=True)
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="lindung-bench-media-")
    from lindung.regions.models import Level, Region

    cards_region = "3578"  # Kota Surabaya: only the workers for the member cards
    regencies = list(Region.objects.filter(level=Level.REGENCY, code__startswith="35")
                     .exclude(code__in=["3525", cards_region]).values_list("code", flat=True))
    with synthetic.without_indexes("people_worker"):
        synthetic.timed("province workers", synthetic.workers, args.province_workers, regencies)
        synthetic.timed("Gresik workers", synthetic.workers, args.list_workers, ["3525"],
                        first_id=args.province_workers + 1)
        synthetic.timed("Surabaya workers", synthetic.workers, args.cards, [cards_region],
                        first_id=args.province_workers + args.list_workers + 1)
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    synthetic.timed("paid months", paid_months, months)
    from lindung.accounts.access import Access
    from lindung.coverage.snapshots import take_snapshot
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.get_or_create(region_id="35", year=2024, defaults={"count": 21_610_000})
    synthetic.timed("snapshots", lambda: [take_snapshot(Access.console(), m) for m in months])
    synthetic.timed("analyse", synthetic.analyse)

    seconds, rss, size = in_child(coverage_pdf, months[-1])
    print(f"coverage PDF, province 35 ({args.province_workers:,} members, {len(regencies)} regencies) from snapshots: "
          f"{seconds:.2f} s, {size / 1024:.0f} KiB, peak {rss:.0f} MiB", flush=True)

    from lindung.people.models import Worker

    in_cards = Worker.objects.filter(regency_code=cards_region).count()
    seconds, rss, size = in_child(member_cards, cards_region)
    print(f"member cards, {in_cards:,} workers of {cards_region}: {seconds:.1f} s, {size / 1024 / 1024:.1f} MiB, "
          f"{seconds / max(in_cards, 1) * 1000:.2f} ms a card, peak {rss:.0f} MiB", flush=True)

    bare_s, bare_rss, bare_size = in_child(bare_openpyxl)
    print(f"bare openpyxl write-only, {args.list_workers:,} rows: {bare_s:.1f} s, {bare_size / 2**20:.0f} MiB, "
          f"peak {bare_rss:.0f} MiB", flush=True)
    report_s, report_rss, report_size = in_child(worker_list)
    print(f"worker list report, {args.list_workers:,} rows: {report_s:.1f} s, {report_size / 2**20:.0f} MiB, "
          f"peak {report_rss:.0f} MiB; {report_s / bare_s:.2f}x the bare library", flush=True)
    print(f"load at the end: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
