"""Coverage commands: indicators for a region and month, monthly snapshots, rebuilding derived cover."""

import click
from django.utils.translation import gettext as _

from lindung.cli import emit
from lindung.formatting import number, percent


def _month(value: str | None):
    from lindung.months import parse_month, this_month

    return parse_month(value) if value else this_month()


def _region(code: str) -> str:
    from django.utils.translation import gettext as _

    from lindung.regions.models import Region

    code = (code or "").replace(".", "").strip()
    if code and not Region.objects.filter(code=code).exists():
        raise click.ClickException(_("Unknown region code %(code)s.") % {"code": code})
    return code


@click.group(invoke_without_command=True)
@click.option("--region", "region_code", default="", help="Region code at any level (empty: Indonesia).")
@click.option("--month", "month_text", default=None, help="YYYY-MM (default: this month).")
@click.option("--programme", "programme_id", default="", help="Count only the workers of this programme (its id).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def coverage(ctx, region_code, month_text, programme_id, as_json):
    """Coverage indicators (UCJ): active members, working population and coverage % of a region."""
    if ctx.invoked_subcommand is not None:
        return
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access
    from lindung.errors import InvalidInput

    from . import filters
    from .indicators import indicators

    access = None
    if programme_id:
        try:
            access, _applied = filters.narrowed(Access.console(), {"programme": programme_id})
        except InvalidInput as exc:
            raise click.ClickException(exc.message) from exc
    data = indicators(_region(region_code), _month(month_text), access)
    pct = "–" if data["coverage_pct"] is None else percent(data['coverage_pct'])
    lines = [_("%(name)s, %(month)s: %(active)s active, working population %(wp)s, coverage %(pct)s") % {
        "name": data["region"]["name"], "month": data["month"], "active": number(data['active']),
        "wp": "–" if data["working_population"] is None else number(data['working_population']), "pct": pct}]
    if data["parent"]:
        p = data["parent"]
        lines.append(_("  %(name)s: %(active)s active, coverage %(pct)s") % {
            "name": p["name"], "active": number(p['active']),
            "pct": "–" if p["coverage_pct"] is None else percent(p['coverage_pct'])})
    lines.append(_("  new %(new)d, lapsed %(lapsed)d") % data)
    emit(data, as_json, "\n".join(lines))


@coverage.command("snapshot")
@click.option("--month", "month_text", required=True, help="YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def snapshot(month_text, as_json):
    """Freeze the month's coverage counts per region (for trends). Taking it again replaces it."""
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access

    from .snapshots import take_snapshot

    run = take_snapshot(Access.console(), _month(month_text))
    data = {"month": run.month.strftime("%Y-%m"), "rows": run.rows, "active": run.active}
    emit(data, as_json, _("Snapshot %(month)s: %(active)s active members, %(rows)d rows.") % {
        **data, "active": number(run.active)})


@coverage.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Rebuild every worker's cover from the invoice lines.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def refresh(everything, as_json):
    """Recompute derived cover for queued workers (or everyone with --all)."""
    from .status import refresh_all, refresh_dirty

    done = refresh_all() if everything else refresh_dirty()
    emit({"workers": done}, as_json, number(done))


@coverage.command("worker")
@click.argument("worker_id", type=int)
@click.option("--month", "month_text", default=None, help="YYYY-MM (default: this month).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def worker(worker_id, month_text, as_json):
    """A worker's cover: status, latest covered month, contribution months, covered months."""
    from lindung.accounts.access import Access
    from lindung.people.models import Worker

    from .services import worker_summary

    if not Worker.objects.filter(pk=worker_id).exists():
        raise click.ClickException(_("No worker %(id)s.") % {"id": worker_id})
    data = worker_summary(worker_id, _month(month_text))
    Access.console().disclose([worker_id], door="cli:coverage worker")
    from lindung.formatting import label

    from .models import Status

    lines = [(_("Worker"), f"#{data['worker_id']}"), (_("Month"), data["month"]),
             (_("Status"), label(Status, data["status"])), (_("First month"), data["first_month"] or "–"),
             (_("Active since"), data["active_since"] or "–"), (_("Paid through"), data["paid_through"] or "–"),
             (_("Contribution months"), number(data["contribution_months"])),
             (_("Memberships"), number(data["memberships"])),
             (_("Covered months"), ", ".join(data["covered_months"]) or "–")]
    emit(data, as_json, "\n".join(f"{k}: {v}" for k, v in lines))


command = coverage
