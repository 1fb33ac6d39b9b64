"""Deriving cover from payments: which months count, per worker, under the lapse rule.

The rule (Permenaker 5/2021, rule data ``lapse``): a month is covered only when its contributions are paid.
After ``lapse`` (default 3) consecutive unpaid months the membership becomes inactive; a payment
after that starts a new membership from the month in which it is paid — months paid late after the
lapse do not become cover (no back-dated cover) unless an authorised ``CoverageCorrection`` says so.
While the membership is alive a month paid late still counts.

In months (payment dates are taken by their month):

- a month paid in advance or within the month itself always counts (if the membership had lapsed,
  that payment starts the new one);
- a month paid in a later month counts only if the membership was alive, without a break, from that
  month until the payment; a membership lapses at the start of month c when the ``lapse`` months
  before c were all still unpaid then (months never billed count as unpaid).

Most months are paid on time; those are derived in SQL for everyone at once. Only workers with a
month paid late are walked through ``covered_months`` in Python.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from lindung import dialect
from lindung.billing.models import Invoice, InvoiceLine
from lindung.funding.models import Funder
from lindung.months import month_from_index, month_index
from lindung.people.models import Worker
from lindung.rules.services import lapse_months, reactivation_rule


from .models import CoverageCorrection, CoveredMonth, DirtyWorker, MemberStatus

# Tables of the raw SQL below, named by their models.
COVERED, STATUSES, DIRTY = dialect.table(CoveredMonth), dialect.table(MemberStatus), dialect.table(DirtyWorker)
CORRECTIONS, WORKERS, FUNDERS = dialect.table(CoverageCorrection), dialect.table(Worker), dialect.table(Funder)
INVOICES, LINES = dialect.table(Invoice), dialect.table(InvoiceLine)

BATCH = 50_000  # workers per refresh step
LATE = "coverage_late_workers"


def covered_months(facts: dict[int, int | None], lapse: int, corrected=frozenset(), *,
                   backdate: bool = False) -> set[int]:
    """Month indexes that count as cover.

    ``facts``: every billed month index → the month index in which it became fully paid (None: unpaid).
    ``corrected``: month indexes an authorised correction back-dates; ``backdate`` treats every paid
    month so (rule data ``reactivation = continue``).
    """
    pay: dict[int, int | None] = {}
    for m, p in facts.items():
        if p is not None and (backdate or m in corrected):
            p = min(p, m)
        pay[m] = p
    payments = sorted((p, m) for m, p in pay.items() if p is not None)
    if not payments:
        return set()
    by_month = defaultdict(list)
    for p, m in payments:
        by_month[p].append(m)
    start = min(facts)
    alive, since = True, start
    covered = set()

    def unpaid_at(m: int, c: int) -> bool:
        p = pay.get(m)
        return p is None or p >= c

    for c in range(min(start, payments[0][0]), payments[-1][0] + 1):
        if alive and c - lapse >= since and all(unpaid_at(m, c) for m in range(c - lapse, c)):
            alive = False
        for m in by_month.get(c, ()):
            if not alive:
                alive, since = True, c
            if m >= c or since <= m:
                covered.add(m)
    return covered


def mark_dirty(select_sql: str, params=()) -> None:
    """Queue the workers returned by ``select_sql`` (one column: worker ids) for a refresh."""
    with connection.cursor() as cursor:
        cursor.execute(dialect.insert_ignoring_conflicts(DIRTY, ["worker_id"], select_sql), params)


def mark_workers(worker_ids) -> None:
    DirtyWorker.objects.bulk_create([DirtyWorker(worker_id=i) for i in set(worker_ids)], ignore_conflicts=True)


def refresh_dirty(*, today: dt.date | None = None, batch: int = BATCH) -> int:
    """Recompute ``CoveredMonth`` and ``MemberStatus`` for every queued worker; returns how many."""
    today = today or timezone.localdate()
    lapse = lapse_months(today)
    backdate = reactivation_rule(today) == "continue"
    done = 0
    with connection.cursor() as cursor, dialect.bulk_work(cursor), transaction.atomic():
        dialect.serialise(cursor, "coverage-refresh")
        dialect.roomy_sorts(cursor)
        dialect.analyse(cursor, DIRTY)
        while True:
            cursor.execute(f"SELECT worker_id FROM {DIRTY} ORDER BY worker_id LIMIT %s", [batch])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            _refresh_range(cursor, ids[0], ids[-1], lapse, backdate)
            cursor.execute(f"DELETE FROM {DIRTY} WHERE worker_id BETWEEN %s AND %s", [ids[0], ids[-1]])
            done += len(ids)
    return done


def refresh_all(*, today: dt.date | None = None) -> int:
    """Rebuild everything from the invoice lines (after changing the lapse rule, or to repair)."""
    mark_dirty(f"SELECT DISTINCT worker_id FROM {LINES}")
    mark_dirty(f"SELECT worker_id FROM {COVERED}")
    return refresh_dirty(today=today)


def _refresh_range(cursor, low: int, high: int, lapse: int, backdate: bool) -> None:
    in_batch = f"worker_id IN (SELECT d.worker_id FROM {DIRTY} d WHERE d.worker_id BETWEEN %s AND %s)"
    span = [low, high]
    cursor.execute(f"DELETE FROM {COVERED} WHERE {in_batch}", span)
    cursor.execute(f"DELETE FROM {STATUSES} WHERE {in_batch}", span)
    # Months paid on time (in advance or within the month) count for everyone: straight from SQL, with
    # the membership flags from the neighbouring covered months.
    window = "OVER (PARTITION BY f.worker_id ORDER BY f.month_index)"
    cursor.execute(f"""
        INSERT INTO {COVERED} (worker_id, month, month_index, paid_on, province_code, regency_code,
                                        district_code, village_code, segment, ecosystem, funder_kind, starts, last)
        SELECT f.worker_id, f.month, f.month_index, f.paid_on, w.province_code, w.regency_code,
               w.district_code, w.village_code, w.segment, w.ecosystem, f.funder_kind,
               CASE WHEN f.month_index - LAG(f.month_index) {window} <= %s THEN FALSE ELSE TRUE END,
               CASE WHEN LEAD(f.month_index) {window} - f.month_index <= %s THEN FALSE ELSE TRUE END
        FROM ({_month_facts_sql(in_batch)}
              HAVING {_all_paid()} AND {dialect.month_start('MAX(l.paid_on)')} <= l.month) f
        JOIN {WORKERS} w ON w.id = f.worker_id
        WHERE w.died_on IS NULL OR f.month <= w.died_on""", [lapse, lapse, *span])
    if _add_late_months(cursor, in_batch, span, lapse, backdate):
        _flag_memberships(cursor, f"worker_id IN (SELECT worker_id FROM {LATE})", [], lapse)
    dialect.drop_temp_table(cursor, LATE)
    cursor.execute(f"""
        INSERT INTO {STATUSES} (worker_id, first_month, active_since, paid_through, paid_through_index,
                                           contribution_months, memberships, refreshed_at)
        SELECT worker_id, MIN(month), MAX(CASE WHEN starts THEN month END), MAX(month), MAX(month_index),
               COUNT(*), SUM(CASE WHEN starts THEN 1 ELSE 0 END), %s
        FROM {COVERED} WHERE {in_batch} GROUP BY worker_id""",
                   [dialect.datetime_param(timezone.now()), *span])


def _month_facts_sql(in_batch: str) -> str:
    """Per worker and billed month: when it became fully paid, and the paying funder's kind.

    When several funders pay different programmes of one worker-month, the month is attributed to the
    funder of its JKK line, else JKM, else any.
    """
    return f"""
        SELECT l.worker_id, l.month, {dialect.month_index('l.month')} AS month_index, MAX(l.paid_on) AS paid_on,
               SUBSTR(MIN(CASE l.program WHEN 'jkk' THEN '1' WHEN 'jkm' THEN '2' ELSE '3' END || fu.kind), 2)
               AS funder_kind
        FROM {LINES} l
        JOIN {INVOICES} i ON i.id = l.invoice_id
        JOIN {FUNDERS} fu ON fu.id = i.funder_id
        WHERE l.{in_batch}
        GROUP BY l.worker_id, l.month"""


def _all_paid() -> str:
    return "MIN(CASE WHEN l.paid >= l.amount AND (l.paid_on IS NOT NULL OR l.amount = 0) THEN 1 ELSE 0 END) = 1 " \
           "AND MAX(l.paid_on) IS NOT NULL"


def _add_late_months(cursor, in_batch: str, span: list, lapse: int, backdate: bool) -> bool:
    """Walk the workers with a month paid late and add the late months that count.

    Leaves the workers walked in the scratch table ``LATE``; returns whether there were any.
    """
    dialect.create_temp_table(cursor, LATE, "worker_id bigint PRIMARY KEY")
    cursor.execute(f"""
        INSERT INTO {LATE} (worker_id)
        SELECT DISTINCT l.worker_id FROM {LINES} l
        WHERE l.{in_batch} AND l.paid_on IS NOT NULL AND {dialect.month_start('l.paid_on')} > l.month""", span)
    dialect.analyse(cursor, LATE)
    cursor.execute(f"SELECT COUNT(*) FROM {LATE}")
    if not cursor.fetchone()[0]:
        return False
    late_in_batch = f"worker_id IN (SELECT worker_id FROM {LATE})"
    cursor.execute(f"""
        SELECT f.worker_id, f.month, f.paid_on, f.funder_kind, f.all_paid FROM (
            SELECT l.worker_id, l.month, MAX(l.paid_on) AS paid_on,
                   SUBSTR(MIN(CASE l.program WHEN 'jkk' THEN '1' WHEN 'jkm' THEN '2' ELSE '3' END || fu.kind), 2)
                   AS funder_kind,
                   CASE WHEN {_all_paid()} THEN 1 ELSE 0 END AS all_paid
            FROM {LINES} l
            JOIN {INVOICES} i ON i.id = l.invoice_id
            JOIN {FUNDERS} fu ON fu.id = i.funder_id
            WHERE l.{late_in_batch}
            GROUP BY l.worker_id, l.month) f
        ORDER BY f.worker_id, f.month""")
    facts: dict[int, dict[int, tuple]] = defaultdict(dict)
    for worker_id, month, paid_on, kind, all_paid in cursor.fetchall():
        month, paid_on = _date(month), _date(paid_on)
        paid_in = month_index(paid_on) if all_paid and paid_on else None
        facts[worker_id][month_index(month)] = (paid_in, paid_on, kind)
    cursor.execute(f"SELECT worker_id, from_month, to_month FROM {CORRECTIONS} WHERE {late_in_batch}")
    corrected: dict[int, set[int]] = defaultdict(set)
    for worker_id, first, last in cursor.fetchall():
        corrected[worker_id].update(range(month_index(_date(first)), month_index(_date(last)) + 1))
    cursor.execute(f"""SELECT id, province_code, regency_code, district_code, village_code, segment, ecosystem,
                              died_on
                       FROM {WORKERS} WHERE id IN (SELECT worker_id FROM {LATE})""")
    workers, died = {}, {}
    for row in cursor.fetchall():
        workers[row[0]], died[row[0]] = row[1:7], _date(row[7])
    rows = []
    for worker_id, months in facts.items():
        counted = covered_months({m: f[0] for m, f in months.items()}, lapse, corrected[worker_id], backdate=backdate)
        for m in sorted(counted):
            paid_in, paid_on, kind = months[m]
            if died.get(worker_id) and m > month_index(died[worker_id]):
                continue  # no cover after a confirmed death
            if paid_in is not None and paid_in > m:  # on-time months are already in
                rows.append((worker_id, dialect.date_param(month_from_index(m)), m, dialect.date_param(paid_on),
                             *workers[worker_id], kind))
    if rows:
        cursor.executemany(f"""
            INSERT INTO {COVERED} (worker_id, month, month_index, paid_on, province_code, regency_code,
                                            district_code, village_code, segment, ecosystem, funder_kind, starts, last)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, FALSE, FALSE)""", rows)
    return True


def _flag_memberships(cursor, workers: str, params: list, lapse: int) -> None:
    """A membership starts after a gap of more than ``lapse`` uncovered months, and ends before one."""
    cursor.execute(f"UPDATE {COVERED} SET starts = FALSE, last = FALSE WHERE {workers}", params)
    window = "OVER (PARTITION BY worker_id ORDER BY month_index)"
    for column, gap in (("starts", f"month_index - LAG(month_index) {window}"),
                        ("last", f"LEAD(month_index) {window} - month_index")):
        cursor.execute(f"""
            UPDATE {COVERED} SET {column} = TRUE WHERE id IN (
                SELECT id FROM (
                    SELECT id, {gap} AS gap
                    FROM {COVERED} WHERE {workers}) t
                WHERE t.gap IS NULL OR t.gap > %s)""", [*params, lapse])


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
