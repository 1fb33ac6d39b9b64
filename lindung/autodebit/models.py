"""Auto-debit mandates of self-paying workers, the banks' file layouts and what the banks returned.

A mandate lets Lindung ask the worker's bank to debit his contribution every month. The debit file
for a month and a bank holds one line per active mandate whose month is billed and unpaid; the bank's
return file says, line by line, whether the debit succeeded. A success is a payment recorded through
billing (``lindung.billing.payments.record_payment``) under the line's stable reference, so cover,
arrears and lapse follow from it exactly as from any other payment. A failure is kept with the bank's
reason code for the agent or village to follow up; too many failures in a row suspend the mandate.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.encryption import EncryptedTextField
from lindung.funding.models import Funder


class BankLayout(models.Model):
    """A bank taking part in auto-debit and the layout of its files — data, not code.

    ``layout`` holds the debit file (columns, separator, date format, header and trailer with totals)
    and the return file (where the reference, amount, date and status are, which status means
    success, which reason codes mean what). Checked by ``lindung.autodebit.layouts.check_layout``;
    shipped: ``lindung/autodebit/data/banks.json`` (one generic layout).
    """

    code = models.CharField(_("bank code"), max_length=20, primary_key=True)
    name = models.CharField(_("bank"), max_length=100)
    layout = models.JSONField(_("file layout"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("auto-debit bank")
        verbose_name_plural = _("auto-debit banks")

    def __str__(self):
        return f"{self.code} — {self.name}"


class MandateState(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")


class RegisteredVia(models.TextChoices):
    AGENT = "agent", _("agent (Perisai)")
    VILLAGE = "village", _("village operator")
    BRANCH = "branch", _("the worker at a BPJS branch")
    OTHER = "other", _("other")


def mask_account(number: str) -> str:
    """An account number as shown everywhere but the mandate page: only its last four digits."""
    number = (number or "").strip()
    return "•" * max(len(number) - 4, 0) + number[-4:]


class Mandate(models.Model):
    """A self-paying worker's authorisation to debit his bank account every month."""

    worker = models.ForeignKey("people.Worker", verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="mandates")
    # The worker's own funder (kind self): the invoices a successful debit pays.
    funder = models.ForeignKey(Funder, verbose_name=_("self-paying funder"), on_delete=models.PROTECT,
                               related_name="mandates")
    bank = models.ForeignKey(BankLayout, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="mandates")
    account_holder = models.CharField(_("account holder"), max_length=100)
    # Encrypted at rest (lindung.encryption); shown in full only on the mandate page, to roles holding
    # ``autodebit.account``, and audited there; masked everywhere else. The debit file carries it to the bank.
    account_number = EncryptedTextField(_("account number"))
    debit_day = models.PositiveSmallIntegerField(_("debit day"), help_text=_("Day of the month, 1–28."))
    programs = models.CharField(_("programmes"), max_length=30, help_text=_("Sorted, comma-separated: jkk,jkm"))
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MandateState.choices, default=MandateState.ACTIVE)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_via = models.CharField(_("registered through"), max_length=10, choices=RegisteredVia.choices)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("auto-debit mandate")
        verbose_name_plural = _("auto-debit mandates")
        indexes = [models.Index(fields=["bank", "state"], name="mandate_bank_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(debit_day__gte=1, debit_day__lte=28),
                                   name="mandate_debit_day_1_28"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.bank_id} {self.masked_account}"

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)

    @property
    def program_list(self) -> list[str]:
        return [p for p in self.programs.split(",") if p]

    def runs_in(self, month) -> bool:
        return self.start_month <= month and (self.end_month is None or month <= self.end_month)


def debit_reference(mandate_id: int, month) -> str:
    """The stable reference of a mandate's debit for a month: the same in every export of that month,
    and the payment's reference when the bank returns it as a success."""
    return f"AD{mandate_id:010d}{month:%Y%m}"


class ReturnFile(models.Model):
    """A bank's return file as imported. The same file is imported once (SHA-256)."""

    bank = models.ForeignKey(BankLayout, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    succeeded = models.PositiveIntegerField(_("debited"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    duplicates = models.PositiveIntegerField(_("already recorded"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("return file")
        verbose_name_plural = _("return files")

    def __str__(self):
        return self.name


class Reason(models.TextChoices):
    """What a bank's reason code means; each bank's codes are mapped to these in its layout."""

    INSUFFICIENT_FUNDS = "insufficient_funds", _("insufficient funds")
    ACCOUNT_CLOSED = "account_closed", _("account closed")
    MANDATE_INVALID = "mandate_invalid", _("mandate not valid at the bank")
    OTHER = "other", _("other reason")


class Outcome(models.TextChoices):
    DEBITED = "debited", _("debited")
    FAILED = "failed", _("failed")


class Debit(models.Model):
    """What the bank returned for one mandate and month (one row, ever: a later success replaces a failure)."""

    mandate = models.ForeignKey(Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="debits")
    month = models.DateField(_("month"))
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    on = models.DateField(_("date"))
    reason_code = models.CharField(_("bank's reason code"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    payment = models.OneToOneField("billing.Payment", verbose_name=_("payment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="debit")
    return_file = models.ForeignKey(ReturnFile, verbose_name=_("return file"), on_delete=models.PROTECT,
                                    related_name="debits")
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("followed up by"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    follow_up_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "mandate_id"]
        verbose_name = _("returned debit")
        verbose_name_plural = _("returned debits")
        constraints = [models.UniqueConstraint(fields=["mandate", "month"], name="one_debit_per_mandate_month")]
        indexes = [models.Index(fields=["outcome", "followed_up_at"], name="debit_open_failures")]

    def __str__(self):
        return self.reference
