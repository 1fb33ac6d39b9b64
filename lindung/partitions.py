"""Monthly partitions of the history tables on PostgreSQL.

The tables that gain rows every month — invoice lines, reserved months, covered months, statement rows
and audit entries — are range-partitioned by month on PostgreSQL (declarative partitioning): one
partition per month (``<table>_p2026_06``) and a default partition (``<table>_default``) so that an
insert for a month without its own partition never fails. Queries for a month read one partition;
old months can be detached whole for archiving instead of deleted row by row. SQLite keeps plain
tables: every function here does nothing there.

Three consequences of partitioning, decided here once:

- **Primary key.** A partitioned table's unique indexes must contain the partition key, so the primary
  key in SQL is ``(id, month)`` (``(id, at)`` for audit entries). Django still treats ``id`` alone as
  the key: ids come from one sequence owned by the table, so they stay unique across partitions.
- **Unique constraints** get the partition key appended where it is missing. Those that already contain
  it keep their exact meaning (one payer per worker, programme and month; one bill per worker,
  programme and month; one covered row per worker and month). Statement rows' unique bank reference
  becomes unique per reference and payment date (the payment itself stays unique by reference in
  ``billing_payment``, which is not partitioned).
- **Foreign keys that point at a partitioned table** cannot reference ``id`` alone; there must be
  none (the audit subjects' link to their entry is kept by Django, ``db_constraint=False``).
  ``partition_by_month`` refuses to convert a table that is still referenced.

The maintenance command ``lindung partitions`` (see ``lindung/core_cli.py``) lists the partitions,
creates those of the coming months (moving any of their rows out of the default partition) and
detaches old ones.
"""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.errors import InvalidInput
from lindung.months import add_months, first_of_month, month_span
from lindung.months import today as calendar_today

DEFAULT_AHEAD = 3  # months created ahead of the current one
SUFFIX = re.compile(r"_p(\d{4})_(\d{2})$")


@dataclass
class Partition:
    table: str
    name: str
    month: dt.date | None  # None: the default partition
    rows: int  # the planner's estimate (reltuples), -1 before the first ANALYZE

    def as_dict(self) -> dict:
        return {"table": self.table, "partition": self.name,
                "month": self.month.strftime("%Y-%m") if self.month else None, "rows_estimate": self.rows}


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y_%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _month_of(name: str) -> dt.date | None:
    found = SUFFIX.search(name)
    return dt.date(int(found[1]), int(found[2]), 1) if found else None


# --- what the database says -------------------------------------------------------------------------

def partitioned_tables(conn=None) -> dict[str, str]:
    """Every partitioned table and its key column ({table: column}); empty on SQLite."""
    conn = conn or default_connection
    if not dialect.is_postgres(conn):
        return {}
    with conn.cursor() as cursor:
        cursor.execute("""SELECT c.relname, a.attname FROM pg_partitioned_table p
                          JOIN pg_class c ON c.oid = p.partrelid
                          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
                          ORDER BY c.relname""")
        return dict(cursor.fetchall())


def partitions(table: str, conn=None) -> list[Partition]:
    """The partitions attached to ``table``, default last."""
    conn = conn or default_connection
    with conn.cursor() as cursor:
        cursor.execute("""SELECT c.relname, c.reltuples::bigint, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
                          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                          WHERE i.inhparent = %s::regclass ORDER BY c.relname""", [table])
        rows = cursor.fetchall()
    found = [Partition(table, name, None if is_default else _month_of(name), int(estimate))
             for name, estimate, is_default in rows]
    return sorted(found, key=lambda p: (p.month is None, p.month or dt.date.min))


def _key_is_timestamp(cursor, table: str, key: str) -> bool:
    cursor.execute("""SELECT data_type FROM information_schema.columns
                      WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s""", [table, key])
    return cursor.fetchone()[0].startswith("timestamp")


