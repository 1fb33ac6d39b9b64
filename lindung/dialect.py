"""The database dialect: the few SQL spellings and settings that differ between SQLite and PostgreSQL.

Billing, coverage, funding and the importer move millions of rows with INSERT … SELECT, COPY and
executemany; everything they write is plain SQL that both databases accept, except what is listed
here. Every "which database is this?" question in the code is asked here (``is_postgres``), and
table names come from the models (``table(Model)``), never written as literals.
"""

import datetime as dt
import zlib
from contextlib import contextmanager

from django.db import connection, transaction


def is_postgres(conn=None) -> bool:
    """Whether ``conn`` (default: the default connection) is PostgreSQL."""
    return (conn or connection).vendor == "postgresql"


def is_sqlite(conn=None) -> bool:
    return (conn or connection).vendor == "sqlite"


IN_LIST = 5000  # values per IN (…) list: below SQLite's variable limit, few round trips at 78,000 workers


def chunks(items, size: int = IN_LIST):
    """``items`` (a list) in slices of ``size``, e.g. ids for ``IN (…)`` lists that every database accepts."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def table(model) -> str:
    """The table of a model, for raw SQL."""
    return model._meta.db_table


def insert_ignoring_conflicts(table: str, columns: list[str], select_sql: str) -> str:
    """INSERT … SELECT that skips rows violating a unique constraint."""
    cols = ", ".join(columns)
    if is_postgres():
        return f"INSERT INTO {table} ({cols}) {select_sql} ON CONFLICT DO NOTHING"
    return f"INSERT OR IGNORE INTO {table} ({cols}) {select_sql}"


def update_from_rows(cursor, table: str, key: str, columns: list[str], rows: list[tuple], size: int = 1000) -> None:
    """Set ``columns`` of many rows of ``table`` to values of their own: ``rows`` are (key, value, …)
    tuples. One ``WITH v AS (VALUES …) UPDATE … FROM v`` per ``size`` rows (both databases accept it);
    Django's ``bulk_update`` writes a CASE … WHEN per row and compiles it in Python, seconds for
    thousands of rows."""
    names = ", ".join([key, *columns])
    sets = ", ".join(f"{column} = v.{column}" for column in columns)
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    for chunk in chunks(rows, size):
        cursor.execute(f"WITH v ({names}) AS (VALUES {', '.join([row] * len(chunk))}) "
                       f"UPDATE {table} SET {sets} FROM v WHERE {table}.{key} = v.{key}",
                       [value for values in chunk for value in values])


def month_start(expr: str) -> str:
    """The first day of the month of a date expression."""
    if is_postgres():
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"date({expr}, 'start of month')"


def month_index(expr: str) -> str:
    """year × 12 + month − 1 of a date expression: consecutive months differ by one."""
    if is_postgres():
        return f"(CAST(EXTRACT(YEAR FROM {expr}) AS integer) * 12 + CAST(EXTRACT(MONTH FROM {expr}) AS integer) - 1)"
    return f"(CAST(strftime('%%Y', {expr}) AS integer) * 12 + CAST(strftime('%%m', {expr}) AS integer) - 1)"


def date_param(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def datetime_param(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def serial_key() -> str:
    """Column definition of an id numbered by the database in insertion order."""
    return "id bigserial PRIMARY KEY" if is_postgres() else "id integer PRIMARY KEY"


def create_temp_table(cursor, name: str, columns: str) -> None:
    """A scratch table private to this connection, dropped by ``drop_temp_table``."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def analyse(cursor, table: str) -> None:
    """Give PostgreSQL's planner the row counts of a freshly filled scratch table (it never analyses
    temporary tables by itself, and would plan a million-row join as if the table were empty)."""
    if is_postgres():
        cursor.execute(f"ANALYZE {table}")


