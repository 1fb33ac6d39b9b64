"""Funders, their budgets and the sponsorships through which they pay for workers.

The lifecycle of a sponsorship (see docs/funding.md):

    proposed ──approve──▶ approved ──first month begins──▶ active ──last month over──▶ ended
        │                    │                               │                          │
        └──cancel──▶ cancelled ◀──────────cancel─────────────┘       continued without a gap
                                                                      by another payer ──▶ handed_over

``ReservedMonth`` holds one row per worker, programme and month that an approved sponsorship pays
for. Its unique constraint is the database guarantee that no worker-programme-month has two payers
(no regulation provides for two payers of one month); billing reads it month by month.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.months import add_months, first_of_month, month_span
from lindung.regions.models import Region
from lindung.rules.choices import FundingSource, Program


class FunderKind(models.TextChoices):
    PROVINCE = "province", _("Province (APBD / grants to villages)")
    REGENCY = "regency", _("Regency or city (APBD)")
    VILLAGE = "village", _("Village (village budget / ADD)")
    COMPANY = "company", _("Company (CSR/TJSL)")
    DONOR = "donor", _("Individual donor")
    SERTAKAN = "sertakan", _("SERTAKAN member")
    SELF = "self", _("Self-paying worker")

    @classmethod
    def public(cls) -> set[str]:
        """Kinds that commit public money: their lists need a proposer and a different approver."""
        return {cls.PROVINCE, cls.REGENCY, cls.VILLAGE}


class Funder(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FunderKind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="funders",
                               help_text=_("The government's own region, or where a company or donor is based."))
    # A self-paying worker is his own funder (kind=self).
    worker = models.ForeignKey("people.Worker", verbose_name=_("self-paying worker"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="self_funders")
    # The agent (Perisai) who collects a self-payer's contributions, and the agent's group (wadah).
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collecting agent"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="collected_funders")
    wadah = models.CharField(_("agent group (wadah)"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [
            models.UniqueConstraint(fields=["worker"], condition=Q(kind="self"), name="one_self_funder_per_worker"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.kind in FunderKind.public()


class FunderKindSource(models.Model):
    """Which funding sources a kind of funder may use — data, not code (the 2024 Dana Desa
    guidance excludes the central Dana Desa for villages).

    Loaded from ``lindung/funding/data/kind_sources.json``; e.g. a village may pay from its own
    budget or ADD (``village-budget``) but not from the central Dana Desa, which has no source here.
    """

    kind = models.CharField(_("funder kind"), max_length=12, choices=FunderKind.choices)
    source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "source"]
        verbose_name = _("allowed funding source")
        verbose_name_plural = _("allowed funding sources")
        constraints = [models.UniqueConstraint(fields=["kind", "source"], name="funder_kind_source_unique")]

    def __str__(self):
        return f"{self.kind}: {self.source}"


class Budget(models.Model):
    """Money a funder set aside for one fiscal year (January–December) from one source.

    Only the allocation is typed. What is committed (approved sponsorship months) and spent
    (payments) is derived: see ``lindung.funding.budget``.
    """

    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="budgets")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("allocation (Rp)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["funder", "-fiscal_year", "source"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["funder", "fiscal_year", "source"], name="budget_unique_year_source"),
        ]

    def __str__(self):
        return f"{self.funder} {self.fiscal_year} {self.source}"


class BatchState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    CANCELLED = "cancelled", _("cancelled")


class BatchOrigin(models.TextChoices):
    LIST = "list", _("list (village, regency or province)")
    MATCHING = "matching", _("donor matching")
    HANDOVER = "handover", _("hand-over to self-payment")
    IMPORT = "import", _("import")
    DIRECT = "direct", _("direct")


class SponsorshipBatch(models.Model):
    """A list of sponsorships proposed and approved as a whole (maker–checker: one person proposes public money, another approves,
    as a village list agreed in the village meeting is signed by the village head)."""

    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="batches")
    origin = models.CharField(_("origin"), max_length=10, choices=BatchOrigin.choices, default=BatchOrigin.LIST)
    state = models.CharField(_("state"), max_length=10, choices=BatchState.choices, default=BatchState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sponsorship list")
        verbose_name_plural = _("sponsorship lists")
        indexes = [models.Index(fields=["funder", "state"], name="batch_funder_state")]

    def __str__(self):
        return f"#{self.pk} {self.funder} ({self.state})"

    @property
    def proposer_label(self) -> str:
        """Who proposed the list; lists made by the command line, an import or the demo have nobody."""
        user = self.proposed_by
        if user is None:
            return str(_("Lindung (command line, import or demo)"))
        return user.get_full_name() or user.get_username()


class SponsorshipState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    HANDED_OVER = "handed_over", _("handed over")
    CANCELLED = "cancelled", _("cancelled")

    @classmethod
    def reserving(cls) -> set[str]:
        """States whose months are held in ``ReservedMonth``."""
        return {cls.APPROVED, cls.ACTIVE, cls.ENDED, cls.HANDED_OVER}

    @classmethod
    def open(cls) -> set[str]:
        return {cls.PROPOSED, cls.APPROVED, cls.ACTIVE}


def programs_key(programs) -> str:
    """The stored form of a programme set: sorted, comma-separated ("jkk,jkm")."""
    return ",".join(sorted({str(p).strip().lower() for p in programs if str(p).strip()}))


class Sponsorship(models.Model):
    """One funder paying the listed programmes for one worker, for consecutive months."""

    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT,
                               related_name="sponsorships")
    worker = models.ForeignKey("people.Worker", verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="sponsorships")
    programs = models.CharField(_("programmes"), max_length=30, help_text=_("Sorted, comma-separated: jkk,jkm"))
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    start_month = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"))
    end_month = models.DateField(_("last month"), editable=False)
    # The rules quote for the first month, for display; bills and budgets use the quote of each month.
    monthly_amount = models.PositiveBigIntegerField(_("monthly amount (Rp)"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=SponsorshipState.choices,
                             default=SponsorshipState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    batch = models.ForeignKey(SponsorshipBatch, verbose_name=_("list"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="sponsorships")
    # The sponsorship that took over from the month after this one ended (hand-over, no gap).
    continued_by = models.ForeignKey("self", verbose_name=_("continued by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="continues")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_month", "id"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        indexes = [
            models.Index(fields=["funder", "state"], name="sponsorship_funder_state"),
            models.Index(fields=["worker", "state"], name="sponsorship_worker_state"),
            models.Index(fields=["end_month"], name="sponsorship_end_month"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="sponsorship_months_positive"),
        ]

    def __str__(self):
        return f"{self.funder} → {self.worker_id} {self.start_month:%Y-%m} +{self.months}"

    @property
    def program_list(self) -> list[str]:
        return [p for p in self.programs.split(",") if p]

    def month_list(self) -> list[dt.date]:
        return month_span(self.start_month, self.months)

    def fill_derived(self) -> None:
        self.start_month = first_of_month(self.start_month)
        self.end_month = add_months(self.start_month, self.months - 1)
        self.programs = programs_key(self.program_list)

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)


class ReservedMonth(models.Model):
    """One worker, one programme, one month, one payer: reserved when a sponsorship is approved.

    Millions of rows (a province list alone is 78,000 × 12 × 2), so every index costs: the foreign
    keys carry no single-column index of their own where a composite index starts with them.
    """

    # All three references are copied from the sponsorship row in the one statement that reserves the
    # months (and Django cascades deletions), so the database is spared a foreign-key look-up per row
    # — three per row on millions of rows; the unique constraint is the guarantee that matters here.
    sponsorship = models.ForeignKey(Sponsorship, verbose_name=_("sponsorship"), on_delete=models.CASCADE,
                                    related_name="reserved_months", db_index=False,  # (sponsorship, month)
                                    db_constraint=False)
    worker = models.ForeignKey("people.Worker", verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="reserved_months", db_index=False,  # the unique constraint
                               db_constraint=False)
    program = models.CharField(_("programme"), max_length=3, choices=Program.choices)
    month = models.DateField(_("month"))
    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT,
                               related_name="reserved_months", db_index=False,  # read by month or sponsorship
                               db_constraint=False)
    # Copied from the sponsorship: budgets are per source, and reliefs depend on who pays (PP 50/2025).
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)

    class Meta:
        ordering = ["month", "worker_id", "program"]
        verbose_name = _("reserved month")
        verbose_name_plural = _("reserved months")
        constraints = [
            models.UniqueConstraint(fields=["worker", "program", "month"], name="one_payer_per_worker_program_month"),
        ]
        indexes = [
            models.Index(fields=["month", "funder"], name="reserved_month_funder"),  # billing runs by month
            models.Index(fields=["sponsorship", "month"], name="reserved_sponsorship_month"),  # budgets, cancels
        ]

    def __str__(self):
        return f"{self.worker_id} {self.program} {self.month:%Y-%m} ← {self.funder_id}"


class WaitingEntry(models.Model):
    """A worker proposed by a village operator or agent for a donor to pick (GN Lingkaran pool).

    ``since`` drives fairness: matching offers the longest-waiting workers first.
    """

    worker = models.ForeignKey("people.Worker", verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="waiting_entries")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    since = models.DateTimeField(_("waiting since"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sponsorship = models.ForeignKey(Sponsorship, verbose_name=_("matched sponsorship"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("waiting worker")
        verbose_name_plural = _("waiting workers")
        constraints = [
            models.UniqueConstraint(fields=["worker"], condition=Q(closed_at__isnull=True),
                                    name="one_open_waiting_entry_per_worker"),
        ]

    def __str__(self):
        return f"{self.worker_id} waiting since {self.since:%Y-%m-%d}"
