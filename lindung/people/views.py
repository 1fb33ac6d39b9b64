from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.errors import to_form
from lindung.formatting import rupiah
from lindung.paging import page_of
from lindung.routing import replica_view
from lindung.tabular import DATE, ID, NUMBER, Column, export_response

from .forms import WorkerForm, WorkerSearchForm
from .models import Worker
from .nik import FLAG_LABELS
from .services import WorkerInvalid, open_worker, register_worker, search_workers, update_worker


@login_required
@replica_view
def worker_list(request):
    form = WorkerSearchForm(request.GET or None)
    q = request.GET.get("q", "")
    region = request.GET.get("region", "")
    flagged = request.GET.get("flagged") == "1"
    workers = search_workers(request.access, q=q, region=region, flagged=flagged)
    page = page_of(request, workers, 50)
    request.access.disclose(page.object_list, door="page:/workers/")
    return render(request, "people/worker_list.html", {"form": form, "page": page, "q": q, "region": region,
                                                        "flagged": flagged})


def _shown_value(field: str, value):
    """Values of the worker's history that are more than a code: money and NIK flags."""
    if field == "declared_income":
        return rupiah(value)
    if field == "nik_flags":
        return ", ".join(str(FLAG_LABELS.get(code, code)) for code in value)
    return None


def _save(request, form, worker=None):
    try:
        if worker is None:
            return register_worker(request.access, form.cleaned_data)
        return update_worker(request.access, worker, form.cleaned_data)
    except WorkerInvalid as exc:
        to_form(form, exc)
    return None


@login_required
def worker_create(request):
    request.access.require("worker.create")
    initial = {}
    if len(request.access.region_codes) == 1 and len(request.access.region_codes[0]) == 10:
        initial["village_code"] = request.access.region_codes[0]
    form = WorkerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        worker = _save(request, form)
        if worker:
            messages.success(request, _("Worker %(name)s registered.") % {"name": worker.name})
            for warning in worker.nik_flags:
                messages.warning(request, _("NIK needs review: %(code)s") % {"code": warning})
            return redirect("worker-detail", pk=worker.pk)
    return render(request, "people/worker_form.html", {"form": form, "creating": True})


@login_required
def worker_detail(request, pk):
    worker = open_worker(request.access, pk)
    trail = list(request.access.worker_trail(worker)[:50])
    for entry in trail:
        entry.described = audit.describe_changes(Worker, entry.changes, _shown_value)
    return render(request, "people/worker_detail.html", {
        "worker": worker, "nik": request.access.nik_for_display(worker),
        "person": request.access.worker_view(worker), "shown": request.access.worker_fields,
        "ancestors": worker.village.ancestors(), "trail": trail,
        "can_edit": request.access.can_edit(worker),
    })


@login_required
def worker_edit(request, pk):
    worker = get_object_or_404(request.access.workers(), pk=pk)
    if not request.access.can_edit(worker):
        request.access.require("worker.edit")
    initial = {f: getattr(worker, f) for f in WorkerForm.base_fields if f != "village_code"}
    initial["village_code"] = worker.village_id
    form = WorkerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, worker)
        if saved:
            messages.success(request, _("Changes saved."))
            return redirect("worker-detail", pk=worker.pk)
    return render(request, "people/worker_form.html", {"form": form, "worker": worker})


@login_required
@replica_view
def worker_export(request):
    """The workers the user may see, as CSV or XLSX (``?format=xlsx``), through the one tabular writer:
    headers and labels in the user's language, NIKs as text, and only the fields the role may see
    (``Access.worker_view``: masked NIK, no birth date, sex or income for donors). The export is one
    audit entry listing every exported worker."""
    access = request.access
    access.require("worker.export")
    workers = search_workers(access, q=request.GET.get("q", ""), region=request.GET.get("region", ""))
    access.disclose(workers.values_list("id", flat=True).iterator(chunk_size=5000), door="export:/workers/export",
                    export=True)
    field = Worker._meta.get_field
    columns = [Column(capfirst(field("nik").verbose_name), ID), Column(capfirst(field("name").verbose_name)),
               Column(capfirst(field("birth_date").verbose_name), DATE), Column(capfirst(field("sex").verbose_name)),
               Column(_("Village code"), ID), Column(capfirst(field("village").verbose_name)),
               Column(capfirst(field("occupation").verbose_name)), Column(capfirst(field("segment").verbose_name)),
               Column(capfirst(field("ecosystem").verbose_name)),
               Column(capfirst(field("declared_income").verbose_name), NUMBER), Column(_("Age"))]

    def rows():
        for w in workers.order_by("id").iterator(chunk_size=2000):
            view = access.worker_view(w)
            yield [view["nik"], w.name, view["birth_date"], w.get_sex_display() if view["sex"] else None,
                   w.village_id, w.village.name, w.occupation, w.get_segment_display(), w.get_ecosystem_display(),
                   view["declared_income"], view["age_band"]]

    return export_response(request, "lindung-workers", columns, rows(), title=_("Workers"))
