import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.http import HttpResponse
from django.utils.translation import gettext as _

from lindung.errors import to_messages

from .forms import WorkingPopulationForm, WorkingPopulationUploadForm
from .loader import WorkingPopulationError, import_working_population
from .models import Level, Population, Region, WorkingPopulation

# For a region at a level, the worker column that names its children.
CHILD_FIELD = {None: "province_code", Level.PROVINCE: "regency_code", Level.REGENCY: "district_code",
               Level.DISTRICT: "village_id"}
OWN_FIELD = {Level.PROVINCE: "province_code", Level.REGENCY: "regency_code", Level.DISTRICT: "district_code",
             Level.VILLAGE: "village_id"}


def worker_counts(access, region: Region | None) -> dict[str, int]:
    """Registered workers the user may see, per child of ``region`` (per province at the top)."""
    level = region.level if region else None
    if level == Level.VILLAGE:
        return {}
    qs = access.workers()
    if region is not None:
        qs = qs.filter(**{OWN_FIELD[level]: region.code})
    child = CHILD_FIELD[level]
    return dict(qs.order_by().values_list(child).annotate(n=Count("id")).values_list(child, "n"))


@login_required
def region_browser(request, code=None):
    access = request.access
    access.require("region.view")
    region = None
    if code:
        region = Region.objects.filter(code=code.replace(".", "")).first()
        if region is None or not access.region_visible(region.code):
            raise Http404
    children = Region.objects.filter(parent=region) if region else Region.objects.filter(level=Level.PROVINCE)
    children = [c for c in children if access.region_visible(c.code)]
    counts = worker_counts(access, region)
    rows = [(c, counts.get(c.code, 0)) for c in children]
    total = access.workers().filter(**{OWN_FIELD[region.level]: region.code}).count() if region \
        else access.workers().count()
    context = {
        "region": region, "rows": rows, "total": total,
        "ancestors": region.ancestors() if region else [],
        "population": Population.objects.filter(region=region).order_by("-year").first() if region else None,
        "working": WorkingPopulation.objects.filter(region=region).order_by("-year")[:5] if region else [],
        "can_edit_working": region is not None and region.level <= Level.DISTRICT
        and access.can("region.working_population.edit") and access.region_in_scope(region.code),
        "form": WorkingPopulationForm(),
    }
    return render(request, "regions/browser.html", context)


@login_required
def working_population_set(request, code):
    region = Region.objects.filter(code=code).first()
    access = request.access
    if region is None:
        raise Http404
    access.require("region.working_population.edit")
    if not access.region_in_scope(region.code):
        raise PermissionDenied(_("This region is outside the regions you are assigned to."))
    form = WorkingPopulationForm(request.POST)
    if form.is_valid():
        WorkingPopulation.objects.update_or_create(
            region=region, year=form.cleaned_data["year"],
            defaults={"count": form.cleaned_data["count"], "source": form.cleaned_data["source"],
                      "entered_by": request.user},
        )
        messages.success(request, _("Working population saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("region-detail", code=region.code)


@login_required
def working_population_upload(request):
    access = request.access
    access.require("region.working_population.edit")
    form = WorkingPopulationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        outside = [r for r in rows if not access.region_in_scope((r.get("code") or r.get("kode") or "").replace(".", ""))]
        if outside:
            messages.error(request, _("The file has regions outside the regions you are assigned to."))
        else:
            try:
                count = import_working_population(rows, user=request.user)
                messages.success(request, _("%(count)d working-population figures saved.") % {"count": count})
                return redirect("regions")
            except WorkingPopulationError as exc:
                to_messages(request, exc)
    return render(request, "regions/working_upload.html", {"form": form})


@login_required
def region_lookup(request):
    """<option>s for the village picker: by code prefix or by name, villages only."""
    q = (request.GET.get("village_code") or request.GET.get("q") or "").replace(".", "").strip()
    villages = Region.objects.none()
    if len(q) >= 3:
        villages = Region.objects.filter(level=Level.VILLAGE)
        villages = villages.filter(code__startswith=q) if q.isdigit() else villages.filter(name__icontains=q)
        villages = [v for v in villages.select_related("parent__parent")[:40]
                    if request.access.is_national or request.access.region_in_scope(v.code)
                    or not request.access.region_codes][:20]
    html = format_html_join("", '<option value="{}">{} — {}, {}</option>',
                            ((v.code, v.name, v.parent.name, v.parent.parent.name) for v in villages))
    return HttpResponse(html)
