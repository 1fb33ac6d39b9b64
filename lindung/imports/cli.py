"""`lindung import workers FILE` and `lindung worker`."""

import datetime as dt
import sys
import time

import click

from lindung.cli import emit
from lindung.formatting import moment


@click.group(name="import")
def import_group():
    """Bulk enrolment from worker lists (XLSX, XLS, ODS, CSV)."""


def _month(value: str | None) -> dt.date | None:
    from lindung.months import parse_month

    return parse_month(value, "--start") if value else None


@import_group.command(name="workers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--village-code", default="", help="The list is for this village: rows without a village go there.")
@click.option("--district-code", default="", help="Village names in the list are looked up in this district.")
@click.option("--segment", "default_segment", default="bpu_rentan", show_default=True,
              help="Segment for rows that do not give one.")
@click.option("--funder", "funder_id", type=int, default=None, help="Propose sponsorships for this funder (id).")
@click.option("--programs", default="", help="Programmes to sponsor, e.g. jkk,jkm.")
@click.option("--start", "start", default=None, help="First sponsored month, YYYY-MM.")
@click.option("--months", type=int, default=None, help="Number of sponsored months.")
@click.option("--source", "funding_source", default="", help="Funding source (default: the funder kind's first).")
@click.option("--update-existing", is_flag=True, help="Update workers already registered (default: skip them).")
@click.option("--all-or-nothing", is_flag=True, help="Save nothing if any row is rejected.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
@click.option("--force", is_flag=True, help="Import even if the same file was imported before.")
@click.option("--as", "as_user", default=None, help="Act as this user (their scope applies); default: national administrator.")
@click.option("--map", "mappings", multiple=True, metavar="HEADER=FIELD",
              help="Map a column by its header, e.g. --map 'No KTP=nik'. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
def workers(file, village_code, district_code, default_segment, funder_id, programs, start, months,
            funding_source, update_existing, all_or_nothing, dry_run, force, as_user, mappings, as_json):
    """Check a worker list row by row and register the valid rows (see docs/imports.md)."""
    from django.utils.translation import gettext as _

    from lindung.accounts.access import Access
    from lindung.accounts.models import User

    from .columns import BY_KEY, header_key
    from .pipeline import Options
    from .services import create_job, discard_job, earlier_import_of_same_file, queue_job, run_job

    if as_user:
        user = User.objects.filter(username=as_user, is_active=True).first()
        if user is None:
            raise click.ClickException(_("No active user %(name)s.") % {"name": as_user})
        access = Access(user)
    else:
        access = Access.console()
    options = Options(update_existing=update_existing, all_or_nothing=all_or_nothing, dry_run=dry_run,
                      village_code=village_code.replace(".", ""), district_code=district_code.replace(".", ""),
                      default_segment=default_segment, funder_id=funder_id,
                      programs=[p.strip().lower() for p in programs.split(",") if p.strip()],
                      start_month=_month(start), months=months, funding_source=funding_source)
    job = create_job(access, file, options=options)
    mapping = dict(job.mapping)
    for item in mappings:
        header, _sep, field = item.rpartition("=")
        if field not in BY_KEY and field != "":
            raise click.ClickException(_("Unknown field %(field)s; choose from %(fields)s.")
                                       % {"field": field, "fields": ", ".join(BY_KEY)})
        index = next((str(i) for i, h in enumerate(job.headers) if header_key(h) == header_key(header)), None)
        if index is None:
            raise click.ClickException(_("No column headed %(header)s.") % {"header": header})
        mapping = {k: v for k, v in mapping.items() if v != field}
        mapping[index] = field
    earlier = earlier_import_of_same_file(job)
    if earlier is not None and not force and not dry_run:
        discard_job(job)
        raise click.ClickException(_(
            "This file was already imported (import #%(id)s on %(date)s); nothing new to do. "
            "Use --force to run it again.") % {"id": earlier.pk, "date": moment(earlier.created_at)})
    queue_job(access, job, mapping, options)

    started = time.monotonic()
    job = run_job(job, access=access)
    report = job_report(job)
    report["seconds"] = round(time.monotonic() - started, 2)
    if as_json:
        emit(report, True)
    else:
        click.echo(text_report(report))
    if job.status == "failed":
        sys.exit(2)
    if report["rejected"]:
        sys.exit(1)


def job_report(job) -> dict:
    counts = job.counts or {}
    errors = [i.as_dict() for i in job.issues.order_by("row", "id")]
    return {
        "job": job.pk, "file": job.original_name, "status": job.status, "outcome": job.outcome,
        "rows": counts.get("rows", 0), "accepted": counts.get("accepted", 0), "rejected": counts.get("rejected", 0),
        "created": counts.get("created", 0), "updated": counts.get("updated", 0),
        "unchanged": counts.get("unchanged", 0), "skipped": counts.get("skipped", 0),
        "flagged": counts.get("flagged", 0), "sponsorships": counts.get("sponsorships", 0),
        "errors": [e for e in errors if e["severity"] == "error"],
        "review": [e for e in errors if e["severity"] == "review"],
        "notices": [e for e in errors if e["severity"] == "notice"],
        "failure": job.error,
    }


def text_report(report: dict) -> str:
    from django.utils.translation import gettext as _

    from lindung.formatting import label, number

    from .models import Outcome, Status

    # People read the status and outcome by their labels and the counts as numbers; the codes of the
    # findings stay in --json (the message says what is wrong).
    shown = report | {k: number(report[k]) for k in ("rows", "accepted", "created", "updated", "skipped", "rejected",
                                                     "flagged")}
    shown |= {"status": label(Status, report["status"]), "outcome": label(Outcome, report["outcome"])}
    lines = [(_("Import #%(job)s %(file)s: %(status)s (%(outcome)s)") if report["outcome"]
              else _("Import #%(job)s %(file)s: %(status)s")) % shown,
             _("%(rows)s rows: %(accepted)s accepted (%(created)s new, %(updated)s updated, %(skipped)s already "
               "registered), %(rejected)s rejected, %(flagged)s to review.") % shown]
    if report.get("failure"):
        lines.append(report["failure"])
    for item in report["errors"][:200]:
        lines.append(_("  row %(row)s, %(column)s: %(message)s") % (item | {"row": number(item["row"])}))
    if len(report["errors"]) > 200:
        lines.append(_("  … %(n)d more (use --json for all)") % {"n": len(report["errors"]) - 200})
    for item in report["review"][:50]:
        lines.append(_("  review row %(row)d, %(column)s: %(message)s") % item)
    return "\n".join(lines)


@click.command()
@click.option("--once", is_flag=True, help="Run the queued imports, then exit.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the queue.")
def worker(once, poll):
    """Run queued imports, large reports and the daily sponsorship lifecycle in the background; start as
    many as the load needs, on any machines sharing the database (docs/deployment.md)."""
    import os
    import socket

    from .worker import work

    name = f"{socket.gethostname()}:{os.getpid()}:worker"
    click.echo(f"Lindung import worker {name} (Ctrl+C to stop)")
    try:
        done = work(name, poll=poll, once=once, periodic_jobs=True)
    except KeyboardInterrupt:
        return
    click.echo(f"{done} import(s) run.")


@import_group.command(name="retry")
@click.argument("job_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
def retry(job_id, as_json):
    """Run an interrupted import again, in the foreground (nothing of it had been saved)."""
    from django.utils.translation import gettext as _

    from . import lifecycle
    from .models import ImportJob
    from .services import run_job

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise click.ClickException(_("No import #%(id)s.") % {"id": job_id})
    job = lifecycle.refresh(job)
    if not lifecycle.retry(job):
        raise click.ClickException(_("Import #%(id)s is %(status)s; only an interrupted import can be run again.")
                                   % {"id": job.pk, "status": job.get_status_display()})
    started = time.monotonic()
    job = run_job(job.pk)
    report = job_report(job)
    report["seconds"] = round(time.monotonic() - started, 2)
    emit(report, True) if as_json else click.echo(text_report(report))
    if job.status == "failed":
        sys.exit(2)


@import_group.command(name="purge-uploads")
@click.option("--days", type=int, default=None,
              help="Keep uploads of jobs finished in the last DAYS days (default: LINDUNG_UPLOAD_RETENTION_DAYS).")
def purge_uploads(days):
    """Delete uploaded lists (and their error reports) of imports finished long ago; jobs and findings stay."""
    from django.utils.translation import gettext as _

    from .retention import purge_uploads as purge

    purged = purge(days=days)
    click.echo(_("%(count)d uploaded file(s) deleted.") % {"count": purged})


commands = [import_group, worker]
