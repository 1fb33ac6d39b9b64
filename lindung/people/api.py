import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from lindung.audit import services as audit

from .services import describe_nik, register_worker, search_workers, update_worker

router = Router(tags=["workers"])


class WorkerIn(Schema):
    nik: str
    name: str
    birth_date: dt.date
    sex: str = Field(description="M or F")
    village_code: str = Field(description="10-digit Kemendagri village code")
    declared_income: int
    segment: str = "bpu_rentan"
    ecosystem: str = "rentan"
    sector: str = "other"
    birth_place: str = ""
    phone: str = ""
    occupation: str = ""


class WorkerPatch(Schema):
    name: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    village_code: str | None = None
    declared_income: int | None = None
    segment: str | None = None
    ecosystem: str | None = None
    sector: str | None = None
    birth_place: str | None = None
    phone: str | None = None
    occupation: str | None = None


class WorkerOut(Schema):
    id: int
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    village_code: str
    district_code: str
    regency_code: str
    province_code: str
    phone: str
    occupation: str
    segment: str
    ecosystem: str
    sector: str
    declared_income: int
    nik_flags: list[str]


class WorkerPage(Schema):
    count: int
    page: int
    results: list[WorkerOut]


class AuditOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    summary: str
    changes: dict


def _out(request, worker) -> dict:
    data = {f: getattr(worker, f) for f in WorkerOut.model_fields if f not in ("nik", "village_code")}
    data["nik"] = request.access.nik_for_display(worker)
    data["village_code"] = worker.village_id
    return data


@router.get("/workers", response=WorkerPage, summary="Search workers in your scope")
def list_workers(request, q: str = "", region: str = "", page: int = 1, page_size: int = 50):
    qs = search_workers(request.access, q=q, region=region)
    page_size = max(1, min(page_size, 500))
    start = (max(page, 1) - 1) * page_size
    return {"count": qs.count(), "page": page, "results": [_out(request, w) for w in qs[start:start + page_size]]}


@router.post("/workers", response={201: WorkerOut}, summary="Register a worker")
def create_worker(request, payload: WorkerIn):
    worker = register_worker(request.access, payload.dict())
    return Status(201, _out(request, worker))


@router.get("/workers/{worker_id}", response=WorkerOut)
def get_worker(request, worker_id: int):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    if request.access.sees_full_nik():
        audit.record(request.user, audit.Action.VIEW, worker, region_code=worker.village_id)
    return _out(request, worker)


@router.patch("/workers/{worker_id}", response=WorkerOut)
def patch_worker(request, worker_id: int, payload: WorkerPatch):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    worker = update_worker(request.access, worker, payload.dict(exclude_none=True))
    return _out(request, worker)


@router.get("/workers/{worker_id}/audit", response=list[AuditOut])
def worker_audit(request, worker_id: int):
    worker = get_object_or_404(request.access.workers(), pk=worker_id)
    request.access.require("audit.view")
    entries = request.access.audit_entries(audit.trail(worker))[:200]
    return [{"at": e.at, "actor": e.actor.username if e.actor else None, "action": e.action,
             "summary": e.summary, "changes": e.changes} for e in entries]


@router.get("/nik/{nik}", summary="Decode a NIK: validity, region of issue, birth date, sex")
def nik(request, nik: str):
    return describe_nik(nik)
