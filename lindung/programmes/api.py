"""Programmes API under /api/v1/programmes: programmes, their progress, coverage indicators by programme."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from lindung.api.fields import Budget, Count, Id, MonthRequired, MonthText, RegionText, ids, text
from lindung.funding.scope import visible_funders
from lindung.months import parse_month, this_month

from .services import (attach_lists, create_programme, detach_list, programme_indicators, progress, set_villages,
                       visible_programmes)

router = Router(tags=["programmes"])


class ProgrammeIn(Schema):
    funder_id: Id
    name: text(200)
    legal_basis: text(300) = ""
    start_month: MonthRequired
    end_month: MonthRequired
    target_workers: Count | None = None
    target_segment: text(20) = ""
    budget: Budget | None = None


class VillagesIn(Schema):
    targets: dict[text(10), Count | None]


class ListsIn(Schema):
    list_ids: ids(1000)


def _out(p) -> dict:
    return {"id": p.pk, "name": p.name, "funder_id": p.funder_id, "funder": p.funder.name,
            "legal_basis": p.legal_basis, "start_month": p.start_month.strftime("%Y-%m"),
            "end_month": p.end_month.strftime("%Y-%m"), "target_workers": p.target_workers,
            "target_segment": p.target_segment, "budget": p.budget}


def _month(text: str) -> dt.date:
    return parse_month(text) if text else this_month()


@router.get("", summary="Programmes in scope")
def programmes(request):
    request.access.require("programme.view")
    return [_out(p) for p in visible_programmes(request.access)]


@router.post("", response={201: dict}, summary="Create a programme for a funder you act for")
def create(request, payload: ProgrammeIn):
    funder = get_object_or_404(visible_funders(request.access), pk=payload.funder_id)
    programme = create_programme(request.access, funder, name=payload.name, legal_basis=payload.legal_basis,
                                 start_month=parse_month(payload.start_month, "start_month"),
                                 end_month=parse_month(payload.end_month, "end_month"),
                                 target_workers=payload.target_workers, target_segment=payload.target_segment,
                                 budget=payload.budget)
    return Status(201, _out(programme))


@router.put("/{programme_id}/villages", summary="Villages taking part and their own targets")
def villages(request, programme_id: Id, payload: VillagesIn):
    programme = get_object_or_404(visible_programmes(request.access), pk=programme_id)
    return {"villages": set_villages(request.access, programme, payload.targets)}


@router.post("/{programme_id}/lists", summary="Sponsorship lists that belong to the programme")
def lists(request, programme_id: Id, payload: ListsIn):
    programme = get_object_or_404(visible_programmes(request.access), pk=programme_id)
    return {"attached": attach_lists(request.access, programme, payload.list_ids)}


@router.delete("/{programme_id}/lists/{list_id}", summary="Take a sponsorship list out of the programme")
def detach(request, programme_id: Id, list_id: Id):
    programme = get_object_or_404(visible_programmes(request.access), pk=programme_id)
    detach_list(request.access, programme, list_id)
    return {"detached": list_id}


@router.get("/{programme_id}/progress", summary="Each village's covered workers against its target, budget used")
def programme_progress(request, programme_id: Id, month: MonthText = ""):
    programme = get_object_or_404(visible_programmes(request.access), pk=programme_id)
    return progress(request.access, programme, _month(month))


@router.get("/{programme_id}/indicators", summary="Coverage indicators of a region, the programme's workers only")
def indicators(request, programme_id: Id, region: RegionText = "", month: MonthText = ""):
    programme = get_object_or_404(visible_programmes(request.access), pk=programme_id)
    return programme_indicators(request.access, programme, region or programme.funder.region_id, _month(month))


