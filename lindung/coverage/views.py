"""Coverage pages: dashboards per region with drill-down, a worker's cover, corrections, snapshots."""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.routing import replica_view
from lindung.audit import services as audit
from lindung.billing.models import InvoiceLine
from lindung.errors import DomainError, InvalidInput, to_messages
from lindung.formatting import number
from lindung.funding.models import FunderKind
from lindung.months import MonthField, month_from_index, month_index, this_month
from lindung.people.models import Ecosystem, Segment
from lindung.regions.models import Region

from . import charts, filters
from .forms import CorrectionForm, SnapshotForm
from .indicators import check_region, home_region, indicators, last_complete_month, trend
from .models import CoverageCorrection, CoveredMonth, SnapshotRun, Status
from .services import add_correction, payers, worker_summary
from .snapshots import take_snapshot

LABELS = {"segment": dict(Segment.choices), "ecosystem": dict(Ecosystem.choices), "funder_kind": dict(FunderKind.choices)}


def selected_month(request) -> dt.date:
    text = request.GET.get("month", "")
    try:
        return MonthField(required=False).clean(text) or this_month()
    except ValidationError:
        return this_month()


def dashboard_month(request) -> tuple[dt.date, bool]:
    """The month a dashboard shows, and whether it was chosen for the user: without ``?month`` it is the
    last complete month, never the running one (whose count grows until contributions are due)."""
    if request.GET.get("month"):
        return selected_month(request), False
    return last_complete_month(), True


@login_required
@replica_view
def coverage_home(request):
    code = home_region(request.access)
    return redirect("coverage-region", code=code) if code else redirect("coverage-national")


@login_required
@replica_view
def region_dashboard(request, code=""):
    access = request.access
    code = check_region(access, code)
    month, defaulted = dashboard_month(request)
    running = this_month()
    choices = filters.offered(access)
    try:
        access, applied = filters.narrowed(access, request.GET)
    except InvalidInput as exc:
        to_messages(request, exc)
        applied = {}
    for f in choices:
        f["selected"] = applied.get(f["name"], "")
    data = indicators(code, month, access)
    data["children"] = [c for c in data["children"] if access.region_visible(c["code"])]
    months = [month_from_index(month_index(month) - i) for i in range(11, -1, -1)]
    series = trend(code, months, access)
    region = Region.objects.filter(code=code).first() if code else None
    breakdowns = [(_("By segment"), charts.bar_rows([(LABELS["segment"].get(k, k), v)
                                                     for k, v in data["by_segment"].items()])),
                  (_("By ecosystem"), charts.bar_rows([(LABELS["ecosystem"].get(k, k), v)
                                                       for k, v in data["by_ecosystem"].items()])),
                  (_("By funder"), charts.bar_rows([(LABELS["funder_kind"].get(k, k), v)
                                                    for k, v in data["by_funder_kind"].items()]))]
    top = max([c["coverage_pct"] or 0 for c in data["children"]] + [data["coverage_pct"] or 0, 1])
    for child in data["children"]:
        child["bar"] = round(100 * (child["coverage_pct"] or 0) / top, 2)
    return render(request, "coverage/dashboard.html", {
        "data": data, "region": region, "ancestors": region.ancestors() if region else [],
        "month": month, "month_defaulted": defaulted, "month_running": month >= running,
        "last_complete": last_complete_month(),
        "previous": month_from_index(month_index(month) - 1),
        "next": month_from_index(month_index(month) + 1), "chart": charts.column_chart(series),
        "series": series, "breakdowns": breakdowns, "filters": choices, "filtered": bool(applied),
        "keep": "".join(f"&{name}={quote(value)}" for name, value in applied.items()),
        "own_bar": round(100 * (data["coverage_pct"] or 0) / top, 2),
        "parent_bar": round(100 * ((data["parent"] or {}).get("coverage_pct") or 0) / top, 2),
    })


@login_required
def worker_cover_card(request, pk):
    """The worker page's cover box (status, paid through, who pays), drawn by the coverage app."""
    access = request.access
    access.require("coverage.view")
    worker = get_object_or_404(access.workers(), pk=pk)
    summary = worker_summary(worker, this_month())
    return render(request, "coverage/_worker_card.html", {
        "worker": worker, "summary": summary, "status_label": Status(summary["status"]).label,
        "payers": payers(worker, this_month())})


@login_required
def worker_cover(request, pk):
    access = request.access
    access.require("coverage.view")
    worker = get_object_or_404(access.workers().select_related("village"), pk=pk)
    audit.record(request.user, audit.Action.VIEW, worker, region_code=worker.village_id, summary="page:/coverage/")
    month = selected_month(request)
    summary = worker_summary(worker, month)
    billed = (InvoiceLine.objects.filter(worker=worker).order_by().values("month")
              .annotate(lines=Count("id"), unpaid=Count("id", filter=Q(paid__lt=F("amount"))), paid_on=Max("paid_on")))
    billed = {row["month"]: row for row in billed}
    covered = set(CoveredMonth.objects.filter(worker=worker).values_list("month", flat=True))
    calendar = []
    if billed or covered:
        first = min(list(billed) + list(covered))
        last = max(list(billed) + list(covered) + [month])
        for i in range(month_index(first), month_index(last) + 1):
            m = month_from_index(i)
            row = billed.get(m)
            if m in covered:
                state, label = "covered", _("covered")
            elif row is None:
                state, label = "none", _("not billed")
            elif row["unpaid"]:
                state, label = "unpaid", _("unpaid")
            else:
                state, label = "late", _("paid after a lapse: not cover")
            calendar.append({"month": m, "state": state, "label": label,
                             "paid_on": row["paid_on"] if row else None})
    return render(request, "coverage/worker.html", {
        "worker": worker, "nik": access.nik_for_display(worker), "summary": summary, "calendar": calendar,
        "status_label": Status(summary["status"]).label,
        "corrections": CoverageCorrection.objects.filter(worker=worker).select_related("made_by"),
        "form": CorrectionForm() if access.can("coverage.correct") else None,
    })


@login_required
@require_POST
def worker_correct(request, pk):
    access = request.access
    worker = get_object_or_404(access.workers(), pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            add_correction(access, worker, **form.cleaned_data)
            messages.success(request, _("Correction saved; cover recomputed."))
        except (PermissionDenied, DomainError) as exc:
            to_messages(request, exc)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("coverage-worker", pk=worker.pk)


@login_required
def snapshots(request):
    access = request.access
    access.require("coverage.view")
    form = SnapshotForm(request.POST or None)
    if request.method == "POST":
        access.require("coverage.snapshot")
        if form.is_valid():
            run = take_snapshot(access, form.cleaned_data["month"])
            messages.success(request, _("Snapshot %(month)s taken: %(active)s active members.") % {
                "month": run.month.strftime("%Y-%m"), "active": number(run.active)})
            return redirect("coverage-snapshots")
    return render(request, "coverage/snapshots.html", {"form": form, "runs": SnapshotRun.objects.all()[:60]})
