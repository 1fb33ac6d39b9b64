"""Who is covered, derived from what was paid.

``CoveredMonth`` holds one row per worker and month of cover: the month's billed contributions are paid
and the month counts under the lapse rule (see ``lindung.coverage.status``). It carries the worker's
region codes, segment, ecosystem and the paying funder's kind, copied when the row is derived, so the
coverage indicators of a regency with hundreds of thousands of members are one indexed range scan.
``MemberStatus`` sums each worker's rows up. Both are rebuilt, set-based, for the workers a payment
or a correction touched; nothing in them is typed by hand.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.people.models import Worker


class CoveredMonth(models.Model):
    """A month in which a worker is covered (derived from what was paid, under the lapse rule)."""

    # Derived rows, rebuilt set-based: the reference is kept by Django (cascade) and by construction,
    # without a database foreign key checked row by row (see billing.InvoiceLine).
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="covered_months", db_index=False,
                               db_constraint=False)
    month = models.DateField(_("month"))
    month_index = models.IntegerField()  # year × 12 + month − 1: gaps are differences
    paid_on = models.DateField(_("paid on"))
    province_code = models.CharField(max_length=2)
    regency_code = models.CharField(max_length=4)
    district_code = models.CharField(max_length=6)
    village_code = models.CharField(max_length=10)
    segment = models.CharField(max_length=20)
    ecosystem = models.CharField(max_length=10)
    funder_kind = models.CharField(max_length=12)
    # First month of a membership (the worker's first, or the first after a lapse).
    starts = models.BooleanField(default=False)
    # Last month of a membership so far: no covered month follows within the lapse period.
    last = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("covered month")
        verbose_name_plural = _("covered months")
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="paid_month_once")]
        indexes = [
            # Covering index for the indicators: a region at any level is an equality prefix
            # (province, then regency, district, village codes), the rest are the breakdowns.
            models.Index(fields=["month", "province_code", "regency_code", "district_code", "village_code",
                                 "segment", "ecosystem", "funder_kind", "starts", "last"], name="covered_month_region"),
        ]

    def __str__(self):
        return f"{self.worker_id} {self.month:%Y-%m}"


class MemberStatus(models.Model):
    """A worker's cover summed up: first and latest covered month, current membership, months counted."""

    worker = models.OneToOneField(Worker, primary_key=True, on_delete=models.CASCADE, related_name="member_status",
                                  db_constraint=False)
    first_month = models.DateField(_("first covered month"))
    active_since = models.DateField(_("current membership since"))
    paid_through = models.DateField(_("latest covered month"))
    paid_through_index = models.IntegerField()
    contribution_months = models.PositiveIntegerField(_("contribution months"))
    memberships = models.PositiveIntegerField(_("memberships"), default=1)
    refreshed_at = models.DateTimeField(_("derived at"))

    class Meta:
        verbose_name = _("member status")
        verbose_name_plural = _("member statuses")
        indexes = [models.Index(fields=["paid_through_index"], name="member_status_paid_through")]


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    GRACE = "grace", _("unpaid, membership continues")
    LAPSED = "lapsed", _("inactive (lapsed)")
    NEVER = "never", _("not yet covered")


class CoverageCorrection(models.Model):
    """An authorised decision that months paid late still count as cover (back-dated cover).

    Without one, a payment made after a lapse starts a new membership from the month it was paid in
    (the lapse rule, Permenaker 5/2021). Who decided and why is kept, and the change is in the audit trail.
    """

    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="coverage_corrections")
    from_month = models.DateField(_("from month"))
    to_month = models.DateField(_("to month"))
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("authorised by"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("coverage correction")
        verbose_name_plural = _("coverage corrections")
        constraints = [models.CheckConstraint(condition=models.Q(to_month__gte=models.F("from_month")),
                                              name="correction_months_ordered")]

    def __str__(self):
        return f"{self.worker_id} {self.from_month:%Y-%m}–{self.to_month:%Y-%m}"


class DirtyWorker(models.Model):
    """Workers whose derived cover must be recomputed (filled set-based, emptied by the refresh)."""

    worker_id = models.BigIntegerField(primary_key=True)


class CoverageSnapshot(models.Model):
    """Monthly coverage counts per region and breakdown, frozen for trends (``lindung coverage snapshot``).

    ``region_code`` is '' for the whole country. One row per (month, region, segment, ecosystem,
    funder kind) with members.
    """

    month = models.DateField(_("month"))
    region_code = models.CharField(_("region"), max_length=10, blank=True)
    segment = models.CharField(max_length=20)
    ecosystem = models.CharField(max_length=10)
    funder_kind = models.CharField(max_length=12)
    active = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    lapsed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("coverage snapshot row")
        verbose_name_plural = _("coverage snapshot rows")
        constraints = [models.UniqueConstraint(fields=["month", "region_code", "segment", "ecosystem", "funder_kind"],
                                               name="snapshot_row_once")]
        indexes = [models.Index(fields=["region_code", "month"], name="snapshot_region_month")]


class SnapshotRun(models.Model):
    month = models.DateField(_("month"), unique=True)
    taken_at = models.DateTimeField(_("taken"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    rows = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(_("active members"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
