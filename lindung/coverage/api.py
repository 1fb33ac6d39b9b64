"""Coverage API under /api/v1/coverage: indicators, trends, a worker's cover, corrections, snapshots."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from lindung.routing import replica_view
from lindung.api.fields import Id, MonthRequired, MonthText, Months, RegionText, text
from lindung.months import month_from_index, month_index, parse_month, this_month

from . import filters
from .indicators import check_region, indicators, trend
from .services import add_correction, worker_summary
from .snapshots import take_snapshot

router = Router(tags=["coverage"])


class MonthIn(Schema):
    month: MonthRequired


class CorrectionIn(Schema):
    from_month: MonthRequired
    to_month: MonthRequired
    reason: text(2000)


def _month(text: str) -> dt.date:
    return parse_month(text) if text else this_month()


@router.get("/indicators", summary="Active members, working population, coverage % and breakdowns of a region")
@replica_view
def region_indicators(request, region: RegionText = "", month: MonthText = "", programme: text(16) = ""):
    access = request.access
    code = check_region(access, region)
    access, _applied = filters.narrowed(access, {"programme": programme})
    data = indicators(code, _month(month), access)
    data["children"] = [c for c in data["children"] if access.region_visible(c["code"])]
    return data


@router.get("/trend", summary="Active, new and lapsed members per month")
@replica_view
def region_trend(request, region: RegionText = "", until: MonthText = "", months: Months = 12,
                 programme: text(16) = ""):
    access = request.access
    code = check_region(access, region)
    access, _applied = filters.narrowed(access, {"programme": programme})
    last = _month(until)
    count = max(1, min(months, 60))
    return trend(code, [month_from_index(month_index(last) - i) for i in range(count - 1, -1, -1)], access)


@router.get("/workers/{worker_id}", summary="A worker's cover: status, latest covered month, contribution months")
def worker_cover(request, worker_id: Id, month: MonthText = ""):
    request.access.require("coverage.view")
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    return worker_summary(worker, _month(month))


@router.post("/workers/{worker_id}/corrections", response={201: dict},
             summary="Back-date cover for months paid after a lapse (authorised correction)")
def create_correction(request, worker_id: Id, payload: CorrectionIn):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    correction = add_correction(request.access, worker, from_month=_month(payload.from_month),
                                to_month=_month(payload.to_month), reason=payload.reason)
    return Status(201, {"id": correction.pk, **worker_summary(worker, _month(""))})


@router.post("/snapshots", summary="Freeze a month's coverage counts per region")
def create_snapshot(request, payload: MonthIn):
    run = take_snapshot(request.access, _month(payload.month))
    return {"month": run.month.strftime("%Y-%m"), "rows": run.rows, "active": run.active}
