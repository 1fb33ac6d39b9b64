"""Benchmark: a national registry of millions of workers on PostgreSQL (default 10,000,000).

Creates a throwaway PostgreSQL database (the one named in DATABASE_URL: dropped and re-created), with
the history tables partitioned by month as the migrations leave them, and generates:

- N workers spread over every village of every province (COPY, names from common Indonesian names);
- 2,000 funders of mixed kinds, plus one self-paying funder for each of the first P workers (P = the
  statement's payments, default 100,000: self-payers are who pays one by one from a bank statement);
- one active JKK+JKM sponsorship per worker and its reserved months for three months (INSERT … SELECT);
- the first two months billed by the real billing run, every line of them paid, and cover derived by
  the real refresh.

Then it measures, one step after the other, each with the peak memory of this process during the step:

1. worker name search nationally and the regency worker list (first page and its count, as the list
   page builds them with ``lindung.paging``), before anything else;
2. billing the third month (``bill``) vs the database's floor: one ``INSERT … SELECT`` of exactly the
   lines the run wrote into the same partitioned table (goal ≤ 1.5×); ``--floor-month first`` makes
   the comparison on the first month instead, so that a run cut short still has it;
3. a bank statement of P virtual-account payments (the self-payers' invoices of the third month)
   imported through ``import_statement``, which records them, allocates and derives cover;
4. the coverage page's queries (``indicators`` + the 12-month ``trend``) for the nation, East Java (35)
   and Gresik (3525), live and from the monthly snapshot; every SQL statement is timed (goals: each
   under 300 ms with snapshots, under 1 s live at province level);
5. importing a list of R rows (default 1,000,000, ``bench_import``'s generator) into the N-worker
   registry vs ``COPY`` of exactly the rows it accepted into the same table (goal ≤ 2×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale .venv/bin/python benchmarks/bench_scale.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale .venv/bin/python benchmarks/bench_scale.py \\
        --workers 100000 --statement-payments 10000 --import-rows 20000        # smoke test

A long run can be cut in two: ``--until billing`` generates and measures billing (steps 1–2) and leaves
the database; ``--resume search,statement,coverage,import`` then measures the steps named on it.

Peak memory is this process's resident size, sampled every 20 ms (the database server's memory is
not included; the spreadsheet parser of the import runs in a child process, also not included).
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import synthetic

FIRST = ["Ahmad", "Budi", "Joko", "Slamet", "Agus", "Eko", "Dedi", "Siti", "Sri", "Dewi", "Wati", "Nur", "Rina",
         "Yuni", "Endang", "Lestari", "Imam", "Yusuf", "Fajar", "Rizki", "Teguh", "Aminah", "Rahayu", "Wulan",
         "Bambang", "Hendra", "Iwan", "Kartini", "Lukman", "Mega", "Nanang", "Oktavia", "Putri", "Ratna", "Suharti",
         "Tri", "Untung", "Wahyu", "Yanti", "Zainal", "Asep", "Ujang", "Cecep", "Neneng", "Euis", "Made", "Ketut",
         "Nyoman", "Wayan", "Andi", "Muhammad", "Abdul", "Fitri", "Hasan", "Indah", "Junaidi", "Komang", "Lina",
         "Marlina", "Nurul"]
FAMILY = ["Santoso", "Wijaya", "Hidayat", "Saputra", "Pratama", "Setiawan", "Nugroho", "Kurniawan", "Rahman",
          "Susanto", "Hasibuan", "Siregar", "Purnomo", "Hakim", "Maulana", "Gunawan", "Hartono", "Wibowo",
          "Sihombing", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Pangaribuan", "Tanjung", "Syahputra",
          "Permana", "Sukmawati", "Rahmawati", "Handayani", "Susilo", "Prasetyo", "Utomo", "Firmansyah", "Ramadhan",
          "Lestari", "Mahendra", "Suryadi", "Hutapea", "Manurung", "Sitompul", "Situmorang", "Daulay", "Pohan",
          "Batubara", "Fauzi", "Iskandar", "Kusuma", "Anwar", "Sembiring"]
JOBS = ["Petani", "Nelayan", "Buruh tani", "Pedagang pasar", "Pengemudi ojek", "Pekerja rumah tangga"]
FUNDERS = 2_000
MONTHS = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]  # two billed, the third timed
GOALS = {"billing ratio": 1.5, "import ratio": 2.0, "snapshot query ms": 300, "live province query ms": 1000,
         "search ms": 100, "peak MiB": 1024}


# --- measuring ---------------------------------------------------------------------------------------

class PeakMemory:
    """The process's resident size sampled every 20 ms; ``step()`` starts a new peak."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    @staticmethod
    def resident() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.resident())

    def reset(self):
        self.peak = self.resident()

    def mib(self) -> float:
        return max(self.peak, self.resident()) / 2**20


