"""Life events on a worker, and the benefit claims that follow them (RULES.md §4).

BPJS Ketenagakerjaan decides and pays; Lindung prepares, checks, tracks and reports:

- ``LifeEvent``: a death, work accident or disability reported for a worker. A death is
  *unconfirmed* until an authorised user confirms it; only then is the worker deceased
  (``people.Worker.died_on``) and billing, sponsorships and cover follow.
- ``FamilyMember``: heirs, children (for scholarships) and guardians (payees for minors).
- ``Claim``: one per event and benefit, moved through its states by ``lindung.claims.workflow``;
  every step is a ``ClaimStep`` (who, when), and submission freezes a snapshot.
- ``ClaimDocument``: the uploaded evidence, stored under the data directory.
- ``ScholarshipYear``: a child's yearly scholarship entitlement, each needing that year's evidence.
- ``TrustedSender``/``RegistryMessage``: civil registries allowed to notify deaths (DCI CRVS).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.people.models import Worker
from lindung.rules.choices import SchoolLevel


class EventKind(models.TextChoices):
    DEATH = "death", _("death")
    ACCIDENT = "accident", _("work accident")
    DISABILITY = "disability", _("permanent disability")


class DeathCause(models.TextChoices):
    NOT_WORK = "not_work", _("not work-related")
    WORK_ACCIDENT = "work_accident", _("work accident")


class ReportSource(models.TextChoices):
    FORM = "form", _("form")
    IMPORT = "import", _("list import")
    REGISTRY = "registry", _("civil registry (DCI)")


class ReportState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected as wrong")


class LifeEvent(models.Model):
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="life_events")
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    date = models.DateField(_("date of the event"))
    cause = models.CharField(_("cause of death"), max_length=16, choices=DeathCause.choices, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("reported through"), max_length=10, choices=ReportSource.choices,
                              default=ReportSource.FORM)
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices, default=ReportState.UNCONFIRMED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    registry_message = models.ForeignKey("RegistryMessage", verbose_name=_("registry message"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="events")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        indexes = [models.Index(fields=["state", "kind"], name="life_event_state_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date} ({self.worker_id})"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("sibling")
    PARENT_IN_LAW = "parent_in_law", _("parent-in-law")
    WILL = "will", _("person named in a will")
    GUARDIAN = "guardian", _("guardian (not an heir)")


class FamilyMember(models.Model):
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    school_level = models.CharField(_("school level"), max_length=12, choices=SchoolLevel.choices,
                                    default=SchoolLevel.NONE)
    year_in_level = models.PositiveSmallIntegerField(_("year in the school level"), default=1)
    married = models.BooleanField(_("married"), default=False)
    working = models.BooleanField(_("working"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["worker", "id"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"


class ClaimKind(models.TextChoices):
    JKM = "jkm", _("JKM death benefit")
    JKK_DEATH = "jkk_death", _("JKK death from a work accident")
    JKK_DISABILITY = "jkk_disability", _("JKK total permanent disability")
    STMB = "stmb", _("JKK temporary inability to work (STMB)")
    SCHOLARSHIP = "scholarship", _("scholarship")


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("draft")
    DOCUMENTS_MISSING = "documents_missing", _("documents missing")
    DOCUMENTS_COMPLETE = "documents_complete", _("documents complete")
    VERIFIED = "verified", _("verified")
    SUBMITTED = "submitted", _("submitted to BPJS")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")

    @classmethod
    def open(cls) -> set[str]:
        return {cls.DRAFT, cls.DOCUMENTS_MISSING, cls.DOCUMENTS_COMPLETE, cls.VERIFIED, cls.SUBMITTED}


class Claim(models.Model):
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="claims")
    event = models.ForeignKey(LifeEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("benefit"), max_length=16, choices=ClaimKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=ClaimState.choices, default=ClaimState.DRAFT)
    heir = models.ForeignKey(FamilyMember, verbose_name=_("heir"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="claims_as_heir")
    payee = models.ForeignKey(FamilyMember, verbose_name=_("payee"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="claims_as_payee")
    child = models.ForeignKey(FamilyMember, verbose_name=_("child"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="scholarship_claims")
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("account number"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    # STMB: [{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "months": n}]
    periods = models.JSONField(_("periods unable to work"), default=list, blank=True)
    expected_amount = models.PositiveBigIntegerField(_("expected amount (Rp)"), default=0)
    eligibility = models.JSONField(_("eligibility"), default=dict, blank=True)
    snapshot = models.JSONField(_("snapshot at submission"), default=dict, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("amount paid (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bpjs_reference = models.CharField(_("BPJS reference"), max_length=100, blank=True)
    reject_code = models.CharField(_("rejection reason"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    documents_complete_at = models.DateTimeField(_("documents complete at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decision recorded by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["state", "kind"], name="claim_state_kind"),
                   models.Index(fields=["paid_on"], name="claim_paid_on")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"


class ClaimStep(models.Model):
    """One move of a claim between states: who, when, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    @property
    def to_label(self) -> str:
        return ClaimState(self.to_state).label

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("claim step")
        verbose_name_plural = _("claim steps")


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=40)
    year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    path = models.CharField(max_length=300)  # relative to the claims document directory
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["claim", "kind", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")


class ScholarshipYearState(models.TextChoices):
    DUE = "due", _("evidence due")
    EVIDENCE = "evidence", _("evidence received")
    PAID = "paid", _("paid")
    STOPPED = "stopped", _("stopped")


class ScholarshipYear(models.Model):
    """A child's scholarship for one school year: paid only against that year's evidence."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due on"))
    level = models.CharField(_("school level"), max_length=12, choices=SchoolLevel.choices)
    year_in_level = models.PositiveSmallIntegerField(_("year in the school level"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    state = models.CharField(_("state"), max_length=10, choices=ScholarshipYearState.choices,
                             default=ScholarshipYearState.DUE)
    evidence = models.ForeignKey(ClaimDocument, verbose_name=_("evidence"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    stop_reason = models.CharField(_("stop reason"), max_length=40, blank=True)

    class Meta:
        ordering = ["claim", "year"]
        verbose_name = _("scholarship year")
        verbose_name_plural = _("scholarship years")
        constraints = [models.UniqueConstraint(fields=["claim", "year"], name="scholarship_year_once")]


class TrustedSender(models.Model):
    """A civil registry allowed to notify deaths; its ed25519 public key verifies each message."""

    sender_id = models.CharField(_("sender id"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("ed25519 public key (base64)"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["sender_id"]
        verbose_name = _("trusted registry sender")
        verbose_name_plural = _("trusted registry senders")

    def __str__(self):
        return self.sender_id


class RegistryMessage(models.Model):
    """A notification received from a civil registry, stored raw before it is processed."""

    message_id = models.CharField(_("message id"), max_length=100, unique=True)
    sender_id = models.CharField(_("sender id"), max_length=100)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    raw = models.JSONField(_("raw message"))
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    matched = models.PositiveIntegerField(_("matched NIKs"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched identifiers"), default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("registry message")
        verbose_name_plural = _("registry messages")
