"""Requesting, generating and fetching reports.

``request_report`` checks the permission and the parameters (one form for every door), records a
``ReportRun`` and — for a small report — generates it at once; a large one is queued for the
background worker. ``generate`` builds the document through the report's module (which reads
through the access layer of the user who asked), writes the file, and records the generation in the
audit trail together with its parameters.
"""

import logging
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.accounts.access import Access
from lindung.audit import services as audit
from lindung.errors import InvalidInput
from lindung.processes import heartbeat
from lindung.routing import replica_reads

from . import pdf, xlsx
from .catalogue import Report, as_json, catalogue, from_json
from .models import ReportRun, Status

log = logging.getLogger(__name__)
RENDERERS = {"xlsx": xlsx.render, "pdf": pdf.render}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}


class ReportRefused(InvalidInput):
    """The request cannot be served; ``messages`` say why (one per bad parameter), in the active language."""

    def __init__(self, messages: list[str], field: str = ""):
        lines = [str(m) for m in messages]
        super().__init__(" ".join(lines), field, lines=lines, errors=lines)


def get_report(access: Access, name: str) -> Report:
    report = catalogue().get(name)
    if report is None:
        unknown = ReportRefused([_("There is no report called “%(name)s”.") % {"name": name}])
        unknown.status = 404  # like any other address with nothing behind it
        raise unknown
    access.require(report.permission)
    return report


def clean_parameters(access: Access, report: Report, data: dict) -> tuple[dict, str]:
    form = report.form(access, {**{k: v for k, v in data.items() if v is not None}})
    if not form.is_valid():
        raise ReportRefused([f"{form.fields[f].label if f in form.fields else f}: {m}"
                             for f, errors in form.errors.items() for m in errors])
    return as_json(form.cleaned_data), form.cleaned_data["format"]


def request_report(access: Access, name: str, data: dict, *, language: str | None = None,
                   background: bool | None = None) -> ReportRun:
    """Check and record a request; generate it now unless it is large (or ``background`` is asked)."""
    report = get_report(access, name)
    params, fmt = clean_parameters(access, report, data)
    if report.check is not None:
        report.check(access, from_json(report, params))
    user = access.user if getattr(access.user, "is_authenticated", False) else None
    run = ReportRun.objects.create(report=name, params=params, format=fmt, created_by=user,
                                   language=language or translation.get_language() or settings.LANGUAGE_CODE,
                                   region_code=params.get("region", ""))
    if background is None:
        background = report.size is not None and report.size(access, from_json(report, params)) > settings.REPORTS_BACKGROUND_ROWS
    if not background:
        generate(run, access=access)
        run.refresh_from_db()
    return run


def access_for(run: ReportRun) -> Access:
    if run.created_by_id is None:
        return Access.console()
    return Access(run.created_by)


class _Progress:
    def __init__(self, run: ReportRun):
        self.run_id, self.last = run.pk, 0.0

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            ReportRun.objects.filter(pk=self.run_id).update(rows_done=rows, heartbeat_at=timezone.now())


def file_name(run: ReportRun) -> str:
    parts = ["lindung", run.report, run.params.get("region") or "id", run.params.get("period", ""),
             str(run.params.get("year", "") or "")]
    return "-".join(p for p in parts if p) + f".{run.format}"


def generate(run: ReportRun, *, access: Access | None = None) -> ReportRun:
    """Build and write the file of ``run``; on failure the run says why and keeps no file."""
    access = access or access_for(run)
    report = catalogue()[run.report]
    now = timezone.now()
    owner = run.claimed_by or heartbeat.owner_name("request")
    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, started_at=run.started_at or now,
                                               heartbeat_at=now, claimed_by=owner)
    progress = _Progress(run)
    mine = ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING, claimed_by=owner)
    try:
        # A report only reads: a replica may serve it (the run's own state stays on the primary).
        with translation.override(run.language), replica_reads(), heartbeat.beating(mine):
            doc = report.build(access, from_json(report, run.params), progress=progress)
            doc.generated_at = timezone.localtime()
            doc.generated_by = _user_label(run)
            total = sum(t.total_rows or 0 for t in doc.tables)
            if total:
                ReportRun.objects.filter(pk=run.pk).update(rows_total=total)
            with tempfile.TemporaryFile() as out:
                if run.format == "xlsx":
                    rows = xlsx.render(doc, out, progress=progress)
                else:
                    pdf.render(doc, out)
                    rows = total
                size = out.tell()
                out.seek(0)
                run.file.save(file_name(run), File(out, name=file_name(run)), save=False)
    except Exception as exc:  # the run records the failure; the caller sees it on the page
        log.exception("report %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(status=Status.FAILED, finished_at=timezone.now(),
                                                   error=str(exc)[:2000] or exc.__class__.__name__)
        run.refresh_from_db()
        return run
    if not mine.update(status=Status.DONE, finished_at=timezone.now(), file=run.file.name, file_name=file_name(run),
                       size=size, rows_done=rows or 0, heartbeat_at=timezone.now()):
        # Judged abandoned meanwhile and taken by another worker: that run finishes it, once.
        run.file.delete(save=False)
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    audit.record(run.created_by, audit.Action.EXPORT, run, region_code=run.region_code,
                 summary=f"report {run.report}.{run.format} {run.params}", changes={"params": run.params})
    return run


def _user_label(run: ReportRun) -> str:
    user = run.created_by
    if user is None:
        return "lindung (CLI)"
    return user.get_full_name() or user.get_username()


def visible_runs(access: Access):
    if access.role is None:
        return ReportRun.objects.none()
    if access.is_national:
        return ReportRun.objects.all()
    return ReportRun.objects.filter(created_by=access.user)


def fetch(access: Access, run_id: int) -> ReportRun:
    """A finished run the user may download (its requester, or the national administrator)."""
    run = visible_runs(access).filter(pk=run_id).first()
    if run is None:
        raise Http404
    if run.status != Status.DONE or not run.file:
        raise ReportRefused([_("The report is not ready yet.")])
    audit.record(access.user, audit.Action.EXPORT, run, region_code=run.region_code,
                 summary=f"download report {run.report}.{run.format} #{run.pk}")
    return run


# --- the background queue (runs inside the import worker loop: `lindung worker`, `lindung serve`) ----

def requeue_stale_runs() -> int:
    """Queue again the runs whose worker died (``processes.heartbeat``: its process is gone, or its
    heartbeat stopped); the next worker generates them afresh."""
    count = 0
    now = timezone.now()
    for run in ReportRun.objects.filter(status=Status.RUNNING).only("id", "claimed_by", "heartbeat_at", "started_at"):
        if heartbeat.abandoned(run.claimed_by, run.heartbeat_at or run.started_at, now):
            count += ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING, claimed_by=run.claimed_by).update(
                status=Status.QUEUED, claimed_by="")
    return count


def run_next(worker_name: str) -> bool:
    """Claim the oldest queued report no other worker is taking and generate it; False when none waits."""
    requeue_stale_runs()
    now = timezone.now()
    run_id = dialect.claim_next(ReportRun.objects.filter(status=Status.QUEUED).order_by("created_at", "id"),
                                status=Status.RUNNING, claimed_by=worker_name[:100], started_at=now, heartbeat_at=now)
    if run_id is None:
        return False
    generate(ReportRun.objects.get(pk=run_id))
    return True
