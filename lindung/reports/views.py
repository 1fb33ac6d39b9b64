"""Pages: the catalogue with a form per report, a run's progress (polled with htmx), downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.errors import DomainError, to_form, to_messages
from lindung.paging import page_of

from .catalogue import available, catalogue, default_region
from .regulations import RegulationForm, add_regulation, remove_regulation, visible_regulations
from .services import ReportRefused, fetch, get_report, request_report, visible_runs


@login_required
def report_list(request, forms=None):
    access = request.access
    access.require("report.view")
    reports = [(r, (forms or {}).get(r.name) or r.form(access)) for r in available(access)]
    page = page_of(request, visible_runs(access).select_related("created_by"), 20)
    return render(request, "reports/list.html", {"reports": reports, "page": page})


@login_required
@require_POST
def request_form(request, name):
    access = request.access
    try:
        report = get_report(access, name)
    except ReportRefused:
        raise Http404 from None
    form = report.form(access, request.POST)
    if not form.is_valid():
        response = report_list(request, forms={name: form})
        response.status_code = 422
        return response
    try:
        run = request_report(access, name, request.POST.dict())
    except DomainError as exc:
        to_messages(request, exc)
        return redirect("reports")
    return redirect("report-run", pk=run.pk)


def _run(request, pk):
    run = visible_runs(request.access).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    return render(request, "reports/run.html", {"run": run, "report": _report_or_none(request.access, run)})


@login_required
def run_progress(request, pk):
    return render(request, "reports/_progress.html", {"run": _run(request, pk)})


@login_required
def download(request, pk):
    try:
        run = fetch(request.access, pk)
    except DomainError as exc:
        to_messages(request, exc)
        return redirect("report-run", pk=pk)
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file_name)


def _report_or_none(access, run):
    return catalogue().get(run.report)




@login_required
def regulations(request):
    """The regulations of the user's area, and (with ``regulation.edit``) a form to enter one."""
    access = request.access
    access.require("report.view")
    may_edit = access.can("regulation.edit")
    form = RegulationForm(request.POST or None, initial={"region_code": default_region(access)})
    if request.method == "POST":
        access.require("regulation.edit")
        if form.is_valid():
            try:
                add_regulation(access, region_code=form.cleaned_data["region_code"],
                               **{k: form.cleaned_data[k] for k in ("kind", "number", "title", "issued_on")})
                messages.success(request, _("Regulation saved."))
                return redirect("report-regulations")
            except DomainError as exc:
                to_form(form, exc)
    rows = visible_regulations(access).select_related("region", "created_by")
    return render(request, "reports/regulations.html", {"form": form if may_edit else None, "rows": rows})


@login_required
@require_POST
def regulation_delete(request, pk):
    row = visible_regulations(request.access).filter(pk=pk).first()
    if row is None:
        raise Http404
    try:
        remove_regulation(request.access, row)
        messages.success(request, _("Regulation removed."))
    except DomainError as exc:
        to_messages(request, exc)
    return redirect("report-regulations")
