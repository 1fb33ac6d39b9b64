"""``lindung autodebit``: mandates, the monthly debit file, the bank's return file, follow-up.

Commands act as the console operator at the server (national scope) unless ``--as USERNAME`` names a
user, whose role and regions then apply exactly as on the web.
"""

import click

from lindung.billing.cli import access_for
from lindung.cli import emit
from lindung.errors import DomainError
from lindung.formatting import number

AS = click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.group("autodebit")
def command():
    """Auto-debit mandates of self-paying workers and the banks' debit and return files."""


@command.command("export")
@click.option("--month", "month_text", required=True, help="The month to debit, YYYY-MM.")
@click.option("--bank", "bank_code", required=True, help="The bank's code (see `lindung autodebit banks`).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the debit file.")
@AS
@JSON
def export_command(month_text, bank_code, out, username, as_json):
    """Write the month's debit instruction file for a bank: one line per active mandate whose month is
    billed and unpaid, amounts from the rules of that month, a stable reference per mandate and month."""
    from pathlib import Path

    from django.utils.translation import gettext as _

    from lindung.months import parse_month

    from .services import bank_for, export_debit_file

    month = parse_month(month_text)
    text, run = export_debit_file(access_for(username), month, bank_for(bank_code))
    Path(out).write_text(text, encoding="utf-8")
    message = _("%(file)s: %(count)d debits, Rp%(total)s.") % {"file": out, "count": len(run.lines),
                                                              "total": number(run.total)}
    for item in run.skipped:
        message += "\n" + _("  mandate #%(mandate)s not debited: %(reason)s") % item
    emit(run.as_dict() | {"file": out}, as_json, message)


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_code", default="GENERIC", show_default=True, help="The bank whose layout the file has.")
@AS
@JSON
def import_command(file, bank_code, username, as_json):
    """Read a bank's return file: successes become payments, failures are kept with the bank's reason code
    for follow-up. Importing the same file twice records nothing new."""
    from pathlib import Path

    from django.utils.translation import gettext as _

    from .services import bank_for, import_return_file

    path = Path(file)
    try:
        result = import_return_file(access_for(username), bank_for(bank_code), path.name, path.read_bytes())
    except DomainError as exc:
        if not as_json:
            raise
        emit({"errors": exc.messages}, True)
        raise SystemExit(1) from None
    if result.imported_before:
        text = _("This return file was imported before (#%(id)s): nothing recorded.") % {"id": result.file.pk}
    else:
        text = _("%(rows)d lines: %(ok)d debited (payments recorded), %(failed)d failed, %(dupes)d already "
                 "recorded.") % {"rows": result.rows, "ok": result.debited, "failed": result.failed,
                                 "dupes": result.duplicates}
        if result.suspended:
            text += "\n" + _("Suspended after repeated failures: %(ids)s") % {
                "ids": ", ".join(f"#{i}" for i in result.suspended)}
    emit(result.as_dict(), as_json, text)


@command.command("mandates")
@click.option("--state", type=click.Choice(["active", "suspended", "cancelled"]), default=None,
              help="Only mandates in this state.")
@AS
@JSON
def mandates_command(state, username, as_json):
    """List mandates in scope (account numbers masked)."""
    from .scope import visible_mandates

    access = access_for(username)
    qs = visible_mandates(access).select_related("worker").order_by("id")
    if state:
        qs = qs.filter(state=state)
    access.disclose(list(qs), door="cli:autodebit mandates")
    rows = [{"id": m.pk, "worker_id": m.worker_id, "worker": m.worker.name, "bank": m.bank_id,
             "account": m.masked_account, "debit_day": m.debit_day, "programs": m.programs, "state": m.state,
             "start_month": m.start_month.strftime("%Y-%m")} for m in qs]
    from lindung.formatting import label

    from .models import MandateState

    emit(rows, as_json, "\n".join(f"#{r['id']:<6} {r['bank']:10} {r['account']:>20} {label(MandateState, r['state']):12} "
                                  f"{r['worker']}" for r in rows) or "-")