MEMORY = None
RESULTS: list[dict] = []


def step(name: str, fn, *args, **kwargs):
    MEMORY.reset()
    started = time.monotonic()
    value = fn(*args, **kwargs)
    seconds = time.monotonic() - started
    RESULTS.append({"step": name, "seconds": seconds, "peak_mib": MEMORY.mib()})
    print(f"  {name}: {seconds:.2f}s, peak {MEMORY.mib():,.0f} MiB  [load {load()}]", flush=True)
    return value, seconds


def load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


@contextmanager
def timed_queries():
    """Every SQL statement run inside, with its duration (seconds)."""
    from django.db import connection

    seen = []

    def wrapper(execute, sql, params, many, context):
        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((time.monotonic() - started, sql))

    with connection.execute_wrapper(wrapper):
        yield seen


def sql(statement: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def maintenance(*tables: str):
    """What autovacuum would do after a bulk load (statistics, visibility map for index-only scans)."""
    for table in tables:
        sql(f"VACUUM ANALYZE {table}")


# --- generating ----------------------------------------------------------------------------------------

def villages() -> list[str]:
    return [row[0] for row in sql("SELECT code FROM regions_region WHERE level = 4 ORDER BY code")]


def worker_rows(n: int, places: list[str]):
    """COPY lines of n workers: spread over every village of the country; the NIK's serial
    counts per district from 5000 (lists imported later use low serials), birth dates over 33 years."""
    from lindung.imports.copyformat import copy_text

    rng = random.Random(20261201)
    per_district: dict[str, int] = {}
    base = dt.date(1966, 1, 1)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    segments = ["bpu_rentan"] * 7 + ["rt_rw", "perangkat_desa", "bpu_lain"]
    ecosystems = ["desa", "pasar", "umkm", "rentan"]
    for i in range(n):
        village = places[i * 7919 % len(places)]  # a prime stride: every province at any n
        district = village[:6]
        c = per_district.get(district, 0)
        per_district[district] = c + 1
        birth = base + dt.timedelta(days=(c // 5000) * 3000 + (c % 5000) % 2900)
        sex = "F" if i % 2 else "M"
        day = birth.day + (40 if sex == "F" else 0)
        nik = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{5000 + c % 5000:04d}"
        if rng.random() < 0.4:
            name = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(FAMILY)}"
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(FAMILY)}"
        yield "\t".join((
            str(i + 1), nik, copy_text(name), name.upper(), "", birth.isoformat(), sex, village, district,
            village[:4], village[:2], "", JOBS[i % len(JOBS)], segments[i % 10], ecosystems[i % 4],
            "transport" if i % 7 == 0 else "other", "1500000" if i % 5 == 0 else "1000000", "[]", now, now)) + "\n"


def copy_workers(n: int) -> None:
    from django.db import connection, transaction

    places = villages()
    columns = ("id, nik, name, name_key, birth_place, birth_date, sex, village_code, district_code, regency_code, "
               "province_code, phone, occupation, segment, ecosystem, sector, declared_income, nik_flags, "
               "created_at, updated_at")
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY people_worker ({columns}) FROM STDIN") as copy:
            chunk = []
            for line in worker_rows(n, places):
                chunk.append(line)
                if len(chunk) == 20_000:
                    copy.write("".join(chunk))
                    chunk = []
            if chunk:
                copy.write("".join(chunk))
    sql("SELECT setval(pg_get_serial_sequence('people_worker', 'id'), %s)", [n])


def funders(self_payers: int) -> None:
    """2,000 funders of mixed kinds (synthetic.KINDS), then one self-paying funder per worker 1…P."""
    synthetic.funders(FUNDERS)
    sql("""INSERT INTO funding_funder (id, kind, name, wadah, worker_id, created_at)
           SELECT %s + w.id, 'self', w.name, '', w.id, now() FROM people_worker w WHERE w.id <= %s""",
        [FUNDERS, self_payers])
    sql("SELECT setval(pg_get_serial_sequence('funding_funder', 'id'), %s)", [FUNDERS + self_payers])


def sponsorships(n: int, self_payers: int) -> None:
    """One active JKK+JKM sponsorship per worker (id = worker id), 12 months from the first month."""
    from lindung.months import add_months

    kinds = synthetic.KINDS
    source = "CASE ((w.id - 1) %% {f}) %% {k} {whens} END".format(
        f=FUNDERS, k=len(kinds), whens=" ".join(f"WHEN {i} THEN '{synthetic.SOURCES[kind]}'"
                                                for i, kind in enumerate(kinds)))
    sql(f"""INSERT INTO funding_sponsorship (id, funder_id, worker_id, programs, funding_source, start_month, months,
                end_month, monthly_amount, state, note, created_at)
            SELECT w.id, CASE WHEN w.id <= %s THEN %s + w.id ELSE 1 + (w.id - 1) %% %s END, w.id, 'jkk,jkm',
                   CASE WHEN w.id <= %s THEN 'self' ELSE {source} END, %s, 12, %s, 0, 'active', '', now()
            FROM people_worker w""",
        [self_payers, FUNDERS, FUNDERS, self_payers, MONTHS[0], add_months(MONTHS[0], 11)])
    sql("SELECT setval(pg_get_serial_sequence('funding_sponsorship', 'id'), %s)", [n])


def reserved_months() -> None:
    for month in MONTHS:
        for program in ("jkk", "jkm"):
            sql("""INSERT INTO funding_reservedmonth (sponsorship_id, worker_id, program, month, funder_id,
                                                     funding_source)
                   SELECT s.id, s.worker_id, %s, %s, s.funder_id, s.funding_source FROM funding_sponsorship s""",
                [program, month])


def pay_history() -> None:
    """Every line of the two billed months paid on the 10th of its month (as if by transfer), and the
    cover that follows written directly (INSERT … SELECT): each worker covered in both months, a
    membership starting in the first — the rows the refresh derives (checked at 100,000 workers against
    ``refresh_all``, which at ten million would take longer than the measurements). The statement step
    below derives cover through the real refresh."""
    from lindung.months import month_index

    first, second = MONTHS[:2]
    for month in (first, second):
        paid_on = month.replace(day=10)
        sql("UPDATE billing_invoiceline SET paid = amount, paid_on = %s WHERE month = %s", [paid_on, month])
        sql("UPDATE billing_invoice SET paid = total, status = 'paid' WHERE month = %s", [month])
        sql("""INSERT INTO coverage_coveredmonth (worker_id, month, month_index, paid_on, province_code, regency_code,
                   district_code, village_code, segment, ecosystem, funder_kind, starts, last)
               SELECT w.id, %s, %s, %s, w.province_code, w.regency_code, w.district_code, w.village_code,
                      w.segment, w.ecosystem, f.kind, %s, %s
               FROM people_worker w JOIN funding_sponsorship s ON s.worker_id = w.id
               JOIN funding_funder f ON f.id = s.funder_id""",
            [month, month_index(month), paid_on, month == first, month == second])
    sql("""INSERT INTO coverage_memberstatus (worker_id, first_month, active_since, paid_through, paid_through_index,
               contribution_months, memberships, refreshed_at)
           SELECT w.id, %s, %s, %s, %s, 2, 1, now() FROM people_worker w""",
        [first, first, second, month_index(second)])


# --- the measured steps ----------------------------------------------------------------------------------

def page(fn):
    """(seconds, rows shown, found, more) of the worker list's first page of 50 as the page and the
    API build it (``lindung.paging``): the rows, and the count up to its bound."""
    from lindung.paging import paginate

    started = time.monotonic()
    shown = paginate(fn(), 50)
    rows = len(list(shown))
    found, more = shown.paginator.count, shown.paginator.more
    return time.monotonic() - started, rows, found, more


def best(fn, repeat: int = 3):
    return min((fn() for _ in range(repeat)), key=lambda r: r[0])


def measure_search(regency_user) -> None:
    from lindung.accounts.access import Access
    from lindung.people.services import search_workers

    console = Access.console()
    cases = [("name search nationally, full name 'Siti Aminah Wibowo'", lambda: search_workers(console, q="Siti Aminah Wibowo")),
             ("name search nationally, rare fragment 'HUTAPEA' + first name 'KETUT'",
              lambda: search_workers(console, q="ketut hutapea")),
             ("name search nationally, common fragment 'aminah'", lambda: search_workers(console, q="aminah")),
             ("regency worker list, Gresik operator (3525)", lambda: search_workers(Access(regency_user))),
             ("regency worker list, Gresik operator, name 'aminah'",
              lambda: search_workers(Access(regency_user), q="aminah"))]
    for name, fn in cases:
        MEMORY.reset()
        seconds, rows, found, more = best(lambda: page(fn))
        RESULTS.append({"step": name, "seconds": seconds, "page_ms": seconds * 1000, "found": found,
                        "more": more, "peak_mib": MEMORY.mib()})
        print(f"  {name}: {seconds * 1000:.0f} ms for the page ({rows} rows) and its count "
              f"({'more than ' if more else ''}{found:,} found)  [load {load()}]", flush=True)


def measure_billing(month: dt.date) -> None:
    from lindung.accounts.access import Access
    from lindung.billing.runs import bill

    result, bill_s = step(f"bill({month:%Y-%m})", bill, Access.console(), month)
    print(f"    → {result.invoices:,} invoices, {result.lines:,} lines, steps {result.phases}", flush=True)
    partition = f"billing_invoiceline_p{month:%Y_%m}"
    sql(f"CREATE TABLE bench_saved_lines AS SELECT * FROM {partition}")
    sql(f"TRUNCATE {partition}")
    sql("CHECKPOINT")

    def floor():
        from django.db import transaction

        with transaction.atomic():
            return sql("INSERT INTO billing_invoiceline SELECT * FROM bench_saved_lines")

    rows, floor_s = step("floor: INSERT … SELECT of the same lines", floor)
    assert rows == result.lines, (rows, result.lines)
    sql("DROP TABLE bench_saved_lines")
    maintenance(partition, "billing_invoice")
    RESULTS.append({"step": "billing ÷ floor", "ratio": bill_s / floor_s, "lines": result.lines})
    print(f"    → ratio {bill_s / floor_s:.2f} (goal ≤ {GOALS['billing ratio']})", flush=True)


def statement_csv(month: dt.date, payments: int) -> bytes:
    from lindung.billing.models import virtual_account_for

    rows = sql("""SELECT i.id, i.total FROM billing_invoice i JOIN funding_funder f ON f.id = i.funder_id
                  WHERE f.kind = 'self' AND i.month = %s ORDER BY i.id LIMIT %s""", [month, payments])
    lines = ["Tanggal;Referensi;Jumlah;No VA;Keterangan"]
    for n, (invoice_id, total) in enumerate(rows):
        lines.append(f"{15 + n % 10:02d}/{month:%m/%Y};VA-{month:%Y%m}-{invoice_id};{total};"
                     f"{virtual_account_for(invoice_id)};Setoran iuran")
    return ("\n".join(lines) + "\n").encode()


def measure_statement(month: dt.date, payments: int) -> None:
    from lindung.accounts.access import Access
    from lindung.billing.statements import import_statement

    data = statement_csv(month, payments)
    result, _s = step(f"bank statement of {payments:,} payments: record, allocate, derive cover",
                      import_statement, Access.console(), data, f"rekening-koran-{month:%Y%m}.csv")
    print(f"    → {result.recorded:,} recorded, by match {result.by_match}", flush=True)
    covered = sql("SELECT COUNT(*) FROM coverage_coveredmonth WHERE month = %s", [month])[0][0]
    print(f"    → workers covered in {month:%Y-%m}: {covered:,}", flush=True)
    maintenance("billing_statementrow", "coverage_coveredmonth", "coverage_memberstatus", "billing_payment")


def measure_coverage(month: dt.date) -> None:
    from lindung.accounts.access import Access
    from lindung.coverage.indicators import indicators, trend
    from lindung.coverage.snapshots import take_snapshot
    from lindung.months import add_months, month_span

    months = month_span(add_months(month, -11), 12)  # the page's trend: the twelve months up to its month
    regions = [("", "Indonesia"), ("35", "East Java"), ("3525", "Gresik")]

    def page_queries(code):
        with timed_queries() as seen:
            started = time.monotonic()
            data = indicators(code, month, Access.console())
            trend(code, months, Access.console())
            total = time.monotonic() - started
        slowest = max(seen)
        return total, slowest[0], len(seen), data["active"], " ".join(slowest[1].split())[:160]

    for source in ("live", "snapshot"):
        if source == "snapshot":  # every month with members is snapshotted, as the monthly job does
            for earlier in MONTHS[:MONTHS.index(month)]:
                take_snapshot(Access.console(), earlier)
            run, _s = step(f"snapshot {month:%Y-%m} (every region)", take_snapshot, Access.console(), month)
        for code, name in regions:
            MEMORY.reset()
            total, slowest, queries, active, text = min((page_queries(code) for _ in range(3)), key=lambda r: r[0])
            RESULTS.append({"step": f"coverage page, {name}, {source}", "seconds": total, "slowest_query_ms":
                            slowest * 1000, "queries": queries, "active": active, "peak_mib": MEMORY.mib()})
            print(f"  coverage page {name} ({source}): {total * 1000:.0f} ms in {queries} queries, slowest "
                  f"{slowest * 1000:.0f} ms; {active:,} active\n    slowest: {text}", flush=True)


def measure_import(rows: int) -> None:
    import bench_import

    work = Path(tempfile.mkdtemp(prefix="lindung-scale-import-"))
    path = work / "daftar.csv"
    seeded, _s = synthetic.timed(f"generate the {rows:,}-row list", bench_import.write_csv, path, rows)
    before = sql("SELECT MAX(id) FROM people_worker")[0][0]
    job, import_s = step(f"import {rows:,} rows into the registry", bench_import.import_file, path)
    c = job.counts
    print(f"    → {c['created']:,} created, {c['rejected']:,} rejected ({seeded:,} seeded errors)", flush=True)
    from django.db import connection

    from lindung.imports.writing import COLUMNS

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM people_worker WHERE id > %s ORDER BY id", [before])
        accepted = cursor.fetchall()
    import json

    accepted = [tuple(json.dumps(v) if isinstance(v, list) else v for v in r) for r in accepted]
    sql("DELETE FROM people_worker WHERE id > %s", [before])
    maintenance("people_worker")
    sql("CHECKPOINT")
    copy_s, _w = step(f"floor: COPY of the {len(accepted):,} accepted rows", bench_import.database_load, accepted)
    RESULTS.append({"step": "import ÷ COPY", "ratio": import_s / copy_s, "rows": len(accepted)})
    print(f"    → ratio {import_s / copy_s:.2f} (goal ≤ {GOALS['import ratio']})", flush=True)


STEPS = ("search", "statement", "coverage", "import")


def resume(steps: list[str], payments: int, rows: int) -> None:
    """The measured steps named, on the registry a previous run (``--until billing``) left in the database."""
    sys.path.insert(0, str(synthetic.ROOT))
    os.environ.update(LINDUNG_MODE="demo", LINDUNG_DATA_DIR=tempfile.mkdtemp(prefix="lindung-bench-scale-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from lindung.accounts.models import User

    workers = sql("SELECT COUNT(*) FROM people_worker")[0][0]
    print(f"Registry of {workers:,} workers left by a previous run; steps {', '.join(steps)}; load {load()}; "
          f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC", flush=True)
    started = time.monotonic()
    if "search" in steps:
        measure_search(User.objects.get(username="operator-gresik"))
    if "statement" in steps:
        measure_statement(MONTHS[2], payments)
    if "coverage" in steps:
        measure_coverage(MONTHS[1])
    if "import" in steps and rows:
        measure_import(rows)
    print(f"Finished in {time.monotonic() - started:.0f}s  [load {load()}]", flush=True)
    report()


def report() -> None:
    for r in RESULTS:
        print("RESULT " + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v!r}" for k, v in r.items()))


# --- the run ------------------------------------------------------------------------------------------------

def main():
    global MEMORY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=10_000_000)
    parser.add_argument("--statement-payments", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--until", choices=["billing"],
                        help="stop after the billing comparison, leaving the database for --resume")
    parser.add_argument("--resume", metavar="STEPS",
                        help=f"only these measured steps (comma-separated, of {','.join(STEPS)}), on the "
                             "database a previous run left")
    parser.add_argument("--floor-month", choices=["first", "third"], default="third",
                        help="which month's billing run is compared with the INSERT … SELECT floor: the third "
                             "(after two months billed) or the first (earlier in a long run)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_scale measures PostgreSQL: set DATABASE_URL to a database it may drop and re-create")
    if os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[-1] in ("test", "postgres", "lindung"):
        sys.exit("give bench_scale a database of its own (e.g. …/bench_scale): it drops and re-creates it")
    MEMORY = PeakMemory()
    # A 1,000,000-row CSV is above the upload limit a web user gets (LINDUNG_UPLOAD_MAX_MB, default 25);
    # the benchmark measures speed, so it lifts it (read once, when the settings load).
    os.environ.setdefault("LINDUNG_UPLOAD_MAX_MB", "500")
    if args.resume:
        steps = [name.strip() for name in args.resume.split(",")]
        if unknown := set(steps) - set(STEPS):
            parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
        return resume(steps, args.statement_payments, args.import_rows)
    n, payers = args.workers, min(args.statement_payments, args.workers)
    started = time.monotonic()
    label = synthetic.open_throwaway_database("bench-scale")
    print(f"Database: {label}; {n:,} workers, {payers:,} self-payers, {args.import_rows:,}-row import; "
          f"load {load()}; {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC", flush=True)
    from lindung import partitions
    from lindung.accounts.services import create_user

    partitions.ensure_partitions(since=MONTHS[0])
    sql("SET maintenance_work_mem = '1GB'")
    sql("SET synchronous_commit = off")  # generation only; reset before the measured steps
    with synthetic.without_indexes("people_worker"):
        synthetic.timed(f"workers (COPY, {n:,})", copy_workers, n)
    maintenance("people_worker")
    regency_user = create_user("operator-gresik", "rahasia-gresik-123", "regional_operator", ["3525"])
    print(f"  generated {n:,} workers: {time.monotonic() - started:.0f}s  [load {load()}]", flush=True)
    sql("RESET synchronous_commit")
    measure_search(regency_user)

    sql("SET synchronous_commit = off")
    synthetic.timed("funders", funders, payers)
    with synthetic.without_indexes("funding_sponsorship"):
        synthetic.timed("sponsorships", sponsorships, n, payers)
    with synthetic.without_indexes("funding_reservedmonth"):
        synthetic.timed("reserved months (3 months × 2 programmes)", reserved_months)
    maintenance("funding_sponsorship", "funding_reservedmonth", "funding_funder")
    from lindung.accounts.access import Access
    from lindung.billing.runs import bill

    sql("RESET synchronous_commit")
    if args.floor_month == "first":
        measure_billing(MONTHS[0])
        step(f"bill({MONTHS[1]:%Y-%m}) (history)", bill, Access.console(), MONTHS[1])
    else:
        for month in MONTHS[:2]:
            step(f"bill({month:%Y-%m}) (history)", bill, Access.console(), month)
    sql("SET synchronous_commit = off")
    with synthetic.without_indexes("coverage_coveredmonth"):
        synthetic.timed("pay the two months, their cover", pay_history)
    sql("RESET synchronous_commit")
    maintenance("billing_invoiceline", "billing_invoice", "coverage_coveredmonth", "coverage_memberstatus")
    sql("CHECKPOINT")
    print(f"Generated in {time.monotonic() - started:.0f}s  [load {load()}]", flush=True)

    if args.floor_month == "first":
        result, _s = step(f"bill({MONTHS[2]:%Y-%m}) after two months billed", bill, Access.console(), MONTHS[2])
        print(f"    → {result.invoices:,} invoices, {result.lines:,} lines, steps {result.phases}", flush=True)
    else:
        measure_billing(MONTHS[2])
    if args.until == "billing":
        print(f"Stopped after billing in {time.monotonic() - started:.0f}s  [load {load()}]", flush=True)
        return report()
    measure_statement(MONTHS[2], payers)
    measure_coverage(MONTHS[1])
    if args.import_rows:
        measure_import(args.import_rows)
    print(f"Finished in {time.monotonic() - started:.0f}s  [load {load()}]", flush=True)
    report()


if __name__ == "__main__":
    main()
