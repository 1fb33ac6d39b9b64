"""Recording payments: by hand, by an agent, or many at once from a statement or return file.

Every payment goes through ``record_payments``, which allocates it to its invoice's lines with the
one rule in ``allocation`` (oldest month first; beyond what the lines owe, a surplus stays on the
payment for a person to resolve: moved to another invoice of the same funder, or refunded), writes the
audit entries and tells coverage which lines were paid — for one payment or a hundred thousand, in a
number of queries that does not grow with them.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect, limits
from lindung.audit import services as audit
from lindung.errors import DomainError
from lindung.formatting import number
from lindung.rules.services import agent_commission, commission_split

from .allocation import allocate_lines, months_of, outstanding_on_lines, shares
from .models import AgentCommission, Channel, Invoice, InvoiceLine, Payment
from .scope import actor, can_collect_for, visible_invoices
from .signals import lines_paid

BATCH = 1000  # rows per INSERT or UPDATE of a batch of payments
INVOICES = dialect.table(Invoice)


class PaymentError(DomainError):
    """A payment, collection or plan the billing rules refuse."""


def check_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference:
        raise PaymentError(_("A payment needs its reference (virtual-account payment id, transfer or receipt number)."))
    if len(reference) > 80:
        raise PaymentError(_("A reference has at most 80 characters."))
    if any(ord(ch) < 32 for ch in reference):
        raise PaymentError(_("A reference cannot contain control characters."), "reference")
    return reference


@dataclass
class PaymentPlan:
    """One payment for ``record_payments``: money received for ``invoice`` under a new reference."""

    invoice_id: int
    amount: int
    reference: str
    paid_on: dt.date
    channel: str = Channel.TRANSFER
    note: str = ""
    collected_by: object = None
    moved_from: Payment | None = None


@dataclass
class Recorded:
    """A payment ``record_payments`` recorded, its locked invoice, and what the invoice still owed
    just before this payment (for a statement row's classification)."""

    payment: Payment
    invoice: Invoice
    expected: int


def check_payment(amount: int, reference: str, paid_on: dt.date) -> str:
    """The checks every payment passes, by hand or in a batch; returns the reference, trimmed."""
    reference = check_reference(reference)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(_("The amount must be a whole number of rupiah above zero."))
    if amount > limits.MAX_AMOUNT:
        raise PaymentError(_("The amount is larger than any payment can be (at most Rp%(max)s).") % {
            "max": number(limits.MAX_AMOUNT)}, "amount")
    try:
        limits.check_date(paid_on)
    except ValueError as exc:
        raise PaymentError(str(exc), "paid_on") from None
    return reference


def record_payment(invoice: Invoice, *, amount: int, reference: str, paid_on: dt.date, channel: str = Channel.TRANSFER,
                   user=None, collected_by=None, note: str = "", moved_from: Payment | None = None) -> tuple[Payment, bool]:
    """Record money received for ``invoice`` and allocate it. Returns (payment, created).

    The reference is unique: a second call with the same reference returns the first payment and
    changes nothing. Call without access checks only from trusted code (imports, the CLI); people go
    through ``record_payment_as``.
    """
    reference = check_payment(amount, reference, paid_on)
    existing = Payment.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            recorded, = record_payments([PaymentPlan(
                invoice_id=invoice.pk, amount=amount, reference=reference, paid_on=paid_on, channel=channel,
                note=note, collected_by=collected_by, moved_from=moved_from)], user=user)
    except IntegrityError:
        # Recorded by someone else a moment ago (unique reference): that payment stands.
        existing = Payment.objects.filter(reference=reference).first()
        if existing is None:
            raise
        return existing, False
    return recorded.payment, True


def record_payments(plans: list[PaymentPlan], *, user=None) -> list[Recorded]:
    """Record many payments at once (a bank statement, an auto-debit return file) and allocate them with
    the one rule (``allocation``), in a number of queries that does not grow with the number of payments.

    Payments to the same invoice are applied in the order given. The references must be new: one
    recorded meanwhile fails the whole batch with ``IntegrityError`` (the caller's savepoint undoes it,
    the caller looks again and retries without it). Run inside a transaction; the invoices are locked
    in id order, so batches overlapping on invoices wait for each other instead of deadlocking. An agent
    collecting (``collected_by``) earns a commission on the allocated part, as with one payment.
    """
    if not plans:
        return []
    references = [check_payment(p.amount, p.reference, p.paid_on) for p in plans]
    with transaction.atomic(savepoint=False):
        return _record(plans, references, user)


def _record(plans: list[PaymentPlan], references: list[str], user) -> list[Recorded]:
    locked = {}
    for chunk in dialect.chunks(sorted({p.invoice_id for p in plans})):
        locked.update((i.pk, i) for i in Invoice.objects.select_for_update(of=("self",)).select_related("funder")
                      .filter(pk__in=chunk).order_by("pk"))
    if len(locked) < len({p.invoice_id for p in plans}):
        raise Invoice.DoesNotExist("An invoice to pay does not exist.")
    owed = outstanding_on_lines(locked)
    amounts_by_invoice = {}
    for plan in plans:
        amounts_by_invoice.setdefault(plan.invoice_id, []).append(plan.amount)
    taken = {invoice_id: iter(shares(owed.get(invoice_id, 0), amounts))
             for invoice_id, amounts in amounts_by_invoice.items()}
    recorded_by = user if getattr(user, "pk", None) else None
    recorded, stretches, money = [], [], {}
    for plan, reference in zip(plans, references):
        invoice = locked[plan.invoice_id]
        share = next(taken[plan.invoice_id])
        payment = Payment(reference=reference, invoice=invoice, amount=plan.amount, allocated=share,
                          paid_on=plan.paid_on, channel=plan.channel, collected_by=plan.collected_by,
                          recorded_by=recorded_by, note=plan.note[:300], moved_from=plan.moved_from)
        recorded.append(Recorded(payment=payment, invoice=invoice, expected=invoice.total - invoice.paid))
        invoice.paid += share
        invoice.status = Invoice.status_for(invoice.total, invoice.paid)
    Payment.objects.bulk_create([r.payment for r in recorded], batch_size=BATCH)
    if recorded[0].payment.pk is None:  # a database that does not return the new ids (SQLite < 3.35)
        ids = {}
        for chunk in dialect.chunks(references):
            ids.update(Payment.objects.filter(reference__in=chunk).values_list("reference", "pk"))
        for r in recorded:
            r.payment.pk = ids[r.payment.reference]
    for r in recorded:
        if r.payment.allocated:
            start = money.get(r.invoice.pk, 0)
            money[r.invoice.pk] = start + r.payment.allocated
            stretches.append((r.payment.pk, r.invoice.pk, start, start + r.payment.allocated))
    if stretches:
        allocate_lines(stretches, locked)
        # The invoice rows are locked, so their paid amounts are current: the status comes from the
        # one rule (Invoice.status_for), not from a second copy of it in SQL.
        with connection.cursor() as cursor:
            dialect.update_from_rows(cursor, INVOICES, "id", ["paid", "status"],
                                     [(i, locked[i].paid, locked[i].status) for i in sorted(money)], BATCH)
        lines_paid.send(sender=Payment, payments=[(invoice_id, payment_id) for payment_id, invoice_id, *_r in stretches],
                        months=months_of(locked[i] for i in money))
    for r in recorded:
        if r.payment.collected_by is not None:
            _record_commission(r.payment, r.payment.collected_by, r.invoice)
    audit.record_bulk(user, audit.Action.CREATE, Payment, (audit.Entry(
        target_id=r.payment.pk, region_code=r.invoice.funder.region_id or "",
        summary=_("payment %(ref)s of Rp%(amount)s for %(invoice)s") % {
            "ref": r.payment.reference, "amount": number(r.payment.amount), "invoice": r.invoice.number},
        changes={"amount": [None, r.payment.amount], "allocated": [None, r.payment.allocated],
                 "surplus": [None, r.payment.surplus]}) for r in recorded))
    return recorded


def _record_commission(payment: Payment, agent, invoice: Invoice) -> AgentCommission:
    """Perisai commission on the contributions the agent collected (the allocated part of the payment)."""
    collected = payment.allocated
    rates = agent_commission(payment.paid_on)
    agent_share, wadah_share = commission_split(collected, payment.paid_on)
    return AgentCommission.objects.create(
        payment=payment, agent=agent, wadah=invoice.funder.wadah, collected=collected,
        rate_agent=format(rates.rate_agent.normalize(), "f"), rate_wadah=format(rates.rate_wadah.normalize(), "f"),
        agent_share=agent_share, wadah_share=wadah_share)


# --- through the access layer ---------------------------------------------------------------------

def record_payment_as(access, invoice: Invoice, *, amount: int, reference: str, paid_on: dt.date,
                      channel: str = Channel.TRANSFER, note: str = "") -> tuple[Payment, bool]:
    """A finance officer records a transfer or virtual-account payment for an invoice in scope."""
    access.require("payment.record")
    if not visible_invoices(access).filter(pk=invoice.pk).exists():
        raise PermissionDenied(_("This invoice is outside your scope."))
    if channel not in (Channel.TRANSFER, Channel.VIRTUAL_ACCOUNT):
        raise PaymentError(_("Choose virtual account or bank transfer."))
    return _same_invoice(invoice, record_payment(invoice, amount=amount, reference=reference, paid_on=paid_on,
                                                 channel=channel, user=actor(access), note=note))


def _same_invoice(invoice: Invoice, result: tuple[Payment, bool]) -> tuple[Payment, bool]:
    """A repeated reference is idempotent only for the same invoice; a reference already used for
    another invoice is refused without saying which invoice or amount (it may be outside the caller's
    scope)."""
    payment, created = result
    if not created and payment.invoice_id != invoice.pk:
        raise PaymentError(_("This reference is already recorded for another payment; check the reference."),
                           "reference", status=409)
    return result


def collect(access, invoice: Invoice, *, amount: int, reference: str, paid_on: dt.date | None = None,
            note: str = "") -> tuple[Payment, bool]:
    """An agent records contributions collected from a self-payer (or SERTAKAN member); commission follows."""
    access.require("payment.collect")
    if not can_collect_for(access, invoice.funder):
        raise PermissionDenied(_("You do not collect for this funder."))
    return _same_invoice(invoice, record_payment(
        invoice, amount=amount, reference=reference, paid_on=paid_on or timezone.localdate(), channel=Channel.AGENT,
        user=actor(access), collected_by=access.user, note=note))


def move_surplus(access, payment: Payment, target: Invoice, *, note: str = "") -> Payment:
    """Apply the unallocated part of a payment to another open invoice of the same funder."""
    access.require("payment.resolve")
    invoices = visible_invoices(access)
    if not invoices.filter(pk=payment.invoice_id).exists() or not invoices.filter(pk=target.pk).exists():
        raise PermissionDenied(_("This invoice is outside your scope."))
    with transaction.atomic():
        source = Payment.objects.select_for_update().select_related("invoice").get(pk=payment.pk)
        if target.funder_id != source.invoice.funder_id:
            raise PaymentError(_("A surplus can only move to another invoice of the same funder."))
        if target.pk == source.invoice_id:
            raise PaymentError(_("Choose a different invoice."))
        amount = min(source.surplus, target.total - target.paid)
        if amount <= 0:
            raise PaymentError(_("There is no surplus to move, or the invoice is already paid."))
        Payment.objects.filter(pk=source.pk).update(moved=F("moved") + amount)
        moved, _created = record_payment(target, amount=amount, reference=f"{source.reference}>{target.pk}",
                                          paid_on=source.paid_on, channel=Channel.CREDIT, user=actor(access),
                                          note=note, moved_from=source)
    return moved


def payments_in_scope(access):
    return Payment.objects.filter(invoice__in=visible_invoices(access))


def spent_for_budget(budget) -> int:
    """Money allocated to a funder's lines paid from the budget's source within its fiscal year."""

    return int(InvoiceLine.objects.filter(
        invoice__funder_id=budget.funder_id, sponsorship__funding_source=budget.source,
        month__gte=dt.date(budget.fiscal_year, 1, 1), month__lte=dt.date(budget.fiscal_year, 12, 1),
    ).aggregate(s=Sum("paid"))["s"] or 0)


__all__ = ["PaymentError", "PaymentPlan", "Recorded", "record_payment", "record_payments", "record_payment_as",
           "collect", "move_surplus",
           "payments_in_scope", "spent_for_budget"]
