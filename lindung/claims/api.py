"""Claims API under /api/v1/claims, and the DCI civil-registry endpoints under /api/dci/registry.

Every /api/v1 endpoint reads through the access layer (``request.access``) and calls the same
services as the pages and the CLI. The DCI endpoints authenticate the sender by its ed25519
signature instead of a user (see ``lindung.claims.dci``).
"""


from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from lindung.api.fields import Amount, Day, Id, Limit, RegionText, Year, text
from lindung.routing import replica_view

from . import dci, workflow
from .deadlines import overdue
from .eligibility import check
from .events import confirm_event, reject_event, report_event
from .present import claim_detail, claim_row
from .scholarships import renewals_due
from .scope import in_region, visible_claims, visible_events
from .stats import paid_statistics

router = Router(tags=["claims"])


class CheckIn(Schema):
    nik: text(32)
    event: text(40) = Field(description="death | accident-death | accident-disability")
    date: Day
    claim_date: Day | None = None


class EventIn(Schema):
    nik: text(32)
    kind: text(20) = Field(description="death | accident | disability")
    date: Day
    cause: text(16) = Field("", description="not_work | work_accident (deaths)")
    place: text(200) = ""
    description: text(2000) = ""


class NoteIn(Schema):
    note: text(300) = ""


class PaidIn(Schema):
    amount: Amount
    paid_on: Day
    reference: text(80)


class RejectedIn(Schema):
    reason_code: text(40)
    note: text(300) = ""


@router.post("/check", summary="Eligibility of a worker for a benefit on a date, with amounts and reasons")
def check_eligibility(request, payload: CheckIn):
    request.access.require("claim.view")
    worker = get_object_or_404(request.access.workers(), nik=payload.nik.strip())
    return check(worker, payload.event, payload.date, claim_date=payload.claim_date or timezone.localdate()).as_dict()


@router.get("/", summary="Claims in your scope (a funder: paid claims of the workers it funded, NIKs masked)")
def list_claims(request, state: text(64) = "", region: RegionText = "", limit: Limit = 200):
    qs = in_region(visible_claims(request.access), region).select_related("worker", "event")
    if state:
        qs = qs.filter(state=state)
    claims = list(qs[:max(1, min(limit, 1000))])
    request.access.disclose([c.worker for c in claims], door="api:/claims")
    return [claim_row(request.access, c) for c in claims]


@router.get("/statistics", summary="Benefits paid: families and rupiah per region, month and programme")
@replica_view
def statistics(request, region: RegionText = "", year: Year | None = None):
    request.access.require("claim.view")
    return paid_statistics(request.access, region, year)


@router.get("/overdue", summary="Open claims with an overdue deadline that your role answers for")
def overdue_claims(request):
    request.access.require("claim.view")
    return [{"claim_id": r["claim"].pk, "code": r["code"], "due": r["due"].isoformat(), "role": r["role"]}
            for r in overdue(request.access)]


@router.get("/renewals", summary="Scholarship years due this year (evidence or payment), per region")
def renewals(request, year: Year, region: RegionText = ""):
    request.access.require("claim.view")
    return [{"claim_id": r.claim_id, "child": r.claim.child.name if r.claim.child else "", "year": r.year,
             "level": r.level, "amount": r.amount, "state": r.state, "due_on": r.due_on.isoformat()}
            for r in renewals_due(request.access, year, region)]


@router.post("/events", response={201: dict}, summary="Report a death, work accident or disability (unconfirmed)")
def create_event(request, payload: EventIn):
    request.access.require("event.report")
    worker = get_object_or_404(request.access.workers(), nik=payload.nik.strip())
    event = report_event(request.access, worker, kind=payload.kind, date=payload.date, cause=payload.cause,
                         place=payload.place, description=payload.description)
    return Status(201, {"id": event.pk, "state": event.state})


@router.post("/events/{event_id}/confirm", summary="Confirm a reported event (a death then takes effect)")
def confirm(request, event_id: Id, payload: NoteIn):
    event = get_object_or_404(visible_events(request.access), pk=event_id)
    return {"id": event.pk, "state": confirm_event(request.access, event, note=payload.note).state}


@router.post("/events/{event_id}/reject", summary="Reject a wrong report; nothing else changes")
def reject(request, event_id: Id, payload: NoteIn):
    event = get_object_or_404(visible_events(request.access), pk=event_id)
    return {"id": event.pk, "state": reject_event(request.access, event, note=payload.note).state}


