"""Pages: upload, column mapping, progress (polled with htmx), report, history."""

import tempfile
from contextlib import closing
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.audit import services as audit
from lindung.errors import DomainError, to_form
from lindung.paging import page_of

from . import lifecycle
from .columns import COLUMNS
from .forms import UploadForm
from .inbox import with_rejected_rows
from .models import Severity, Status
from .pipeline import Options
from .readers import UnreadableFile, open_table, text_of
from .report import build_report, people_shown
from .services import (
    create_job, earlier_import_of_same_file, queue_job, visible_jobs,
)

PREVIEW_ROWS = 5


def _job(request, pk):
    return get_object_or_404(visible_jobs(request.access), pk=pk)


@login_required
def job_list(request):
    request.access.require("import.run")
    jobs = visible_jobs(request.access)
    rejected = request.GET.get("rejected") == "1"
    if rejected:
        jobs = with_rejected_rows(jobs)
    page = page_of(request, jobs, 30)
    return render(request, "imports/job_list.html", {"page": page, "rejected": rejected})


def _options(form: UploadForm) -> Options:
    data = form.cleaned_data
    funder = data.get("funder")
    return Options(
        update_existing=data["update_existing"], all_or_nothing=data["all_or_nothing"], dry_run=data["dry_run"],
        village_code=data["village_code"], district_code=data["district_code"],
        default_segment=data["default_segment"], funder_id=funder.pk if funder else None,
        programs=list(data.get("programs") or []) if funder else [],
        start_month=data.get("start_month").replace(day=1) if funder and data.get("start_month") else None,
        months=data.get("months") if funder else None, funding_source=data.get("funding_source") or "",
    )


@login_required
def upload(request):
    access = request.access
    access.require("import.run")
    form = UploadForm(request.POST or None, request.FILES or None, access=access)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        suffix = Path(uploaded.name).suffix[:8]
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                job = create_job(access, handle.name, name=uploaded.name, options=_options(form))
            except DomainError as exc:
                to_form(form, exc)
                return render(request, "imports/upload.html", {"form": form})
        return redirect("import-mapping", pk=job.pk)
    return render(request, "imports/upload.html", {"form": form})


@login_required
def mapping(request, pk):
    job = _job(request, pk)
    if job.status != Status.MAPPING or job.file_purged_at:
        return redirect("import-detail", pk=job.pk)
    error = ""
    if request.method == "POST":
        chosen = {str(i): request.POST.get(f"col{i}", "") for i in range(len(job.headers))}
        try:
            queue_job(request.access, job, {k: v for k, v in chosen.items() if v})
            return redirect("import-detail", pk=job.pk)
        except DomainError as exc:
            error = str(exc)
            job.mapping = {k: v for k, v in chosen.items() if v}
    preview = []
    try:
        with closing(open_table(job.file.path, job.original_name).raw_rows()) as rows:
            for number, values in enumerate(rows, start=1):
                if number > job.header_row:
                    preview.append([text_of(v) for v in values][:len(job.headers)])
                if len(preview) >= PREVIEW_ROWS:
                    break
    except UnreadableFile as exc:
        error = error or str(exc)
    columns = [{"index": i, "header": h, "field": job.mapping.get(str(i), ""),
                "samples": [row[i] if i < len(row) else "" for row in preview]}
               for i, h in enumerate(job.headers)]
    return render(request, "imports/mapping.html", {
        "job": job, "columns": columns, "fields": [(c.key, c.label) for c in COLUMNS], "error": error,
        "earlier": earlier_import_of_same_file(job), "options": Options.from_json(job.options),
    })


@login_required
def detail(request, pk):
    job = lifecycle.refresh(_job(request, pk))
    severity = request.GET.get("show", Severity.ERROR)
    if severity not in Severity.values:
        severity = Severity.ERROR
    issues = job.issues.filter(severity=severity).order_by("row", "id")
    page = page_of(request, issues, 100)
    tabs = []
    if job.finished:  # each tab says how many rows (what the tiles count) and how many findings it lists
        found = {s: (rows, findings) for s, rows, findings in job.issues.order_by().values("severity").annotate(
            rows=Count("row", distinct=True), findings=Count("id")).values_list("severity", "rows", "findings")}
        tabs = [(value, label, *found.get(value, (0, 0))) for value, label in Severity.choices]
    return render(request, "imports/detail.html", {
        "job": job, "page": page, "show": severity, "tabs": tabs, "options": Options.from_json(job.options),
    })


@login_required
def progress(request, pk):
    job = lifecycle.refresh(_job(request, pk))
    response = render(request, "imports/_progress.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the report
    return response


@login_required
@require_POST
def retry(request, pk):
    """Run an interrupted import again (nothing of it was saved); the worker picks it up."""
    job = lifecycle.refresh(_job(request, pk))
    request.access.require("import.run")
    if lifecycle.retry(job):
        messages.success(request, _("Import #%(id)s is queued to run again.") % {"id": job.pk})
    else:
        messages.error(request, _("Only an interrupted import can be run again."))
    return redirect("import-detail", pk=job.pk)


@login_required
def report(request, pk):
    """The error report: the whole list again with its findings, so a disclosure of everyone on it."""
    request.access.require("import.run")
    job = _job(request, pk)
    if not job.finished or job.status != Status.DONE or job.file_purged_at:
        raise Http404
    path = build_report(job)
    audit.record(request.user, audit.Action.EXPORT, job, region_code=job.region_code,
                 summary=_("Error report of import #%(id)s downloaded") % {"id": job.pk})
    workers, unregistered = people_shown(job)
    request.access.disclose(workers, door="export:import report", export=True, unregistered=unregistered,
                            details={"import": job.pk})
    name = f"{Path(job.original_name).stem}-lindung-{job.pk}.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

