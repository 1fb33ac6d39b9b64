"""`lindung report NAME …`: generate a report from the catalogue to a file."""

import shutil
import sys

import click

from lindung.cli import emit
from lindung.formatting import number


@click.command("report")
@click.argument("name", required=False)
@click.option("--region", default="", help="Region code (empty: Indonesia).")
@click.option("--period", default=None, help="Month, YYYY-MM (default: this month).")
@click.option("--year", default=None, type=int, help="Fiscal year (budget report; default: this year).")
@click.option("--funder", default=None, type=int, help="Funder id (budget and hand-over reports; default: all you may see).")
@click.option("--target", default=None, help="Coverage target in percent (coverage report; default 43.92).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), default=None,
              help="File format (default: the report's first).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Where to write the file (default: the report's file name in the current folder).")
@click.option("--as", "as_user", default=None,
              help="Generate as this user (their scope applies); default: national administrator.")
@click.option("--list", "list_only", is_flag=True, help="List the reports of the catalogue.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def report(name, region, period, year, funder, target, fmt, out, as_user, list_only, as_json):
    """Generate a report of the catalogue (see docs/reports.md) as XLSX or PDF."""
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access
    from lindung.accounts.models import User

    from .catalogue import catalogue
    from .services import request_report

    if list_only or not name:
        items = [{"name": r.name, "title": str(r.title), "formats": list(r.formats), "parameters": list(r.params)}
                 for r in catalogue().values()]
        emit(items, as_json, "\n".join(  # the name and options as they are typed, after the title
            f"{i['title']}: lindung report {i['name']} ({', '.join(i['formats'])}; "
            f"{' '.join('--' + p for p in i['parameters'])})" for i in items))
        return
    if as_user:
        user = User.objects.filter(username=as_user, is_active=True).first()
        if user is None:
            raise click.ClickException(_("No active user %(name)s.") % {"name": as_user})
        access = Access(user)
    else:
        access = Access.console()
    chosen = catalogue().get(name)
    data = {"region": region, "period": period, "target": target, "funder": funder,
            "year": year,
            "format": fmt or (chosen.formats[0] if chosen else "")}
    from lindung.months import this_month

    if period is None:
        data["period"] = this_month().strftime("%Y-%m")
    if year is None:
        data["year"] = this_month().year
    run = request_report(access, name, data, background=False)
    if run.status != "done":
        raise click.ClickException(_("The report failed: %(error)s") % {"error": run.error})
    target_path = out or run.file_name
    with run.file.open("rb") as source, open(target_path, "wb") as dest:
        shutil.copyfileobj(source, dest)
    emit({"report": run.report, "id": run.pk, "file": target_path, "bytes": run.size, "params": run.params},
         as_json, _("%(file)s written (%(bytes)s bytes).") % {"file": target_path, "bytes": number(run.size)})
    sys.stdout.flush()


command = report