@router.get("/{int:claim_id}", summary="One claim: eligibility, steps, documents, deadlines")
def get_claim(request, claim_id: Id):
    claim = get_object_or_404(visible_claims(request.access).select_related("worker", "event"), pk=claim_id)
    request.access.disclose([claim.worker], door="api:/claims")
    return claim_detail(request.access, claim)


def _claim(request, claim_id: int):
    return get_object_or_404(visible_claims(request.access), pk=claim_id)


@router.post("/{int:claim_id}/verify", summary="Verify (maker)")
def verify(request, claim_id: Id):
    return {"id": claim_id, "state": workflow.verify(request.access, _claim(request, claim_id)).state}


@router.post("/{int:claim_id}/submit", summary="Submit to BPJS (checker: not the verifier)")
def submit(request, claim_id: Id):
    return {"id": claim_id, "state": workflow.submit(request.access, _claim(request, claim_id)).state}


@router.post("/{int:claim_id}/paid", summary="Record BPJS's payment")
def paid(request, claim_id: Id, payload: PaidIn):
    claim = workflow.record_paid(request.access, _claim(request, claim_id), amount=payload.amount,
                                 paid_on=payload.paid_on, reference=payload.reference)
    return {"id": claim_id, "state": claim.state}


@router.post("/{int:claim_id}/rejected", summary="Record BPJS's rejection with a reason code")
def rejected(request, claim_id: Id, payload: RejectedIn):
    claim = workflow.record_rejected(request.access, _claim(request, claim_id), reason_code=payload.reason_code,
                                     note=payload.note)
    return {"id": claim_id, "state": claim.state}


@router.post("/{int:claim_id}/withdraw", summary="Withdraw an open claim")
def withdraw(request, claim_id: Id, payload: NoteIn):
    return {"id": claim_id, "state": workflow.withdraw(request.access, _claim(request, claim_id),
                                                       note=payload.note).state}


# --- DCI CRVS (signed by the sender; no user) --------------------------------------------------------

dci_router = Router(tags=["dci"])

ENVELOPE = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["signature", "header", "message"],
        "properties": {
            "signature": {"type": "string", "description": "base64 ed25519 signature of the canonical JSON of "
                                                           "{header, message}, or a DCI Signature: string"},
            "header": {"type": "object", "required": ["message_id", "sender_id", "action"], "properties": {
                "version": {"type": "string"}, "message_id": {"type": "string"}, "message_ts": {"type": "string"},
                "action": {"type": "string", "enum": ["notify", "on-subscribe"]}, "sender_id": {"type": "string"},
                "receiver_id": {"type": "string"}, "total_count": {"type": "integer"}}},
            "message": {"type": "object", "required": ["notify_event"], "properties": {
                "transaction_id": {"type": "string"},
                "notify_event": {"type": "array", "items": {"type": "object", "properties": {
                    "reference_id": {"type": "string"}, "timestamp": {"type": "string"},
                    "data": {"type": "object", "properties": {
                        "reg_event_type": {"type": "string", "example": "death"},
                        "reg_record": {"type": "object", "properties": {
                            "identifier": {"type": "array", "items": {"type": "object", "properties": {
                                "identifier_type": {"type": "string", "example": "UIN"},
                                "identifier_value": {"type": "string", "description": "NIK"}}}},
                            "death_date": {"type": "string", "format": "date"}}}}}}}}}},
        }}}}},
}


class AckMessage(Schema):
    ack_status: str = Field(description="ACK | NACK | ERR")
    timestamp: str
    correlation_id: str = ""
    error: dict | None = None


class Ack(Schema):
    message: AckMessage


def _receive(request, action: str):
    try:
        stored = dci.receive(request.body, action)
    except dci.Refused as refused:
        return JsonResponse(dci.acknowledgement(refused.status, "", refused.code, refused.message),
                            status=refused.http)
    return JsonResponse(dci.acknowledgement("ACK", stored.message_id))


@dci_router.post("/registry/notify", auth=None, response={200: Ack, 400: Ack, 401: Ack, 409: Ack},
                 openapi_extra=ENVELOPE, summary="DCI CRVS: a civil registry notifies deaths (signed)")
def registry_notify(request):
    return _receive(request, "notify")


@dci_router.post("/registry/on-subscribe", auth=None, response={200: Ack, 400: Ack, 401: Ack, 409: Ack},
                 openapi_extra=ENVELOPE, summary="DCI CRVS: subscription callback carrying notify_event[]")
def registry_on_subscribe(request):
    return _receive(request, "on-subscribe")
