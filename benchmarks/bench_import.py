"""Benchmark: bulk enrolment of a worker list, against the database's own fastest load.

Generates a realistic CSV (semicolon-separated, dates in three formats, villages by code or by name +
kecamatan, ~6 % seeded errors: spreadsheet-damaged NIKs, impossible dates, unknown villages,
duplicates inside the file, people too old, incomes below the minimum) and times, in one run:

  (a) the whole import — read, check every row, de-duplicate, look up the registry, write — through
      the same service the pages and the CLI use (``lindung.imports.services.run_job``);
  (b) the database's own fastest load of exactly the rows (a) accepted, into the same (emptied)
      worker table with the same indexes: COPY on PostgreSQL, one transaction of ``executemany`` on
      SQLite. The rows are prepared in memory beforehand; only the load is timed.

Then a 78,000-row XLSX list (the Jambi province case) is imported end to end.

    .venv/bin/python benchmarks/bench_import.py                                   # SQLite, 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \\
        .venv/bin/python benchmarks/bench_import.py                               # PostgreSQL
    .venv/bin/python benchmarks/bench_import.py --rows 100000 --xlsx-rows 0       # quicker
    .venv/bin/python benchmarks/bench_import.py --rows 0                          # the XLSX only

Peak memory is the process's maximum resident size right after (a) (it includes Django and the
region names loaded for village look-ups).
"""

import argparse
import os
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import synthetic

from lindung import dialect

FIRST = ["Ahmad", "Budi", "Joko", "Slamet", "Agus", "Eko", "Dedi", "Siti", "Sri", "Dewi", "Wati", "Nur", "Rina",
         "Yuni", "Endang", "Lestari", "Imam", "Yusuf", "Fajar", "Rizki", "Teguh", "Aminah", "Rahayu", "Wulan"]
FAMILY = ["Santoso", "Wijaya", "Hidayat", "Saputra", "Pratama", "Setiawan", "Nugroho", "Kurniawan", "Rahman",
          "Susanto", "Hasibuan", "Siregar", "Purnomo", "Hakim", "Maulana", "Gunawan", "Hartono", "Wibowo"]
HEADER = ["No", "NIK", "Nama Lengkap", "Tempat Lahir", "Tgl. Lahir", "L/P", "Kode Desa", "Desa/Kelurahan",
          "Kecamatan", "Pekerjaan", "Penghasilan", "No. HP"]
JOBS = ["Petani", "Nelayan", "Buruh tani", "Pedagang pasar", "Pengemudi ojek", "Pekerja rumah tangga"]


def villages(prefix: str) -> list[tuple[str, str, str]]:
    from lindung.regions.models import Level, Region

    districts = dict(Region.objects.filter(level=Level.DISTRICT, code__startswith=prefix).values_list("code", "name"))
    rows = Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).order_by("code")
    return [(code, name, districts[code[:6]]) for code, name in rows.values_list("code", "name")]


def make_rows(n: int, seed: int = 20261121):
    """Yield (values, is_seeded_error) for n data rows."""
    from collections import Counter

    from lindung.imports.villages import name_key
    from lindung.regions.models import Level, Region

    rng = random.Random(seed)
    places = villages("35")
    # Rows naming their village (instead of its code) use names the importer can resolve for a national
    # list: a district name found once in the country, a village name found once in that district.
    district_names = Counter(name_key(n) for n in Region.objects.filter(level=Level.DISTRICT).values_list("name", flat=True))
    village_names = Counter((code[:6], name_key(name)) for code, name, _d in places)
    today = dt.date(2026, 11, 21)
    base = today - dt.timedelta(days=60 * 365)
    prev_nik = None
    for i in range(n):
        code, village_name, district_name = places[(i * 7) % len(places)]
        birth = base + dt.timedelta(days=(i * 7919) % 14600)
        sex = "F" if i % 2 else "M"
        serial = (i // 14600) % 9999 + 1
        day = birth.day + (40 if sex == "F" else 0)
        nik = f"{code[:6]}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
        name = f"{rng.choice(FIRST)} {rng.choice(FAMILY)} {rng.choice(FAMILY)}"
        born = (f"{birth:%d/%m/%Y}", f"{birth:%Y-%m-%d}", f"{birth:%d-%m-%Y}")[i % 3]
        by_name = i % 10 == 3 and district_names[name_key(district_name)] == 1 \
            and village_names[(code[:6], name_key(village_name))] == 1
        row = [str(i + 1), nik, name, "Gresik", born, "P" if sex == "F" else "L", "" if by_name else code,
               village_name if by_name else "", district_name if by_name else "", JOBS[i % len(JOBS)],
               "1.000.000" if i % 4 else "1500000", f"08{rng.randrange(10**9, 10**10)}"]
        error = True
        kind = i % 100
        if kind == 11:
            row[1] = f"{nik[0]}.{nik[1:6]}E+15"                                  # spreadsheet damage
        elif kind == 23:
            row[4] = "31/02/1985"                                                  # impossible date
        elif kind == 37 and district_names[name_key(district_name)] == 1:
            row[6], row[7], row[8] = "", "Atlantis", district_name                 # unknown village
        elif kind == 41 and prev_nik:
            row[1] = prev_nik                                                      # duplicate in file
        elif kind == 59:
            row[4] = "01/01/1950"                                                  # too old (and NIK mismatch)
        elif kind == 73:
            row[10] = "750.000"                                                    # below the minimum
        else:
            error = False
        if kind == 40:
            prev_nik = nik
        yield row, error


def write_csv(path: Path, n: int) -> int:
    errors = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(";".join(HEADER) + "\r\n")
        for row, error in make_rows(n):
            errors += error
            handle.write(";".join(row) + "\r\n")
    return errors


def write_xlsx(path: Path, n: int) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daftar")
    sheet.append(HEADER)
    errors = 0
    for row, error in make_rows(n, seed=78000):
        errors += error
        born = row[4]
        if len(born) == 10 and born[2] == "/" and born != "31/02/1985":
            row[4] = dt.datetime.strptime(born, "%d/%m/%Y").date()   # a real date cell
        sheet.append(row)
    book.save(path)
    return errors


def empty_workers():
    from django.db import connection

    with connection.cursor() as cursor:
        if dialect.is_postgres():
            cursor.execute("TRUNCATE people_worker CASCADE")
        else:
            cursor.execute("DELETE FROM people_worker")


def import_file(path: Path):
    from lindung.accounts.access import Access
    from lindung.imports.services import create_job, queue_job, run_job

    access = Access.console()
    job = create_job(access, path)
    queue_job(access, job)
    return run_job(job, access=access, today=dt.date(2026, 11, 21))


def database_load(rows: list[tuple]) -> float:
    """(b): the fastest load the database offers, of rows already in memory."""
    from django.db import connection, transaction

    from lindung.imports.writing import COLUMNS

    table, columns = "people_worker", ", ".join(COLUMNS)
    if dialect.is_postgres():
        text = "".join("\t".join("\\N" if v is None else str(v) for v in r) + "\n" for r in rows)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(text), 8 * 1024 * 1024):
                    copy.write(text[start:start + 8 * 1024 * 1024])
        return time.monotonic() - started
    from lindung.imports.writing import SQLITE_BULK_CACHE_MB

    connection.ensure_connection()
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})"
    started = time.monotonic()
    with transaction.atomic(), dialect.sqlite_cache(connection.connection, SQLITE_BULK_CACHE_MB):  # the same page cache as (a)
        connection.connection.executemany(sql, rows)
    return time.monotonic() - started


