"""Claims from the console: eligibility checks, the claim list, deaths imported from a list.

Commands that change something act as a named user (``--as USERNAME``) so the same permission and
scope rules apply as on the web, and the audit trail names that person.
"""

import datetime as dt

import click

from lindung.cli import emit


def _user_access(username):
    from lindung.accounts.access import Access
    from lindung.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"No active user {username!r}.")
    return Access(user)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--date must look like 2025-03-12, not {value!r}.") from None


@click.group()
def claims():
    """Benefit claims: eligibility from the payment history, the claim list."""


@claims.command("check")
@click.option("--nik", required=True, help="The worker's NIK.")
@click.option("--event", type=click.Choice(["death", "accident-death", "accident-disability"]), required=True,
              help="death (JKM), accident-death (JKK death) or accident-disability (JKK permanent disability).")
@click.option("--date", "date_text", required=True, help="Date of the event, YYYY-MM-DD.")
@click.option("--claim-date", "claim_text", default=None, help="Date of the claim (default: today), YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def check(nik, event, date_text, claim_text, as_json):
    """Is the benefit of EVENT on DATE payable for this worker, how much, and why (or why not)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from lindung.people.models import Worker
    from lindung.rules.formatting import rupiah
    from lindung.rules.services import RuleError

    from .eligibility import check as check_eligibility

    worker = Worker.objects.filter(nik=nik.strip()).first()
    if worker is None:
        raise click.ClickException(_("No worker with NIK %(nik)s.") % {"nik": nik})
    try:
        result = check_eligibility(worker, event, _date(date_text),
                                   claim_date=_date(claim_text) if claim_text else timezone.localdate())
    except RuleError as exc:
        raise click.ClickException(exc.message) from None
    data = result.as_dict()
    lines = [f"{worker.name}: {data['reasoning']}",
             (_("Payable: %(total)s") % {"total": rupiah(data["total"])}) if data["payable"] else _("Not payable.")]
    lines += [f"  {i['label']}: {rupiah(i['amount'])}" for i in data["items"]] if data["payable"] else []
    lines += [f"  - {r['message']}" for r in data["reasons"] + data["scholarship"]["reasons"]]
    emit(data, as_json, "\n".join(lines))


commands = [claims]
