"""Funding API under /api/v1/funding: funders, budgets, lists, sponsorships, pool, matching, reports.

Rows come from ``lindung.funding.scope`` (the access layer); changes go through the same service
functions as the pages. Domain refusals answer 409/422 with ``detail`` and structured fields.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lindung.api.fields import Budget, Count, Day, Days, Id, Limit, Page, Programs, RegionCode, RegionText, choice, Year, ids, page_size, text
from lindung.routing import replica_view

from . import approval, budget as budgets, funders, impact, lifecycle, matching, sponsorships
from .kinds import allowed_sources
from .matching import MatchRequest
from .models import BatchState, FunderKind, SponsorshipState
from .pricing import QuoteCache
from .scope import budget_funders, visible_batches, visible_funders, visible_sponsorships

router = Router(tags=["funding"])


class FunderOut(Schema):
    id: int
    kind: str
    name: str
    region_code: str | None
    agent: str | None
    wadah: str


class FunderIn(Schema):
    kind: choice(["province", "regency", "village", "company", "donor", "sertakan"]) = Field(
        description="province, regency, village, company, donor or sertakan")
    name: text(200)
    region_code: RegionCode | None = None
    wadah: text(100) = ""


class BudgetIn(Schema):
    fiscal_year: Year
    source: text(16)
    amount: Budget = Field(description="Allocation in whole rupiah")
    note: text(300) = ""


class BudgetOut(Schema):
    id: int
    funder_id: int
    fiscal_year: int
    source: str
    amount: int
    committed: int
    spent: int | None = Field(description="Payments allocated by billing; null until billing is installed")
    remaining: int
    note: str


class BatchOut(Schema):
    id: int
    funder_id: int
    funder: str
    origin: str
    state: str
    proposed_by: str | None
    approved_by: str | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    note: str
    sponsorships: int


class ImpactLine(Schema):
    fiscal_year: int
    source: str
    needed: int
    budget: int | None
    remaining: int | None
    shortfall: int | None


class BatchDetail(BatchOut):
    budget_impact: list[ImpactLine]


class ProposeIn(Schema):
    funder_id: Id
    worker_ids: ids()
    programs: Programs = ["jkk", "jkm"]
    start_month: Day = Field(description="Any day of the first month")
    months: Count
    funding_source: text(16)
    note: text(300) = ""
    skip_covered: bool = Field(False, description="Leave out workers who already have a payer")


class ProposeOut(BatchOut):
    skipped_worker_ids: list[int]


class SponsorshipOut(Schema):
    id: int
    funder_id: int
    funder: str
    worker_id: int
    nik: str
    worker_name: str
    village_code: str
    programs: str
    funding_source: str
    start_month: dt.date
    end_month: dt.date
    months: int
    monthly_amount: int
    state: str
    batch_id: int | None
    continued_by_id: int | None


class SponsorshipPage(Schema):
    count: int
    page: int
    results: list[SponsorshipOut]


class HandoverIn(Schema):
    months: Count = 12
    wadah: text(100) = ""


class CancelIn(Schema):
    reason: text(2000) = ""


class PoolIn(Schema):
    worker_ids: ids()
    note: text(300) = ""


class PoolEntryOut(Schema):
    id: int
    worker_id: int
    nik: str
    worker_name: str
    village_code: str
    since: dt.datetime
    proposed_by: str | None
    note: str


class MatchIn(Schema):
    funder_id: Id
    count: Count
    months: Count
    start_month: Day
    programs: Programs = ["jkk", "jkm"]
    region: RegionText = ""
    segment: text(20) = ""
    occupation: text(100) = ""


class ConfirmIn(MatchIn):
    worker_ids: ids()


def _batch(b, n: int | None = None) -> dict:
    return {"id": b.pk, "funder_id": b.funder_id, "funder": b.funder.name, "origin": b.origin, "state": b.state,
            "proposed_by": b.proposed_by.username if b.proposed_by else None,
            "approved_by": b.approved_by.username if b.approved_by else None, "approved_at": b.approved_at,
            "created_at": b.created_at, "note": b.note,
            "sponsorships": n if n is not None else b.sponsorships.count()}


def _sponsorship(access, s) -> dict:
    return {"id": s.pk, "funder_id": s.funder_id, "funder": s.funder.name, "worker_id": s.worker_id,
            "nik": access.nik_for_display(s.worker), "worker_name": s.worker.name, "village_code": s.worker.village_id,
            "programs": s.programs, "funding_source": s.funding_source, "start_month": s.start_month,
            "end_month": s.end_month, "months": s.months, "monthly_amount": s.monthly_amount, "state": s.state,
            "batch_id": s.batch_id, "continued_by_id": s.continued_by_id}


def _funder(f) -> dict:
    return {"id": f.pk, "kind": f.kind, "name": f.name, "region_code": f.region_id,
            "agent": f.agent.username if f.agent else None, "wadah": f.wadah}


# --- funders and budgets ---------------------------------------------------------------------------

@router.get("/funders", response=list[FunderOut], summary="Funders you may see")
def list_funders(request, kind: text(20) = ""):
    qs = visible_funders(request.access).select_related("agent")
    if kind:
        qs = qs.filter(kind=kind)
    return [_funder(f) for f in qs.order_by("kind", "name")[:1000]]


@router.post("/funders", response={201: FunderOut}, summary="Register a government, village, company or donor")
def create_funder(request, payload: FunderIn):
    funder = funders.create_funder(request.access, kind=payload.kind, name=payload.name,
                                   region_code=payload.region_code, wadah=payload.wadah)
    return Status(201, _funder(funder))


@router.get("/funders/{funder_id}", response=FunderOut)
def get_funder(request, funder_id: Id):
    return _funder(get_object_or_404(visible_funders(request.access).select_related("agent"), pk=funder_id))


@router.get("/funders/{funder_id}/budgets", response=list[BudgetOut], summary="Allocation, committed, spent, remaining")
def list_budgets(request, funder_id: Id):
    funder = get_object_or_404(visible_funders(request.access), pk=funder_id)
    if not budget_funders(request.access).filter(pk=funder.pk).exists():
        raise PermissionDenied(_("Only the funder's own people see its budget."))
    cache = QuoteCache()
    return [budgets.summary(b, cache) for b in funder.budgets.order_by("-fiscal_year", "source")]


@router.put("/funders/{funder_id}/budgets", response=BudgetOut, summary="Enter or change a fiscal year's allocation")
def set_budget(request, funder_id: Id, payload: BudgetIn):
    funder = get_object_or_404(visible_funders(request.access), pk=funder_id)
    row = budgets.set_budget(request.access, funder, **payload.dict())
    return budgets.summary(row)


@router.get("/funders/{funder_id}/impact", summary="What the funder's money did: workers, months, cost")
def funder_impact(request, funder_id: Id):
    funder = get_object_or_404(visible_funders(request.access), pk=funder_id)
    return impact.funder_impact(request.access, funder)


# --- lists -------------------------------------------------------------------------------------------

@router.get("/lists", response=list[BatchOut], summary="Sponsorship lists you may see")
def list_batches(request, state: text(64) = "", funder_id: Id | None = None):
    qs = visible_batches(request.access).select_related("funder", "proposed_by", "approved_by")
    if state in BatchState.values:
        qs = qs.filter(state=state)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    qs = qs.annotate(n=models.Count("sponsorships"))  # Count alone is the API's parameter type.order_by("-created_at", "-id")[:500]
    return [_batch(b, b.n) for b in qs]


@router.post("/lists", response={201: ProposeOut}, summary="Propose a list (waits for approval)")
def propose(request, payload: ProposeIn):
    funder = get_object_or_404(visible_funders(request.access), pk=payload.funder_id)
    batch = sponsorships.propose_sponsorships(request.access, funder, payload.worker_ids, payload.programs,
                                              payload.start_month, payload.months, payload.funding_source, payload.note,
                                              skip_covered=payload.skip_covered)
    return Status(201, _batch(batch) | {"skipped_worker_ids": batch.skipped_worker_ids})


@router.get("/lists/{list_id}", response=BatchDetail)
def get_batch(request, list_id: Id):
    batch = get_object_or_404(visible_batches(request.access).select_related("funder"), pk=list_id)
    lines = budgets.budget_impact(batch) if batch.state == BatchState.PROPOSED else []
    return _batch(batch) | {"budget_impact": lines}


@router.post("/lists/{list_id}/approve", response=BatchOut, summary="Approve a whole list (maker–checker)")
def approve(request, list_id: Id, drop_covered: bool = False):
    batch = get_object_or_404(visible_batches(request.access), pk=list_id)
    batch = approval.approve_batch(request.access, batch, drop_covered=drop_covered)
    return _batch(batch)


@router.post("/lists/{list_id}/cancel", response=BatchOut, summary="Reject a proposed list")
def cancel_batch(request, list_id: Id):
    batch = get_object_or_404(visible_batches(request.access), pk=list_id)
    return _batch(approval.cancel_batch(request.access, batch))


@router.get("/lists/{list_id}/sponsorships", response=SponsorshipPage)
def batch_sponsorships(request, list_id: Id, page: Page = 1, page_size: page_size(500) = 100):
    batch = get_object_or_404(visible_batches(request.access), pk=list_id)
    return _page(request, visible_sponsorships(request.access).filter(batch=batch), page, page_size)


# --- sponsorships --------------------------------------------------------------------------------------

def _page(request, qs, page: int, page_size: int) -> dict:
    qs = qs.select_related("worker", "funder").order_by("-start_month", "id")
    page_size = max(1, min(page_size, 500))
    start = (max(page, 1) - 1) * page_size
    shown = list(qs[start:start + page_size])
    request.access.disclose(shown, door=f"api:{request.path}"[:40])
    return {"count": qs.count(), "page": page, "results": [_sponsorship(request.access, s) for s in shown]}


@router.get("/sponsorships", response=SponsorshipPage, summary="Sponsorships you may see (NIKs masked by role)")
@replica_view
def list_sponsorships(request, funder_id: Id | None = None, state: text(64) = "", worker_id: Id | None = None,
                      page: Page = 1, page_size: page_size(500) = 100):
    qs = visible_sponsorships(request.access)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    if state in SponsorshipState.values:
        qs = qs.filter(state=state)
    if worker_id:
        qs = qs.filter(worker_id=worker_id)
    return _page(request, qs, page, page_size)


@router.get("/sponsorships/ending", response=SponsorshipPage, summary="Sponsorships ending within N days")
def ending(request, days: Days = 30, page: Page = 1, page_size: page_size(500) = 100):
    return _page(request, lifecycle.ending_soon(request.access, days=max(1, min(days, 366))), page, page_size)


@router.get("/sponsorships/{sponsorship_id}", response=SponsorshipOut)
def get_sponsorship(request, sponsorship_id: Id):
    s = get_object_or_404(visible_sponsorships(request.access).select_related("worker", "funder"), pk=sponsorship_id)
    return _sponsorship(request.access, s)


@router.post("/sponsorships/{sponsorship_id}/cancel", response=SponsorshipOut)
def cancel_sponsorship(request, sponsorship_id: Id, payload: CancelIn):
    s = get_object_or_404(visible_sponsorships(request.access), pk=sponsorship_id)
    s = approval.cancel_sponsorship(request.access, s, reason=payload.reason)
    return _sponsorship(request.access, s)


@router.post("/sponsorships/{sponsorship_id}/handover", response={201: SponsorshipOut},
             summary="Continue as a self-payer from the next month")
def handover(request, sponsorship_id: Id, payload: HandoverIn):
    s = get_object_or_404(visible_sponsorships(request.access), pk=sponsorship_id)
    new = lifecycle.continue_as_self_payer(request.access, s, months=payload.months, wadah=payload.wadah)
    return Status(201, _sponsorship(request.access, new))


# --- waiting pool and matching ---------------------------------------------------------------------------

@router.get("/pool", response=list[PoolEntryOut], summary="Workers waiting for a donor, longest first")
def list_pool(request, limit: Limit = 500):
    rows = list(matching.pool(request.access).order_by("since", "id")[:limit])
    request.access.disclose(rows, door="api:/funding/pool")
    return [{"id": e.pk, "worker_id": e.worker_id, "nik": request.access.nik_for_display(e.worker),
             "worker_name": e.worker.name, "village_code": e.worker.village_id, "since": e.since,
             "proposed_by": e.proposed_by.username if e.proposed_by else None, "note": e.note} for e in rows]


@router.post("/pool", response={201: dict}, summary="Put workers of your scope in the waiting pool")
def add_to_pool(request, payload: PoolIn):
    return Status(201, {"added": matching.add_to_pool(request.access, payload.worker_ids, note=payload.note)})


@router.delete("/pool/{entry_id}", response={204: None})
def withdraw(request, entry_id: Id):
    entry = get_object_or_404(matching.pool(request.access), pk=entry_id)
    matching.withdraw_from_pool(request.access, entry)
    return Status(204, None)


def _match_request(payload: MatchIn) -> MatchRequest:
    return MatchRequest(count=payload.count, months=payload.months, start_month=payload.start_month,
                        programs=",".join(payload.programs), region=payload.region, segment=payload.segment,
                        occupation=payload.occupation)


@router.post("/matching/preview", summary="Fair proposal of waiting workers with the cost from the rules")
def match_preview(request, payload: MatchIn):
    funder = get_object_or_404(visible_funders(request.access), pk=payload.funder_id)
    return matching.preview(request.access, funder, _match_request(payload))


@router.post("/matching/confirm", response={201: BatchOut}, summary="Confirm: sponsor the chosen workers")
def match_confirm(request, payload: ConfirmIn):
    funder = get_object_or_404(visible_funders(request.access), pk=payload.funder_id)
    batch = matching.confirm(request.access, funder, payload.worker_ids, _match_request(payload))
    return Status(201, _batch(batch))


# --- reports ---------------------------------------------------------------------------------------------

@router.get("/graduation", summary="Hand-over to self-payment rate per funder and region")
def graduation(request, level: choice(impact.REGION_FIELDS) = "regency", funder_id: Id | None = None):
    return impact.graduation_report(request.access, level=level, funder_id=funder_id)


@router.get("/kinds", summary="Funding sources each kind of funder may use")
def kinds(request):
    return {kind: sorted(allowed_sources(kind)) for kind in FunderKind.values}