def drop_temp_table(cursor, name: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")


def serialise(cursor, name: str) -> None:
    """Make concurrent runs of one job wait for each other (inside a transaction).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, its transactions take the
    write lock at the start (settings: ``transaction_mode=IMMEDIATE``), so writers already queue.
    """
    if is_postgres():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


def roomy_sorts(cursor, megabytes: int = 256) -> None:
    """PostgreSQL, inside a transaction: let this transaction's sorts and hashes use more memory than
    the server default (4 MB), so million-row GROUP BYs and ORDER BYs stay off the disk."""
    if is_postgres():
        cursor.execute(f"SET LOCAL work_mem = '{int(megabytes)}MB'")


@contextmanager
def by_index(cursor):
    """PostgreSQL, inside a transaction: the statements run inside find their rows through an index and
    are not compiled first (JIT); afterwards both are back to the server's settings.

    For look-ups of many keys whose rows per key the statistics cannot know. Invoice lines per invoice
    run from two (a self-payer) to tens of thousands (a regency): for a thousand self-payers' invoices
    the planner took the average, expected millions of lines, scanned the month's twenty million and
    compiled the query beforehand — 5 s where the index answers in 0.1 s.
    """
    if not is_postgres():
        yield
        return
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL jit = off")
    yield
    cursor.execute("RESET enable_seqscan")
    cursor.execute("RESET jit")


@contextmanager
def sqlite_cache(target, megabytes: int):
    """On SQLite, a page cache of ``megabytes`` for the duration of a bulk job, then the previous size.

    SQLite's default 2 MB cache turns index maintenance and index probes on million-row tables into
    constant re-reads; a larger cache keeps the working set in memory. ``target`` is a Django cursor
    or a raw sqlite3 connection. PostgreSQL needs nothing here.
    """
    if not is_sqlite():
        yield
        return
    before = _pragma(target, "cache_size")
    target.execute(f"PRAGMA cache_size = {-int(megabytes) * 1024}")
    try:
        yield
    finally:
        target.execute(f"PRAGMA cache_size = {int(before)}")


def _pragma(target, name: str):
    result = target.execute(f"PRAGMA {name}")
    row = (result if hasattr(result, "fetchone") else target).fetchone()
    return row[0] if row else 0


@contextmanager
def bulk_work(cursor, cache_mb: int = 512, check_foreign_keys: bool = True):
    """For a long set-based job on SQLite: a large page cache and memory-mapped reads, then back.

    The larger cache (and mmap) keeps the working set of a million-row join in memory.
    ``check_foreign_keys=False`` skips the per-row parent look-ups for statements that copy ids
    straight from the parent rows they join (SQLite only; it must be set outside a transaction).
    PostgreSQL needs nothing here.
    """
    if not is_sqlite():
        yield
        return
    outside = not connection.in_atomic_block  # SQLite refuses some settings inside a transaction
    with sqlite_cache(cursor, cache_mb):
        if not outside:
            yield
            return
        mmap, foreign_keys = _pragma(cursor, "mmap_size"), _pragma(cursor, "foreign_keys")
        cursor.execute(f"PRAGMA mmap_size = {cache_mb * 4 * 1024 * 1024}")
        cursor.execute("PRAGMA temp_store = MEMORY")
        if check_foreign_keys is False:
            cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA mmap_size = {int(mmap)}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


def series(count_param: str = "%s") -> str:
    """A row source ``s(n)`` counting 1…count, for generating rows inside the database."""
    if is_postgres():
        return f"(SELECT n FROM generate_series(1, {count_param}) AS g(n)) s"
    return (f"(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count_param}) "
            f"SELECT n FROM g) s")


def zero_pad(expr: str, width: int) -> str:
    if is_postgres():
        return f"lpad(CAST({expr} AS text), {width}, '0')"
    return f"printf('%%0{width}d', {expr})"


def make_date(year: str, month: str, day: str) -> str:
    if is_postgres():
        return f"make_date({year}, {month}, {day})"
    return f"printf('%%04d-%%02d-%%02d', {year}, {month}, {day})"


# --- read replicas (lindung.routing) ------------------------------------------------------------------

def replica_state_sql() -> str:
    """One row (in_recovery, lag_seconds) asked of a PostgreSQL replica.

    The lag is the age of the last transaction replayed — unless the standby has replayed everything
    it received, when it is 0: an idle primary sends nothing, and its standby is then current however
    old the last transaction is.
    """
    return ("SELECT pg_is_in_recovery(), CASE "
            "WHEN NOT pg_is_in_recovery() THEN 0 "
            "WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END")


# --- the job queues (imports, reports, registry messages, periodic runs) --------------------------------

def lock_next(queryset):
    """Inside a transaction: the primary key of the first row of ``queryset`` (in its order) that no other
    transaction holds, now held by this one until it ends (None when there is none).

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` — any number of workers on any number of machines
    each get a different row at once and none waits for another. SQLite: a transaction holds the
    database's write lock from its start (``transaction_mode=IMMEDIATE``), so nobody else is looking.
    """
    if is_postgres():
        return queryset.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True).first()
    return queryset.values_list("pk", flat=True).first()


def claim_next(queryset, **changes):
    """Take the first row of ``queryset`` nobody holds, set ``changes`` on it (its claim: state, owner,
    heartbeat) in one short transaction, and return its primary key (None when nothing is waiting).
    The update repeats the queryset's conditions, so a row never passes to two workers."""
    with transaction.atomic():
        pk = lock_next(queryset)
        if pk is None:
            return None
        return pk if queryset.filter(pk=pk).update(**changes) else None
