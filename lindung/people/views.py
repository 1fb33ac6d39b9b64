import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lindung.audit import services as audit

from .forms import WorkerForm, WorkerSearchForm
from .models import Worker
from .services import WorkerInvalid, register_worker, search_workers, update_worker


@login_required
def worker_list(request):
    form = WorkerSearchForm(request.GET or None)
    q = request.GET.get("q", "")
    region = request.GET.get("region", "")
    workers = search_workers(request.access, q=q, region=region)
    page = Paginator(workers, 50).get_page(request.GET.get("page"))
    return render(request, "people/worker_list.html", {"form": form, "page": page, "q": q, "region": region})


def _save(request, form, worker=None):
    try:
        if worker is None:
            return register_worker(request.access, form.cleaned_data)
        return update_worker(request.access, worker, form.cleaned_data)
    except WorkerInvalid as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
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
    worker = get_object_or_404(request.access.workers().select_related("village", "registered_by"), pk=pk)
    if request.access.sees_full_nik():
        audit.record(request.user, audit.Action.VIEW, worker, region_code=worker.village_id)
    trail = request.access.audit_entries(audit.trail(worker))[:50]
    return render(request, "people/worker_detail.html", {
        "worker": worker, "nik": request.access.nik_for_display(worker),
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


class _Echo:
    def write(self, value):
        return value


@login_required
def worker_export(request):
    """CSV of the workers the user may see (NIKs masked for roles that may not see them)."""
    request.access.require("worker.export")
    workers = search_workers(request.access, q=request.GET.get("q", ""), region=request.GET.get("region", ""))
    full = request.access.sees_full_nik()
    audit.record(request.user, audit.Action.EXPORT, request.user, summary=f"workers q={request.GET.urlencode()}")
    writer = csv.writer(_Echo())
    header = ["nik", "name", "birth_date", "sex", "village_code", "occupation", "segment", "ecosystem",
              "declared_income"]

    def rows():
        yield writer.writerow(header)
        for w in workers.order_by("id").iterator(chunk_size=2000):
            yield writer.writerow([w.nik if full else w.masked_nik, w.name, w.birth_date.isoformat(), w.sex,
                                   w.village_id, w.occupation, w.segment, w.ecosystem, w.declared_income])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lindung-workers.csv"'
    return response
