"""Synthetic volume for the billing and coverage benchmarks, inserted with raw bulk SQL.

Workers, funders, one sponsorship per worker and its reserved months (``ReservedMonth``), generated
inside the database from a number series — a million workers in seconds, no Python objects per row.
Run only against a throwaway database (see ``open_throwaway_database``).
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from lindung import dialect

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["village", "village", "village", "regency", "company", "donor", "province"]
SOURCES = {"village": "village-budget", "regency": "apbd-regency", "company": "csr", "donor": "donor",
           "province": "apbd-province"}


def open_throwaway_database(name: str) -> str:
    """Point Django at a fresh database: PostgreSQL when DATABASE_URL is set (the database named there
    is dropped and re-created), else an SQLite file in a new temporary directory. Returns a label."""
    sys.path.insert(0, str(ROOT))
    data_dir = tempfile.mkdtemp(prefix=f"lindung-{name}-")
    os.environ["LINDUNG_MODE"] = "demo"
    os.environ["LINDUNG_DATA_DIR"] = data_dir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _slash, db = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
            conn.execute(f'CREATE DATABASE "{db}"')
        label = f"PostgreSQL ({db})"
    else:
        label = f"SQLite ({data_dir}/lindung.sqlite3)"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # The benchmarks bill and cover months of 2026 (and before): on PostgreSQL their history partitions
    # exist from the start, as `lindung partitions create --from` makes them before past months are loaded.
    from lindung import partitions

    partitions.ensure_partitions(since=dt.date(2025, 1, 1))
    from lindung.reference import load_reference_data

    load_reference_data()
    return label


def timed(label: str, fn, *args, **kwargs):
    started = time.monotonic()
    value = fn(*args, **kwargs)
    seconds = time.monotonic() - started
    print(f"  {label}: {seconds:.1f}s", flush=True)
    return value, seconds


def villages(cursor, prefixes: list[str]) -> int:
    """Scratch table of the villages workers are spread over (round-robin)."""
    cursor.execute("DROP TABLE IF EXISTS bench_villages")
    cursor.execute("CREATE TABLE bench_villages (idx integer PRIMARY KEY, code varchar(10))")
    where = " OR ".join("code LIKE %s" for _p in prefixes)
    cursor.execute(f"""INSERT INTO bench_villages (idx, code)
                       SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code FROM regions_region
                       WHERE level = 4 AND ({where})""", [p + "%" for p in prefixes])
    cursor.execute("SELECT COUNT(*) FROM bench_villages")
    return cursor.fetchone()[0]


def workers(n: int, prefixes: list[str], *, first_id: int = 1) -> None:
    """``n`` workers spread over the villages under ``prefixes``; segment, sector and income vary."""
    from django.db import connection
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        count = villages(cursor, prefixes)
        cursor.execute(f"""
            INSERT INTO people_worker (id, nik, name, name_key, birth_place, birth_date, sex, village_code,
                district_code, regency_code, province_code, phone, occupation, segment, ecosystem, sector,
                declared_income, nik_flags, registered_by_id, created_at, updated_at)
            SELECT s.n + %s, SUBSTR(v.code, 1, 6) || {dialect.zero_pad('s.n + %s', 10)}, 'Pekerja ' || s.n, 'PEKERJA ' || s.n,
                   '', '1980-01-01', CASE WHEN s.n %% 2 = 0 THEN 'F' ELSE 'M' END, v.code, SUBSTR(v.code, 1, 6),
                   SUBSTR(v.code, 1, 4), SUBSTR(v.code, 1, 2), '', 'Petani',
                   CASE s.n %% 10 WHEN 0 THEN 'rt_rw' WHEN 1 THEN 'perangkat_desa' WHEN 2 THEN 'bpu_lain'
                                  ELSE 'bpu_rentan' END,
                   CASE s.n %% 4 WHEN 0 THEN 'desa' WHEN 1 THEN 'pasar' WHEN 2 THEN 'umkm' ELSE 'rentan' END,
                   CASE WHEN s.n %% 7 = 0 THEN 'transport' ELSE 'other' END,
                   CASE WHEN s.n %% 5 = 0 THEN 1500000 ELSE 1000000 END, '[]', NULL, %s, %s
            FROM {dialect.series()} JOIN bench_villages v ON v.idx = s.n %% %s""",
                       [first_id - 1, first_id - 1, now, now, n, count])
        cursor.execute("DROP TABLE bench_villages")


def funders(n: int, *, first_id: int = 1) -> None:
    from django.db import connection
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(first_id + i, KINDS[i % len(KINDS)], f"Funder {first_id + i}", "", now) for i in range(n)]
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO funding_funder (id, kind, name, wadah, created_at) VALUES (%s, %s, %s, %s, %s)",
                           rows)


def sponsorships(first_worker: int, last_worker: int, n_funders: int, start: dt.date, months: int, *,
                 first_funder: int = 1) -> None:
    """One active sponsorship per worker (id = worker id), JKK+JKM, every 20th with JHT too."""
    from django.db import connection
    from django.utils import timezone

    from lindung.months import add_months

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    d = connection.ops.adapt_datefield_value
    source = "CASE ((w.id - 1) %% {f}) %% {k} {whens} END".format(
        f=n_funders, k=len(KINDS), whens=" ".join(f"WHEN {i} THEN '{SOURCES[kind]}'" for i, kind in enumerate(KINDS)))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO funding_sponsorship (id, funder_id, worker_id, programs, funding_source, start_month, months,
                end_month, monthly_amount, state, note, created_at)
            SELECT w.id, %s + (w.id - 1) %% %s, w.id, CASE WHEN w.id %% 20 = 0 THEN 'jht,jkk,jkm' ELSE 'jkk,jkm' END,
                   {source}, %s, %s, %s, 0, 'active', '', %s
            FROM people_worker w WHERE w.id BETWEEN %s AND %s""",
                       [first_funder, n_funders, d(start), months, d(add_months(start, months - 1)), now,
                        first_worker, last_worker])


def covered_months(first_worker: int, last_worker: int, months: list[dt.date]) -> None:
    from django.db import connection

    d = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for month in months:
            for program in ("jkk", "jkm", "jht"):
                only = "AND s.programs LIKE '%%jht%%'" if program == "jht" else ""
                cursor.execute(f"""
                    INSERT INTO funding_reservedmonth (sponsorship_id, worker_id, program, month, funder_id,
                                                      funding_source)
                    SELECT s.id, s.worker_id, %s, %s, s.funder_id, s.funding_source FROM funding_sponsorship s
                    WHERE s.worker_id BETWEEN %s AND %s {only}""", [program, d(month), first_worker, last_worker])


class without_indexes:
    """Drop a table's secondary indexes for a bulk load and build them again afterwards (much faster
    than maintaining them row by row). Indexes backing a constraint stay."""

    def __init__(self, table: str):
        self.table = table
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            if dialect.is_postgres():
                cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s
                                  AND indexname NOT IN (SELECT conname FROM pg_constraint)""", [self.table])
            else:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [self.table])
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        from django.db import connection

        with connection.cursor() as cursor:
            for _name, definition in self.definitions:
                # A partitioned table's index is listed "ON ONLY" the parent; built again, it must
                # cover the partitions too.
                cursor.execute(definition.replace(" ON ONLY ", " ON ").replace("%", "%%"))
        return False


def analyse() -> None:
    """Statistics for the planner; on PostgreSQL also what autovacuum would do after a bulk load
    (visibility map for index-only scans) and a checkpoint, so that the timed steps do not pay for
    the generation's aftermath."""
    from django.db import connection

    with connection.cursor() as cursor:
        if dialect.is_postgres():
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
