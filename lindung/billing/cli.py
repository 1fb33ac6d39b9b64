"""Billing commands: the monthly run, payments and bank statements.

They act as the console operator at the server (national scope) unless ``--as USERNAME`` names a
user, whose role and regions then apply exactly as on the web.
"""

import click

from lindung.cli import emit
from lindung.formatting import number


def access_for(username: str | None):
    from lindung.accounts.access import Access
    from lindung.accounts.models import User

    if not username:
        return Access.console()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"No active user {username!r}.")
    return Access(user)


@click.command("bill")
@click.option("--month", "month_text", required=True, help="The month to bill, YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def bill_command(month_text, as_json):
    """Run the monthly billing: one invoice per funder for the month (and its prepayment period).

    Idempotent: running a month again bills only sponsorships approved since, otherwise nothing.
    """
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access
    from lindung.months import parse_month

    from .runs import bill

    month = parse_month(month_text)
    result = bill(Access.console(), month)
    text = _("%(month)s: %(invoices)d invoices, %(lines)d lines, Rp%(amount)s (%(seconds)ss).") % {
        "month": month.strftime("%Y-%m"), "invoices": result.invoices, "lines": result.lines,
        "amount": number(result.amount), "seconds": number(result.seconds, 1)}
    for item in result.unpriced:
        text += "\n" + _("Not billed (%(rows)d rows): %(reason)s") % item
    emit(result.as_dict(), as_json, text)


@click.group("payments")
def payments():
    """Payments received and bank statements."""


@payments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def import_command(file, username, as_json):
    """Import a bank or payment statement (CSV: date, reference, amount[, account][, description]).

    Rows are matched to invoices by virtual account or invoice number and recorded as payments;
    unmatched, under-paid and over-paid rows are listed for a person to resolve. Importing the
    same file again records nothing.
    """
    from pathlib import Path

    from django.utils.translation import gettext as _

    from .statements import StatementError, import_statement

    access = access_for(username)
    path = Path(file)
    try:
        result = import_statement(access, path.read_bytes(), path.name)
    except StatementError as exc:
        if not as_json:
            raise
        emit({"errors": exc.errors}, True)
        raise SystemExit(1) from None
    if result.already_imported:
        text = _("This statement was imported before (#%(id)s): nothing recorded.") % {"id": result.statement_id}
    else:
        text = _("%(rows)d rows: %(recorded)d payments recorded, %(dupes)d already recorded, "
                 "%(open)d to resolve.") % {"rows": result.rows, "recorded": result.recorded,
                                            "dupes": result.duplicates, "open": result.open_items}
        text += "".join(f"\n  {k}: {v}" for k, v in sorted(result.by_match.items()))
    emit(result.as_dict(), as_json, text)


@payments.command("open")
@click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def open_command(username, as_json):
    """List statement rows waiting for a person: unmatched, under-paid and over-paid."""
    from .statements import open_items

    rows = [{"id": r.pk, "statement": r.statement_id, "row": r.row_number, "reference": r.reference,
             "paid_on": r.paid_on.isoformat(), "amount": r.amount, "match": r.match,
             "invoice": r.invoice.number if r.invoice else None, "expected": r.expected}
            for r in open_items(access_for(username))]
    from lindung.formatting import label, rupiah

    from .models import Match

    emit(rows, as_json, "\n".join(f"{r['id']:>6} {label(Match, r['match']):12} {r['reference']:20} "
                                  f"{rupiah(r['amount']):>14} {r['invoice'] or '-'}" for r in rows) or "-")


@payments.command("record")
@click.argument("invoice_number")
@click.argument("amount", type=int)
@click.argument("reference")
@click.option("--date", "paid_on", required=True, help="Day the money arrived, YYYY-MM-DD.")
@click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def record_command(invoice_number, amount, reference, paid_on, username, as_json):
    """Record one payment against an invoice. The same reference twice records nothing."""
    from django.utils.translation import gettext as _

    from lindung.errors import InvalidInput
    from lindung.months import parse_day

    from .payments import record_payment_as
    from .scope import visible_invoices

    access = access_for(username)
    invoice = visible_invoices(access).filter(number__iexact=invoice_number).first()
    if invoice is None:
        raise click.ClickException(_("No invoice %(number)s in your scope.") % {"number": invoice_number})
    try:
        day = parse_day(paid_on, "date")
    except InvalidInput:
        raise click.ClickException(_("The date must be YYYY-MM-DD.")) from None
    payment, created = record_payment_as(access, invoice, amount=amount, reference=reference, paid_on=day)
    data = {"reference": payment.reference, "created": created, "invoice": invoice.number, "amount": payment.amount,
            "allocated": payment.allocated, "surplus": payment.surplus}
    emit(data, as_json, (_("Recorded: Rp%(amount)s, Rp%(allocated)s allocated, surplus Rp%(surplus)s.") if created
                         else _("Already recorded: nothing changed.")) % {
        "amount": number(payment.amount), "allocated": number(payment.allocated), "surplus": number(payment.surplus)})


commands = [bill_command, payments]
