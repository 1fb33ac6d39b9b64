import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from lindung.routing import replica_view
from lindung.api.fields import VILLAGE, Day, Id, Income, Page, Query, RegionText, choice, page_size, text
from lindung.paging import paged

from .models import Ecosystem, Sector, Segment, Sex
from .services import describe_nik, open_worker, register_worker, search_workers, update_worker

router = Router(tags=["workers"])


class WorkerIn(Schema):
    nik: Annotated[str, Field(max_length=16, pattern=r"^\d{16}$", description="16-digit NIK")]
    name: text(150)
    birth_date: Day
    sex: choice(Sex.values) = Field(description="M or F")
    village_code: Annotated[str, Field(max_length=13, pattern=VILLAGE, description="10-digit Kemendagri village code")]
    declared_income: Income
    segment: choice(Segment.values) = "bpu_rentan"
    ecosystem: choice(Ecosystem.values) = "rentan"
    sector: choice(Sector.values) = "other"
    birth_place: text(100) = ""
    phone: text(20) = ""
    occupation: text(100) = ""


class WorkerPatch(Schema):
    name: text(150) | None = None
    birth_date: Day | None = None
    sex: choice(Sex.values) | None = None
    village_code: Annotated[str, Field(max_length=13, pattern=VILLAGE)] | None = None
    declared_income: Income | None = None
    segment: choice(Segment.values) | None = None
    ecosystem: choice(Ecosystem.values) | None = None
    sector: choice(Sector.values) | None = None
    birth_place: text(100) | None = None
    phone: text(20) | None = None
    occupation: text(100) | None = None


class WorkerOut(Schema):
    """A worker as the caller's role may see him: withheld fields are null (see docs/security.md)."""

    id: int
    nik: str = Field(description="Full NIK, or masked for roles that may not see it in full")
    name: str
    birth_place: str | None
    birth_date: dt.date | None
    age_band: str | None = Field(description='Ten-year age band, e.g. "30–39"')
    sex: str | None
    village_code: str
    district_code: str | None
    regency_code: str | None
    province_code: str | None
    phone: str | None
    occupation: str | None
    segment: str | None
    ecosystem: str | None
    sector: str | None
    declared_income: int | None
    nik_flags: list[str] | None


class WorkerPage(Schema):
    count: int = Field(description="workers found, counted up to 10,000 (lindung.paging)")
    more: bool = Field(description="true when more workers than `count` match: narrow the search")
    page: int
    results: list[WorkerOut]


class AuditOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    summary: str
    changes: dict


def _out(request, worker) -> dict:
    return request.access.worker_view(worker)


@router.get("/workers", response=WorkerPage, summary="Search workers in your scope")
@replica_view
def list_workers(request, q: Query = "", region: RegionText = "", page: Page = 1, page_size: page_size(500) = 50):
    """Search by name, or by NIK (full or leading digits) for roles that see full NIKs."""
    qs = search_workers(request.access, q=q, region=region)
    shown = paged(qs, page, page_size)
    request.access.disclose(shown.rows, door="api:/workers")
    return {"count": shown.count, "more": shown.more, "page": page, "results": [_out(request, w) for w in shown.rows]}


@router.post("/workers", response={201: WorkerOut}, summary="Register a worker")
def create_worker(request, payload: WorkerIn):
    worker = register_worker(request.access, payload.dict())
    return Status(201, _out(request, worker))


@router.get("/workers/{worker_id}", response=WorkerOut)
def get_worker(request, worker_id: Id):
    return _out(request, open_worker(request.access, worker_id))


@router.patch("/workers/{worker_id}", response=WorkerOut)
def patch_worker(request, worker_id: Id, payload: WorkerPatch):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    worker = update_worker(request.access, worker, payload.dict(exclude_none=True))
    return _out(request, worker)


@router.get("/workers/{worker_id}/audit", response=list[AuditOut])
def worker_audit(request, worker_id: Id):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    request.access.require("audit.view")
    entries = request.access.worker_trail(worker)[:200]
    return [{"at": e.at, "actor": e.actor.username if e.actor else None, "action": e.action,
             "summary": e.summary, "changes": e.changes} for e in entries]


@router.get("/nik/{nik}", summary="Decode a NIK: validity, region of issue, birth date, sex")
def nik(request, nik: text(32)):
    return describe_nik(nik)