@command.command("register")
@click.option("--worker", "worker_id", type=int, required=True, help="The worker's id.")
@click.option("--bank", "bank_code", required=True, help="The bank's code.")
@click.option("--holder", required=True, help="The account holder's name.")
@click.option("--account", required=True, help="The account number.")
@click.option("--debit-day", type=int, required=True, help="Day of the month to debit, 1–28.")
@click.option("--programs", default="jkk,jkm", show_default=True, help="Programmes the debit pays.")
@click.option("--start", "start_text", required=True, help="First month, YYYY-MM.")
@click.option("--end", "end_text", default=None, help="Last month, YYYY-MM (default: open-ended).")
@AS
@JSON
def register_command(worker_id, bank_code, holder, account, debit_day, programs, start_text, end_text, username,
                     as_json):
    """Register a self-paying worker's auto-debit mandate."""
    from django.utils.translation import gettext as _

    from lindung.months import parse_month

    from .services import bank_for, register_mandate

    access = access_for(username)
    worker = access.workers().filter(pk=worker_id).first()
    if worker is None:
        raise click.ClickException(_("No worker #%(id)s in your scope.") % {"id": worker_id})
    mandate = register_mandate(access, worker, bank=bank_for(bank_code), account_holder=holder,
                               account_number=account, debit_day=debit_day, programs=programs,
                               start_month=parse_month(start_text, "start"),
                               end_month=parse_month(end_text, "end") if end_text else None)
    emit({"id": mandate.pk, "account": mandate.masked_account, "state": mandate.state}, as_json,
         _("Mandate #%(id)s registered (account %(account)s).") % {"id": mandate.pk,
                                                                    "account": mandate.masked_account})


@command.command("state")
@click.argument("mandate_id", type=int)
@click.argument("state", type=click.Choice(["active", "suspended", "cancelled"]))
@click.option("--reason", default="", help="Why (kept in the audit trail).")
@AS
def state_command(mandate_id, state, reason, username):
    """Suspend, reactivate or cancel a mandate."""
    from django.utils.translation import gettext as _

    from .scope import visible_mandates
    from .services import change_state

    access = access_for(username)
    mandate = visible_mandates(access).filter(pk=mandate_id).first()
    if mandate is None:
        raise click.ClickException(_("No mandate #%(id)s in your scope.") % {"id": mandate_id})
    mandate = change_state(access, mandate, state, reason=reason)
    click.echo(_("Mandate #%(id)s is now %(state)s.") % {"id": mandate.pk, "state": mandate.get_state_display()})


@command.command("failures")
@AS
@JSON
def failures_command(username, as_json):
    """Failed debits waiting for the agent or village to follow up."""
    from .services import open_failures

    access = access_for(username)
    rows = [{"id": d.pk, "mandate": d.mandate_id, "worker_id": d.mandate.worker_id, "worker": d.mandate.worker.name,
             "village": d.mandate.worker.village_id, "month": d.month.strftime("%Y-%m"), "amount": d.amount,
             "reason_code": d.reason_code, "reason": d.reason} for d in open_failures(access)]
    access.disclose([r["worker_id"] for r in rows], door="cli:autodebit failures")
    from lindung.formatting import label, rupiah

    from .models import Reason

    emit(rows, as_json, "\n".join(f"{r['id']:>6} {r['month']} #{r['mandate']:<6} {r['reason_code']:>4} "
                                  f"{label(Reason, r['reason']):24} {rupiah(r['amount']):>10} {r['worker']}"
                                  for r in rows) or "-")


@command.command("banks")
@click.option("--load", "load_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Add or update banks from a layout file (JSON, as lindung/autodebit/data/banks.json).")
@JSON
def banks_command(load_file, as_json):
    """List the banks and their file layouts; add a bank's layout from a JSON file (no code needed)."""
    import json
    from pathlib import Path

    from django.utils.translation import gettext as _

    from .models import BankLayout
    from .services import load_banks

    if load_file:
        try:
            count = load_banks(json.loads(Path(load_file).read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise click.ClickException(_("Not JSON: %(error)s") % {"error": exc}) from None
        click.echo(_("%(n)d bank layout(s) loaded.") % {"n": count})
    rows = [{"code": b.code, "name": b.name, "layout": b.layout} for b in BankLayout.objects.order_by("code")]
    # the shipped layouts' names are in the catalogues; a bank added from a file shows its own name
    emit(rows, as_json, "\n".join(f"{r['code']:12} {_(r['name'])}" for r in rows) or "-")


@command.command("rekey")
def rekey_command():
    """Re-encrypt every stored account number with the first key of LINDUNG_ACCOUNT_KEY (after adding a new
    key in front of the old one); the old key can then be removed."""
    from django.utils.translation import gettext as _

    from .services import reencrypt_accounts

    click.echo(_("%(n)s account numbers re-encrypted.") % {"n": number(reencrypt_accounts())})