def _bound(month: dt.date, timestamp: bool) -> str:
    """A partition bound literal: the first day of ``month``; for a timestamp key, its first instant in
    the configured time zone (a WIB month, the month people mean)."""
    if not timestamp:
        return f"'{month.isoformat()}'"
    instant = dt.datetime(month.year, month.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return f"'{instant.isoformat()}'"


def _month_expr(key: str, timestamp: bool) -> str:
    if timestamp:
        return f"CAST(date_trunc('month', {key} AT TIME ZONE '{settings.TIME_ZONE}') AS date)"
    return dialect.month_start(key)


# --- creating and moving -----------------------------------------------------------------------------

def create_month(cursor, table: str, key: str, month: dt.date) -> tuple[str, int] | None:
    """Create the partition of ``month`` unless it exists. Rows of that month already in the default
    partition are moved into it (PostgreSQL refuses a new partition whose rows sit in the default).
    Returns (partition, rows moved), or None when it existed. Run inside a transaction."""
    name = partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return None
    timestamp = _key_is_timestamp(cursor, table, key)
    low, high = _bound(month, timestamp), _bound(add_months(month, 1), timestamp)
    default = default_name(table)
    cursor.execute("SELECT to_regclass(%s)", [default])
    has_default = cursor.fetchone()[0] is not None
    moved = 0
    if has_default:
        dialect.create_temp_table(cursor, "partition_moving", f"LIKE {table}")
        cursor.execute(f"""WITH gone AS (DELETE FROM {default} WHERE {key} >= {low} AND {key} < {high} RETURNING *)
                           INSERT INTO partition_moving SELECT * FROM gone""")
        moved = cursor.rowcount
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ({low}) TO ({high})")
    if has_default:
        if moved:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM partition_moving")
        dialect.drop_temp_table(cursor, "partition_moving")
    return name, moved


def ensure_partitions(*, ahead: int = DEFAULT_AHEAD, since: dt.date | None = None, today: dt.date | None = None,
                      conn=None) -> list[dict]:
    """For every partitioned table: the partitions from the current month (or from ``since``, for a
    database about to receive past months) to ``ahead`` months later, and one for every month that has
    rows waiting in the default partition. Idempotent."""
    conn = conn or default_connection
    current = first_of_month(today or calendar_today())
    first = min(first_of_month(since), current) if since else current
    wanted = set(month_span(first, (current.year - first.year) * 12 + current.month - first.month + ahead + 1))
    created = []
    for table, key in partitioned_tables(conn).items():
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            dialect.serialise(cursor, f"partitions:{table}")
            timestamp = _key_is_timestamp(cursor, table, key)
            cursor.execute(f"SELECT DISTINCT {_month_expr(key, timestamp)} FROM {default_name(table)}")
            waiting = {row[0] for row in cursor.fetchall()}
            for month in sorted(waiting | wanted):
                made = create_month(cursor, table, key, month)
                if made:
                    created.append({"table": table, "partition": made[0], "month": month.strftime("%Y-%m"),
                                    "rows_moved": made[1]})
    return created


def detach_before(tables: list[str], before: dt.date, *, conn=None) -> list[dict]:
    """Detach the monthly partitions of ``tables`` whose month is before ``before``. They stay in the
    database as ordinary tables (the rows are no longer seen through the parent) until archived —
    ``pg_dump -t NAME`` — and dropped. The default partition is never detached."""
    conn = conn or default_connection
    known = partitioned_tables(conn)
    unknown = [t for t in tables if t not in known]
    if unknown:
        raise InvalidInput(_("Not a partitioned table: %(tables)s (partitioned: %(known)s).") % {
            "tables": ", ".join(unknown), "known": ", ".join(known) or "–"})
    detached = []
    for table in tables:
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            dialect.serialise(cursor, f"partitions:{table}")
            for part in partitions(table, conn):
                if part.month is not None and part.month < first_of_month(before):
                    cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {part.name}")
                    detached.append({"table": table, "partition": part.name, "month": part.month.strftime("%Y-%m")})
    return detached


# --- converting a plain table (migrations) -------------------------------------------------------------

def partition_by_month(schema_editor, table: str, key: str, *, ahead: int = DEFAULT_AHEAD) -> None:
    """Turn the plain table ``table`` into one range-partitioned by month on ``key``, keeping every row,
    index and constraint (unique ones and the primary key extended by ``key``). PostgreSQL only;
    a migration's RunPython calls it (and SQLite ignores it).

    The rows are copied once into the new monthly partitions (one per month that has rows, the coming
    months, and the default); ids keep their values and the new sequence continues after the largest.
    """
    conn = schema_editor.connection
    if not dialect.is_postgres(conn):
        return
    new = f"{table}__partitioned"
    with conn.cursor() as cursor:
        cursor.execute("""SELECT conname FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass""",
                       [table])
        referenced_by = [row[0] for row in cursor.fetchall()]
        if referenced_by:
            raise RuntimeError(f"{table} is referenced by foreign keys {referenced_by}: partitioned tables "
                               "cannot be referenced by id alone")
        cursor.execute("""SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'c')
                          ORDER BY contype = 'p' DESC, conname""", [table])
        constraints = cursor.fetchall()
        cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
                          AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint
                                                                  WHERE conrelid = %s::regclass)""", [table, table])
        indexes = cursor.fetchall()
        timestamp = _key_is_timestamp(cursor, table, key)
        cursor.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS) PARTITION BY RANGE ({key})")
        cursor.execute(f"SELECT DISTINCT {_month_expr(key, timestamp)} FROM {table}")
        months = {row[0] for row in cursor.fetchall()}
        months |= {add_months(first_of_month(calendar_today()), n) for n in range(ahead + 1)}
        for month in sorted(months):
            low, high = _bound(month, timestamp), _bound(add_months(month, 1), timestamp)
            cursor.execute(f"CREATE TABLE {partition_name(table, month)} PARTITION OF {new} "
                           f"FOR VALUES FROM ({low}) TO ({high})")
        cursor.execute(f"CREATE TABLE {default_name(table)} PARTITION OF {new} DEFAULT")
        cursor.execute(f"INSERT INTO {new} SELECT * FROM {table}")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        last_id = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
        sequence = f"{table}_id_seq"
        cursor.execute(f"CREATE SEQUENCE {sequence} AS bigint OWNED BY {table}.id")
        if last_id:
            cursor.execute("SELECT setval(%s, %s)", [sequence, last_id])
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
        for name, kind, definition in constraints:
            extended = _with_key(definition, key) if kind in ("p", "u") else definition
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {extended}")
            if extended != definition:  # remembered, so that ``unpartition`` gives the original back
                cursor.execute(f"COMMENT ON CONSTRAINT {name} ON {table} IS %s", [KEY_APPENDED])
        for _name, definition in indexes:
            cursor.execute(definition.replace("%", "%%"))


KEY_APPENDED = "partition key appended"


def _with_key(definition: str, key: str) -> str:
    """``UNIQUE (reference)`` → ``UNIQUE (reference, paid_on)``; a definition holding the key is kept."""
    found = re.match(r"^(PRIMARY KEY|UNIQUE) \((.*)\)(.*)$", definition)
    columns = [c.strip() for c in found[2].split(",")]
    if key in columns:
        return definition
    return f"{found[1]} ({', '.join(columns + [key])}){found[3]}"


def unpartition(schema_editor, table: str) -> None:
    """The reverse of ``partition_by_month`` (for migrating back): a plain table with ``id`` as its key."""
    conn = schema_editor.connection
    if not dialect.is_postgres(conn) or table not in partitioned_tables(conn):
        return
    plain = f"{table}__plain"
    with conn.cursor() as cursor:
        key = partitioned_tables(conn)[table]
        cursor.execute("""SELECT conname, contype, pg_get_constraintdef(oid),
                                 obj_description(oid, 'pg_constraint') = %s FROM pg_constraint
                          WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'c') AND conparentid = 0
                          ORDER BY contype = 'p' DESC, conname""", [KEY_APPENDED, table])
        constraints = cursor.fetchall()
        cursor.execute("""SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                          WHERE i.indrelid = %s::regclass
                          AND c.relname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)""",
                       [table, table])
        indexes = cursor.fetchall()
        cursor.execute(f"CREATE TABLE {plain} (LIKE {table} INCLUDING DEFAULTS)")
        cursor.execute(f"ALTER TABLE {plain} ALTER COLUMN id DROP DEFAULT")  # the sequence goes with the table
        cursor.execute(f"INSERT INTO {plain} SELECT * FROM {table}")
        cursor.execute(f"DROP TABLE {table}")  # the partitions and the sequence go with it
        cursor.execute(f"ALTER TABLE {plain} RENAME TO {table}")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        restart = cursor.fetchone()[0]
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
                       f"(RESTART WITH {restart})")
        for name, _kind, definition, key_appended in constraints:
            if key_appended:
                definition = _without_key(definition, key)
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition.replace(" ONLY ", " ").replace("%", "%%"))


def _without_key(definition: str, key: str) -> str:
    found = re.match(r"^(PRIMARY KEY|UNIQUE) \((.*)\)(.*)$", definition)
    columns = [c.strip() for c in found[2].split(",")]
    assert columns[-1] == key, definition
    return f"{found[1]} ({', '.join(columns[:-1])}){found[3]}"
