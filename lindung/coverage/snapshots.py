"""Monthly coverage snapshots: the counts of a month frozen per region, for trends and fast pages.

``take_snapshot(access, month)`` replaces the month's rows: villages are counted from ``CoveredMonth`` in one
GROUP BY, then districts, regencies, provinces and the country are summed from the level below —
all INSERT … SELECT. Run it once a month after the payments are in (``lindung coverage snapshot``, or
the background workers on ``LINDUNG_SNAPSHOT_DAY``); taking it again later simply re-freezes the month
with the payments known by then.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.accounts.access import Access
from lindung.audit import services as audit
from lindung.months import month_from_index, month_index
from lindung.rules.services import lapse_months


from .models import CoverageSnapshot, CoveredMonth, SnapshotRun

# Tables of the raw SQL below, named by their models.
COVERED, SNAPSHOTS = dialect.table(CoveredMonth), dialect.table(CoverageSnapshot)
COLUMNS = "month, region_code, segment, ecosystem, funder_kind, active, new, lapsed"


def take_snapshot(access, month: dt.date) -> SnapshotRun:
    """Freeze ``month``'s counts per region (needs ``coverage.snapshot``); taking it again replaces it."""
    access.require("coverage.snapshot")
    user = access.acting_user
    month = month.replace(day=1)
    before = month_from_index(month_index(month) - lapse_months(month))
    m, b = dialect.date_param(month), dialect.date_param(before)
    with transaction.atomic(), connection.cursor() as cursor:
        dialect.serialise(cursor, "coverage-snapshot")
        dialect.roomy_sorts(cursor)
        CoverageSnapshot.objects.filter(month=month).delete()
        cursor.execute(f"""
            INSERT INTO {SNAPSHOTS} ({COLUMNS})
            SELECT %s, village_code, segment, ecosystem, funder_kind, SUM(active), SUM(new), SUM(lapsed) FROM (
                SELECT village_code, segment, ecosystem, funder_kind, 1 AS active,
                       CASE WHEN starts THEN 1 ELSE 0 END AS new, 0 AS lapsed
                FROM {COVERED} WHERE month = %s
                UNION ALL
                SELECT village_code, segment, ecosystem, funder_kind, 0, 0, 1
                FROM {COVERED} WHERE month = %s AND last) t
            GROUP BY village_code, segment, ecosystem, funder_kind""", [m, m, b])
        for child, parent in ((10, 6), (6, 4), (4, 2), (2, 0)):
            code = f"SUBSTR(region_code, 1, {parent})" if parent else "''"
            group = f"{code}, " if parent else ""  # PostgreSQL refuses a constant in GROUP BY
            cursor.execute(f"""
                INSERT INTO {SNAPSHOTS} ({COLUMNS})
                SELECT month, {code}, segment, ecosystem, funder_kind, SUM(active), SUM(new), SUM(lapsed)
                FROM {SNAPSHOTS} WHERE month = %s AND LENGTH(region_code) = {child}
                GROUP BY month, {group}segment, ecosystem, funder_kind""", [m])
        rows = CoverageSnapshot.objects.filter(month=month).count()
        active = sum(CoverageSnapshot.objects.filter(month=month, region_code="").values_list("active", flat=True))
        run, _created = SnapshotRun.objects.update_or_create(
            month=month, defaults={"taken_at": timezone.now(), "taken_by": user,
                                   "rows": rows, "active": active})
        audit.record(user, audit.Action.CREATE, run, summary=_("coverage snapshot %(month)s: %(active)d active") % {
            "month": f"{month:%Y-%m}", "active": active})
    return run


def snapshot_due(day: dt.date) -> bool:
    """The day of the month (``LINDUNG_SNAPSHOT_DAY``, 0: never) on which the workers take a snapshot."""
    return bool(settings.LINDUNG_SNAPSHOT_DAY) and day.day == settings.LINDUNG_SNAPSHOT_DAY


def scheduled_snapshot(day: dt.date) -> dict:
    """The previous month's snapshot, taken by a background worker (``processes.periodic``)."""
    run = take_snapshot(Access.console(), month_from_index(month_index(day.replace(day=1)) - 1))
    return {"month": run.month.isoformat(), "rows": run.rows, "active": run.active}
