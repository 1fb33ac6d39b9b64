"""Recording payments and allocating them to invoice lines.

A payment is allocated to its invoice's unpaid lines oldest month first (then in line order), so
every worker-programme-month knows whether it is paid and on which day it became paid — coverage
reads exactly that. The allocation is two UPDATE statements whatever the size of the invoice: a
running total (window function) selects the lines the money pays in full; the remainder goes to the
next line as a part payment. Money beyond the invoice's outstanding amount stays on the payment as a
surplus for a person to resolve (moved to another invoice of the same funder, or refunded).
"""

import datetime as dt

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

from .models import AgentCommission, Channel, Invoice, InvoiceLine, Payment
from .scope import actor, can_collect_for, visible_invoices
from .signals import lines_paid

# Tables of the raw SQL below, named by their models.
INVOICES, LINES = dialect.table(Invoice), dialect.table(InvoiceLine)


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


def record_payment(invoice: Invoice, *, amount: int, reference: str, paid_on: dt.date, channel: str = Channel.TRANSFER,
                   user=None, collected_by=None, note: str = "", moved_from: Payment | None = None) -> tuple[Payment, bool]:
    """Record money received for ``invoice`` and allocate it. Returns (payment, created).

    The reference is unique: a second call with the same reference returns the first payment and
    changes nothing. Call without access checks only from trusted code (imports, the CLI); people go
    through ``record_payment_as``.
    """
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
    existing = Payment.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
            payment = Payment.objects.create(
                reference=reference, invoice=locked, amount=amount, paid_on=paid_on, channel=channel,
                collected_by=collected_by, recorded_by=user if getattr(user, "pk", None) else None,
                note=note[:300], moved_from=moved_from)
            allocate(locked, payment)
            if collected_by is not None:
                _record_commission(payment, collected_by, locked)
            audit.record(user, audit.Action.CREATE, payment, region_code=locked.funder.region_id or "",
                         summary=_("payment %(ref)s of Rp%(amount)s for %(invoice)s") % {
                             "ref": reference, "amount": number(amount), "invoice": locked.number},
                         changes={"amount": [None, amount], "allocated": [None, payment.allocated],
                                  "surplus": [None, payment.surplus]})
    except IntegrityError:
        # Recorded by someone else a moment ago (unique reference): that payment stands.
        existing = Payment.objects.filter(reference=reference).first()
        if existing is None:
            raise
        return existing, False
    return payment, True


def allocate(invoice: Invoice, payment: Payment, available: int | None = None) -> int:
    """Apply ``available`` (default: the whole payment) to the invoice's unpaid lines, oldest month first.

    ``invoice`` is the row the caller locked (``select_for_update``) in the current transaction."""
    available = payment.amount if available is None else available
    paid_on = dialect.date_param(payment.paid_on)
    with connection.cursor() as cursor:
        running = f"""
            SELECT id, SUM(amount - paid) OVER (ORDER BY month, id) AS running
            FROM {LINES} WHERE invoice_id = %s AND paid < amount"""
        cursor.execute(f"SELECT COALESCE(MAX(running), 0) FROM ({running}) t WHERE t.running <= %s",
                       [invoice.pk, available])
        in_full = int(cursor.fetchone()[0])
        if in_full:
            cursor.execute(f"""
                UPDATE {LINES} SET paid = amount, paid_on = %s, payment_id = %s
                WHERE invoice_id = %s AND paid < amount
                  AND id IN (SELECT id FROM ({running}) t WHERE t.running <= %s)""",
                           [paid_on, payment.pk, invoice.pk, invoice.pk, available])
        rest = available - in_full
        part = 0
        if rest:
            cursor.execute(f"""
                SELECT id, amount - paid FROM {LINES} WHERE invoice_id = %s AND paid < amount
                ORDER BY month, id LIMIT 1""", [invoice.pk])
            row = cursor.fetchone()
            if row is not None:  # less than this line's outstanding, or it would have been paid in full
                part = min(rest, int(row[1]))
                cursor.execute(f"UPDATE {LINES} SET paid = paid + %s WHERE id = %s", [part, row[0]])
    allocated = in_full + part
    if allocated:
        with connection.cursor() as cursor:
            # The invoice row is locked by the caller, so its paid amount here is current: the status
            # comes from the one rule (Invoice.status_for), not from a second copy of it in SQL.
            invoice.paid += allocated
            invoice.status = Invoice.status_for(invoice.total, invoice.paid)
            cursor.execute(f"UPDATE {INVOICES} SET paid = paid + %s, status = %s WHERE id = %s",
                           [allocated, invoice.status, invoice.pk])
        Payment.objects.filter(pk=payment.pk).update(allocated=F("allocated") + allocated)
        payment.allocated += allocated
    if in_full:
        lines_paid.send(sender=Payment, payment=payment)
    return allocated


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


__all__ = ["PaymentError", "record_payment", "record_payment_as", "collect", "move_surplus", "allocate",
           "payments_in_scope", "spent_for_budget"]
