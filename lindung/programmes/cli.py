"""``lindung programmes``: programmes with targets, their lists and their progress."""

import click

from lindung.billing.cli import access_for
from lindung.cli import emit
from lindung.formatting import number, rupiah

AS = click.option("--as", "username", default=None, help="Act as this user (default: console operator).")
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.group("programmes")
def command():
    """Programmes with targets per village (e.g. "1 Desa 100 Pekerja Rentan") and their progress."""


@command.command("list")
@AS
@JSON
def list_command(username, as_json):
    """Programmes in scope."""
    from .services import visible_programmes

    rows = [{"id": p.pk, "name": p.name, "funder": p.funder.name, "start_month": f"{p.start_month:%Y-%m}",
             "end_month": f"{p.end_month:%Y-%m}"} for p in visible_programmes(access_for(username))]
    emit(rows, as_json, "\n".join(f"#{r['id']:<4} {r['start_month']}–{r['end_month']} {r['name']} ({r['funder']})"
                                  for r in rows) or "-")


@command.command("create")
@click.option("--funder", "funder_id", type=int, required=True, help="The running funder's id.")
@click.option("--name", required=True, help="The programme's name.")
@click.option("--legal-basis", default="", help="The regulation it rests on.")
@click.option("--start", "start_text", required=True, help="First month, YYYY-MM.")
@click.option("--end", "end_text", required=True, help="Last month, YYYY-MM.")
@click.option("--target", "target_workers", type=int, default=None, help="Target per village, in workers.")
@click.option("--segment", "target_segment", default="", help="Or: every worker of this segment (e.g. rt_rw).")
@click.option("--budget", type=int, default=None, help="Budget in rupiah.")
@AS
@JSON
def create_command(funder_id, name, legal_basis, start_text, end_text, target_workers, target_segment, budget,
                   username, as_json):
    """Create a programme for a funder you act for."""
    from lindung.funding.models import Funder
    from lindung.months import parse_month

    from .services import create_programme

    funder = Funder.objects.filter(pk=funder_id).first()
    if funder is None:
        raise click.ClickException(f"No funder #{funder_id}.")
    p = create_programme(access_for(username), funder, name=name, legal_basis=legal_basis,
                         start_month=parse_month(start_text, "start"), end_month=parse_month(end_text, "end"),
                         target_workers=target_workers, target_segment=target_segment, budget=budget)
    emit({"id": p.pk, "name": p.name}, as_json, f"#{p.pk} {p.name}")


@command.command("villages")
@click.argument("programme_id", type=int)
@click.argument("villages", nargs=-1, required=True)
@AS
def villages_command(programme_id, villages, username):
    """Name the villages taking part: CODE for the programme's target, CODE=N for a village's own."""
    from .services import set_villages

    access = access_for(username)
    targets = {}
    for item in villages:
        code, _sep, target = item.partition("=")
        targets[code] = int(target) if target else None
    from django.utils.translation import gettext as _

    click.echo(_("%(n)s villages take part.") % {"n": number(set_villages(access, _programme(access, programme_id),
                                                                         targets))})


@command.command("attach")
@click.argument("programme_id", type=int)
@click.argument("list_ids", nargs=-1, type=int, required=True)
@AS
def attach_command(programme_id, list_ids, username):
    """Let sponsorship lists belong to the programme."""
    from .services import attach_lists

    access = access_for(username)
    from django.utils.translation import gettext as _

    click.echo(_("%(n)s lists attached.") % {"n": number(attach_lists(access, _programme(access, programme_id),
                                                                      list_ids))})


@command.command("detach")
@click.argument("programme_id", type=int)
@click.argument("list_id", type=int)
@AS
def detach_command(programme_id, list_id, username):
    """Take a sponsorship list out of the programme (the list itself does not change)."""
    from .services import detach_list

    access = access_for(username)
    detach_list(access, _programme(access, programme_id), list_id)
    from django.utils.translation import gettext as _

    click.echo(_("List #%(id)s taken out of the programme.") % {"id": list_id})


@command.command("progress")
@click.argument("programme_id", type=int)
@click.option("--month", "month_text", default=None, help="YYYY-MM (default: this month).")
@AS
@JSON
def progress_command(programme_id, month_text, username, as_json):
    """Each village's covered workers against its target, the villages behind, the budget used."""
    from lindung.months import parse_month, this_month

    from .services import progress

    access = access_for(username)
    data = progress(access, _programme(access, programme_id), parse_month(month_text) if month_text else this_month())
    from django.utils.translation import gettext as _

    state = {"at": _("at target"), "above": _("above target"), "below": _("below target")}
    lines = [f"{r['code']} {r['name'][:28]:28} {number(r['covered']):>6} / {number(r['target']):<6} "
             f"{state.get(r['state'], r['state'])}" for r in data["villages"]]
    totals = data["totals"]
    lines.append(_("%(covered)s / %(target)s; villages behind: %(behind)s; paid %(paid)s") % {
        "covered": number(totals["covered"]), "target": number(totals["target"]), "behind": number(len(data["behind"])),
        "paid": rupiah(data["budget"]["paid"])})
    emit(data, as_json, "\n".join(lines))


@command.command("indicators")
@click.argument("programme_id", type=int)
@click.option("--region", default=None, help="Region code (default: the running funder's region).")
@click.option("--month", "month_text", default=None, help="YYYY-MM (default: this month).")
@AS
def indicators_command(programme_id, region, month_text, username):
    """Coverage indicators of a region counting only the programme's workers (JSON)."""
    from lindung.months import parse_month, this_month

    from .services import programme_indicators

    access = access_for(username)
    programme = _programme(access, programme_id)
    emit(programme_indicators(access, programme, region or programme.funder.region_id,
                              parse_month(month_text) if month_text else this_month()), True)


def _programme(access, programme_id):
    from .services import visible_programmes

    programme = visible_programmes(access).filter(pk=programme_id).first()
    if programme is None:
        raise click.ClickException(f"No programme #{programme_id} in your scope.")
    return programme
