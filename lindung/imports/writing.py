"""Writing checked rows into the worker table, inside the caller's transaction.

PostgreSQL: ``COPY … FROM STDIN`` straight from the spool (psycopg 3). SQLite: one prepared INSERT run
with ``executemany`` over the spool, in chunks. Derived columns (district/regency/province codes,
name_key) were computed while checking, so the database does no per-row work beyond its indexes.
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable

from django.db import connection

from lindung import dialect
from lindung.people.models import Worker, normalise_name
from lindung.regions.models import derived_codes

from .copyformat import WORKER_COLUMNS, unescape

CHUNK = 5000
COLUMNS = [*WORKER_COLUMNS, "registered_by_id", "created_at", "updated_at"]


def insert_workers(spool, *, registered_by_id: int | None, now: dt.datetime,
                   progress: Callable[[int], None] | None = None) -> int:
    """Insert every spooled row; returns the number written. Runs inside the caller's transaction."""
    spool.seek(0)
    table = Worker._meta.db_table
    written = 0
    if dialect.is_postgres():
        suffix = "\t%s\t%s\t%s\n" % ("\\N" if registered_by_id is None else registered_by_id,
                                     now.isoformat(), now.isoformat())
        columns = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                buffer = []
                for line in spool:
                    buffer.append(line[:-1] + suffix)
                    if len(buffer) == CHUNK:
                        copy.write("".join(buffer))
                        written += len(buffer)
                        buffer.clear()
                        if progress:
                            progress(written)
                if buffer:
                    copy.write("".join(buffer))
                    written += len(buffer)
        return written
    # SQLite keeps datetimes as naive UTC text.
    stamp = now.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
    tail = (registered_by_id, stamp, stamp)
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    connection.ensure_connection()
    raw = connection.connection
    with dialect.sqlite_cache(raw, SQLITE_BULK_CACHE_MB):
        chunk = []
        for line in spool:
            values = line[:-1].split("\t")
            if "\\" in line:
                values = [unescape(v) for v in values]
            chunk.append((*values, *tail))
            if len(chunk) == CHUNK:
                raw.executemany(sql, chunk)
                written += len(chunk)
                chunk.clear()
                if progress:
                    progress(written)
        if chunk:
            raw.executemany(sql, chunk)
            written += len(chunk)
    return written


# A 128 MiB page cache while a bulk insert runs (SQLite's default is 2 MiB): the worker table's
# eight indexes then stay in memory instead of being re-read for every row.
SQLITE_BULK_CACHE_MB = 128


def update_workers(updates: list[tuple], *, now: dt.datetime) -> int:
    """Apply per-worker changes, grouped by the set of changed fields (one executemany per group)."""
    groups: dict[tuple, list] = defaultdict(list)
    for worker_id, changes, *_before in updates:
        values = dict(changes)
        if "name" in values:
            values["name_key"] = normalise_name(values["name"])
        if "village_id" in values:
            code = values["village_id"]
            values.update(derived_codes(code))
        if "nik_flags" in values:
            values["nik_flags"] = json.dumps(values["nik_flags"])
        keys = tuple(sorted(values))
        groups[keys].append([values[k] for k in keys] + [worker_id])
    table = Worker._meta.db_table
    column = {"village_id": "village_code"}
    if not dialect.is_postgres():
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
    with connection.cursor() as cursor:
        for keys, rows in groups.items():
            sets = []
            for k in keys:
                cast = "::jsonb" if k == "nik_flags" and dialect.is_postgres() else ""
                sets.append(f"{column.get(k, k)} = %s{cast}")
            sql = f"UPDATE {table} SET {', '.join(sets)}, updated_at = %s WHERE id = %s"
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(sql, [r[:-1] + [now, r[-1]] for r in rows[start:start + CHUNK]])
    return len(updates)
