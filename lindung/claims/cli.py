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

    from lindung.accounts.access import Access
    from lindung.formatting import rupiah
    from lindung.people.models import Worker

    from .eligibility import check as check_eligibility

    worker = Worker.objects.filter(nik=nik.strip()).first()
    if worker is None:
        raise click.ClickException(_("No worker with NIK %(nik)s.") % {"nik": nik})
    result = check_eligibility(worker, event, _date(date_text),
                               claim_date=_date(claim_text) if claim_text else timezone.localdate())
    data = result.as_dict()
    Access.console().disclose([worker], door="cli:claims check")
    lines = [f"{worker.name}: {data['reasoning']}",
             (_("Payable: %(total)s") % {"total": rupiah(data["total"])}) if data["payable"] else _("Not payable.")]
    lines += [f"  {i['label']}: {rupiah(i['amount'])}" for i in data["items"]] if data["payable"] else []
    lines += [f"  - {r['message']}" for r in data["reasons"] + data["scholarship"]["reasons"]]
    emit(data, as_json, "\n".join(lines))


@claims.command("list")
@click.option("--state", default="", help="Only claims in this state (draft, documents_complete, verified, submitted, "
                                          "paid, rejected, withdrawn …).")
@click.option("--region", default="", help="Only workers of this region (code at any level).")
@click.option("--as", "username", default=None, help="List what this user may see (default: everything).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_claims(state, region, username, as_json):
    """List claims with their state, worker, event and amounts."""
    from lindung.formatting import rupiah

    from .present import claim_row
    from .scope import in_region, visible_claims

    from lindung.accounts.access import Access

    access = _user_access(username) if username else Access.console()
    qs = in_region(visible_claims(access), region).select_related("worker", "event").order_by("id")
    if state:
        qs = qs.filter(state=state)
    claims = list(qs)
    rows = [claim_row(access, c) for c in claims]
    access.disclose([c.worker for c in claims], door="cli:claims list")
    from lindung.formatting import label

    from .models import ClaimKind, ClaimState

    text = "\n".join(f"#{r['id']} {label(ClaimKind, r['kind']):<40} {label(ClaimState, r['state']):<20} "
                     f"{r['worker']['nik']} {r['worker']['name']}  {rupiah(r['paid_amount'] or r['expected_amount'])}"
                     for r in rows)
    emit(rows, as_json, text)


@click.group()
def deaths():
    """Death reports from lists and from civil registries (DCI CRVS)."""


@deaths.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The user reporting the deaths (village or branch).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def import_deaths(file, username, as_json):
    """Report the deaths listed in FILE (CSV, XLSX, XLS, ODS: nik, tanggal_meninggal, sebab, tempat) as
    unconfirmed reports; nothing is saved if any row is wrong."""
    from django.utils.translation import gettext as _

    from .deathlist import import_deaths as run

    result = run(_user_access(username), file)
    emit(result, as_json, _("%(reported)d deaths reported, waiting for confirmation.") % result)


@deaths.command("sender-add")
@click.option("--id", "sender_id", required=True, help="The registry's sender_id in its DCI messages.")
@click.option("--name", required=True, help="Name of the registry (e.g. Disdukcapil Kab. Gresik).")
@click.option("--key", "public_key", required=True, help="Its ed25519 public key, base64 (32 bytes).")
def sender_add(sender_id, name, public_key):
    """Trust a civil registry to notify deaths (its messages must be signed with this key)."""
    from .dci import check_public_key
    from .models import TrustedSender

    key = check_public_key(public_key)
    TrustedSender.objects.update_or_create(sender_id=sender_id, defaults={"name": name, "public_key": key,
                                                                          "active": True})
    from django.utils.translation import gettext as _

    click.echo(_("%(sender)s: trusted") % {"sender": sender_id})


@deaths.command("process")
def process():
    """Process the civil-registry notifications waiting in the queue now (the worker does it too)."""
    from .dci import process_all

    from django.utils.translation import gettext as _

    from lindung.formatting import number

    click.echo(_("%(n)s messages processed") % {"n": number(process_all())})


commands = [claims, deaths]
