"""Invoices, payments and their reconciliation.

A billing run for a month turns the funders' reserved months (``funding.ReservedMonth``) into one
invoice per funder with one line per worker, programme and month, priced by the rules engine.
Payments are recorded against an invoice (by virtual account, transfer number or an agent's
receipt), allocated to its lines oldest month first, and reconciled against bank statements.

Money is integer rupiah throughout; amounts come from ``lindung.rules.services.quote`` (which owns
the rounding rule) and are only summed here.
"""


from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.funding.models import Funder, Sponsorship
from lindung.rules.choices import FundingSource, Program

# A virtual account is the prefix followed by the invoice id, zero-padded to 16 digits in all.
VIRTUAL_ACCOUNT_PREFIX = "88"
VIRTUAL_ACCOUNT_LENGTH = 16


class BillingPlan(models.Model):
    """How a funder chooses to be billed: every month, or in advance for 3, 6 or 12 months.

    Prepayment periods follow the calendar (quarters, half-years, the fiscal year), so a funder on a
    quarterly plan receives its invoice in January, April, July and October; workers added
    mid-period are billed up to the end of the current period. The allowed periods are rule data
    (``prepay_months``, PP 44/2015 as amended).
    """

    funder = models.OneToOneField(Funder, verbose_name=_("funder"), primary_key=True, on_delete=models.CASCADE,
                                  related_name="billing_plan")
    prepay_months = models.PositiveSmallIntegerField(_("months billed in advance"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("billing plan")
        verbose_name_plural = _("billing plans")

    def __str__(self):
        return f"{self.funder_id}: {self.prepay_months}"


class BillingRun(models.Model):
    """One execution of the monthly billing run (also the ones that found nothing new to bill)."""

    month = models.DateField(_("month"), db_index=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    invoices = models.PositiveIntegerField(_("invoices"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), default=0)
    prices = models.PositiveIntegerField(_("distinct prices"), default=0)
    # Combinations the rules could not price ({"combination": ..., "reason": ..., "rows": n}); not billed.
    unpriced = models.JSONField(_("not priced"), default=list, blank=True)
    seconds = models.FloatField(_("duration (s)"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")

    def __str__(self):
        return f"{self.month:%Y-%m} #{self.pk}"


class RunPrice(models.Model):
    """The price a run used for one combination and programme: one quote, many lines."""

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="price_rows")
    segment = models.CharField(max_length=20)
    income = models.PositiveBigIntegerField()
    programs = models.CharField(max_length=30)
    funding_source = models.CharField(max_length=16, choices=FundingSource.choices)
    sector = models.CharField(max_length=10)
    month = models.DateField()
    program = models.CharField(max_length=3, choices=Program.choices)
    base = models.PositiveBigIntegerField(_("base (Rp)"))
    rate = models.CharField(_("rate"), max_length=20)
    gross = models.PositiveBigIntegerField(_("gross (Rp)"))
    discount = models.PositiveBigIntegerField(_("discount (Rp)"))
    net = models.PositiveBigIntegerField(_("amount (Rp)"))
    reference = models.CharField(_("regulation"), max_length=200, blank=True)
    discount_reference = models.CharField(_("relief"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["run", "segment", "income", "programs", "funding_source", "sector",
                                            "month", "program"], name="run_price_unique"),
        ]


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("open")
    PARTLY_PAID = "partly_paid", _("partly paid")
    PAID = "paid", _("paid")


class Invoice(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    funder = models.ForeignKey(Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="invoices")
    run = models.ForeignKey(BillingRun, verbose_name=_("billing run"), on_delete=models.PROTECT,
                            related_name="invoice_set")
    month = models.DateField(_("billing month"))
    # A later run for the same month bills only what is new (sponsorships approved since) on a
    # supplementary invoice: issued invoices never change.
    seq = models.PositiveSmallIntegerField(_("sequence"), default=1)
    first_month = models.DateField(_("first month billed"))
    last_month = models.DateField(_("last month billed"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    total = models.PositiveBigIntegerField(_("total (Rp)"), default=0)
    paid = models.PositiveBigIntegerField(_("paid (Rp)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "funder__name", "seq"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [models.UniqueConstraint(fields=["funder", "month", "seq"], name="invoice_funder_month_seq")]
        indexes = [models.Index(fields=["month", "status"], name="invoice_month_status")]

    def __str__(self):
        return self.number

    @property
    def outstanding(self) -> int:
        return self.total - self.paid

    @property
    def virtual_account(self) -> str:
        return virtual_account_for(self.pk)

    @property
    def months(self) -> int:
        return (self.last_month.year - self.first_month.year) * 12 + self.last_month.month - self.first_month.month + 1

    @staticmethod
    def status_for(total: int, paid: int) -> str:
        if paid <= 0:
            return InvoiceStatus.OPEN
        return InvoiceStatus.PAID if paid >= total else InvoiceStatus.PARTLY_PAID


def virtual_account_for(invoice_id: int) -> str:
    digits = VIRTUAL_ACCOUNT_LENGTH - len(VIRTUAL_ACCOUNT_PREFIX)
    return f"{VIRTUAL_ACCOUNT_PREFIX}{invoice_id:0{digits}d}"


def invoice_id_from_virtual_account(text: str) -> int | None:
    value = (text or "").strip().replace(" ", "")
    if len(value) == VIRTUAL_ACCOUNT_LENGTH and value.isdigit() and value.startswith(VIRTUAL_ACCOUNT_PREFIX):
        return int(value[len(VIRTUAL_ACCOUNT_PREFIX):]) or None
    return None


class InvoiceLine(models.Model):
    """One worker, one programme, one month on an invoice. Billed once, ever (unique).

    The largest table (a row per worker-programme-month). Its references are enforced by Django
    (``on_delete``) and by construction — a billing run writes only ids it reads from the rows they
    point at, in the same statement — but not by database foreign keys: PostgreSQL would check each
    of them row by row when a run of millions of lines commits.
    """

    # Indexed through ``line_invoice_month``, which starts with the invoice.
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines",
                                db_constraint=False, db_index=False)
    # Indexed through the unique constraint, which starts with the worker.
    worker = models.ForeignKey("people.Worker", verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="invoice_lines", db_index=False, db_constraint=False)
    program = models.CharField(_("programme"), max_length=3, choices=Program.choices)
    month = models.DateField(_("month"))
    sponsorship = models.ForeignKey(Sponsorship, verbose_name=_("sponsorship"), on_delete=models.PROTECT,
                                    related_name="invoice_lines", db_index=False, db_constraint=False)
    price = models.ForeignKey(RunPrice, verbose_name=_("price"), on_delete=models.PROTECT, related_name="+",
                              db_index=False, db_constraint=False)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    paid = models.PositiveBigIntegerField(_("paid (Rp)"), default=0)
    # The day the line became fully paid and the payment that completed it: coverage reads these.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment = models.ForeignKey("Payment", verbose_name=_("completed by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["worker", "program", "month"], name="one_bill_per_worker_program_month"),
        ]
        # Allocation walks an invoice's lines oldest month first.
        indexes = [models.Index(fields=["invoice", "month"], name="line_invoice_month")]

    def __str__(self):
        return f"{self.invoice_id}: {self.worker_id} {self.program} {self.month:%Y-%m}"

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


class Channel(models.TextChoices):
    VIRTUAL_ACCOUNT = "va", _("virtual account")
    TRANSFER = "transfer", _("bank transfer")
    AGENT = "agent", _("collected by an agent")
    AUTODEBIT = "autodebit", _("auto-debit from the worker's bank account")
    CREDIT = "credit", _("surplus moved from another payment")


class Payment(models.Model):
    """Money received for an invoice. The external reference is unique: recording it twice is a no-op."""

    reference = models.CharField(_("reference"), max_length=80, unique=True,
                                 help_text=_("Virtual-account payment id, transfer number or receipt number."))
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    allocated = models.PositiveBigIntegerField(_("allocated to lines (Rp)"), default=0)
    # Surplus moved on to another invoice of the same funder by a person resolving an overpayment.
    moved = models.PositiveBigIntegerField(_("moved to other invoices (Rp)"), default=0)
    paid_on = models.DateField(_("paid on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.TRANSFER)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collected by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="collections")
    moved_from = models.ForeignKey("self", verbose_name=_("surplus of"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="moved_to")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return self.reference

    @property
    def surplus(self) -> int:
        """Received but not allocated to this invoice's lines nor moved on."""
        return self.amount - self.allocated - self.moved


class AgentCommission(models.Model):
    """A Perisai agent's commission on contributions collected (rule data ``commission``)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="commission")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT,
                              related_name="commissions")
    wadah = models.CharField(_("agent group (wadah)"), max_length=100, blank=True)
    collected = models.PositiveBigIntegerField(_("contributions collected (Rp)"))
    rate_agent = models.CharField(_("commission rate"), max_length=12)
    rate_wadah = models.CharField(_("wadah share of the commission"), max_length=12)
    agent_share = models.PositiveBigIntegerField(_("agent's part (Rp)"))
    wadah_share = models.PositiveBigIntegerField(_("wadah's part (Rp)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agent commission")
        verbose_name_plural = _("agent commissions")

    @property
    def commission(self) -> int:
        return self.agent_share + self.wadah_share


class Statement(models.Model):
    """A bank or payment-gateway statement imported as CSV. The same file is imported once."""

    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    duplicates = models.PositiveIntegerField(_("already recorded"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self):
        return self.name


class Match(models.TextChoices):
    MATCHED = "matched", _("matched")
    UNDERPAID = "underpaid", _("under-paid")
    OVERPAID = "overpaid", _("over-paid")
    UNMATCHED = "unmatched", _("unmatched")


class Resolution(models.TextChoices):
    ASSIGNED = "assigned", _("assigned to an invoice")
    SURPLUS_MOVED = "surplus_moved", _("surplus moved to another invoice")
    ACCEPTED = "accepted", _("accepted as it is")
    REFUND = "refund", _("to be refunded")
    DISMISSED = "dismissed", _("dismissed")


class StatementRow(models.Model):
    statement = models.ForeignKey(Statement, verbose_name=_("statement"), on_delete=models.CASCADE,
                                  related_name="statement_rows")
    row_number = models.PositiveIntegerField(_("row"))
    reference = models.CharField(_("reference"), max_length=80, unique=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    account = models.CharField(_("account or invoice"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    match = models.CharField(_("match"), max_length=10, choices=Match.choices)
    # Outstanding on the invoice just before this row was applied, to show what differed.
    expected = models.PositiveBigIntegerField(_("outstanding before (Rp)"), null=True, blank=True)
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="statement_rows")
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="statement_row")
    resolution = models.CharField(_("resolution"), max_length=14, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(_("note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["statement_id", "row_number"]
        verbose_name = _("statement row")
        verbose_name_plural = _("statement rows")
        indexes = [models.Index(fields=["match", "resolved_at"], name="statement_row_open")]

    def __str__(self):
        return f"{self.statement_id}:{self.row_number} {self.reference}"

    @property
    def needs_resolution(self) -> bool:
        return self.match != Match.MATCHED and self.resolved_at is None