def accepted_rows() -> list[tuple]:
    from django.db import connection

    from lindung.imports.writing import COLUMNS

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM people_worker ORDER BY id")
        rows = cursor.fetchall()
    if dialect.is_postgres():
        import json

        rows = [tuple(json.dumps(v) if isinstance(v, list) else v for v in r) for r in rows]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=78_000)
    args = parser.parse_args()

    # The 1,000,000-row CSV is 115 MB: above the upload limit a web user gets (LINDUNG_UPLOAD_MAX_MB,
    # default 25), which is the point of the limit; the benchmark measures speed, so it lifts it.
    os.environ.setdefault("LINDUNG_UPLOAD_MAX_MB", "500")
    label = synthetic.open_throwaway_database("bench-import")
    work = Path(tempfile.mkdtemp(prefix="lindung-imports-bench-files-"))
    print(f"Database: {label}; {args.rows:,} rows", flush=True)
    if args.rows:
        compare_with_database_load(work, args.rows)
    if args.xlsx_rows:
        empty_workers()
        xlsx_path = work / "jambi.xlsx"
        synthetic.timed(f"generate XLSX ({args.xlsx_rows:,} rows)", write_xlsx, xlsx_path, args.xlsx_rows)
        job, x_seconds = synthetic.timed("XLSX import end to end", import_file, xlsx_path)
        print(f"RESULT xlsx_rows={args.xlsx_rows} created={job.counts['created']} rejected={job.counts['rejected']} "
              f"seconds={x_seconds:.1f}", flush=True)


def compare_with_database_load(work: Path, n: int) -> None:
    csv_path = work / "daftar.csv"
    seeded, _s = synthetic.timed("generate CSV", write_csv, csv_path, n)
    print(f"    → {csv_path.stat().st_size / 1e6:.0f} MB, {seeded:,} rows with seeded errors", flush=True)

    job, a_seconds = synthetic.timed("(a) import: read, check, de-duplicate, write", import_file, csv_path)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = job.counts
    check_s = (job.phase_started_at - job.started_at).total_seconds()
    write_s = (job.finished_at - job.phase_started_at).total_seconds()
    print(f"    → {job.status}/{job.outcome}: {c['rows']:,} rows, {c['created']:,} created, {c['rejected']:,} "
          f"rejected, {c['flagged']:,} flagged; checking {check_s:.1f}s, writing {write_s:.1f}s; "
          f"peak memory {peak_mib:,.0f} MiB", flush=True)

    rows = accepted_rows()
    empty_workers()
    b_seconds = database_load(rows)
    print(f"  (b) database load of the same {len(rows):,} rows: {b_seconds:.1f}s", flush=True)
    ratio = a_seconds / b_seconds
    print(f"RESULT rows={n} accepted={len(rows)} import={a_seconds:.1f}s load={b_seconds:.1f}s "
          f"ratio={ratio:.2f} peak_memory={peak_mib:.0f}MiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
