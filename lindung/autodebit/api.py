"""Auto-debit API under /api/v1/autodebit: mandates, banks, the debit file, return files, follow-up.

Rows come from ``lindung.autodebit.scope`` (the access layer); changes go through the same service
functions as the pages and the CLI. Account numbers are masked except on ``GET /mandates/{id}``, where
roles holding ``autodebit.account`` see them in full (audited). Refusals: 403, 404, 422 with ``detail``.
"""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from lindung.api.fields import Count, Id, MonthRequired, text
from lindung.months import parse_month
from lindung.uploads import check_upload_size

from .models import BankLayout
from .scope import visible_mandates
from .services import (bank_for, change_state, export_debit_file, follow_up, import_return_file,
                       open_failures, register_mandate, reveal_account)

router = Router(tags=["autodebit"])


class MandateOut(Schema):
    id: int
    worker_id: int
    worker: str
    village_code: str
    bank: str
    account_holder: str
    account_number: str
    debit_day: int
    programs: str
    start_month: str
    end_month: str | None
    state: str
    state_reason: str
    registered_via: str


class MandateIn(Schema):
    worker_id: Id
    bank: text(100)
    account_holder: text(100)
    account_number: text(34)
    debit_day: Count
    programs: text(30) = "jkk,jkm"
    start_month: MonthRequired
    end_month: MonthRequired | None = None


class StateIn(Schema):
    state: text(10)
    reason: text(300) = ""


class FailureOut(Schema):
    id: int
    mandate_id: int
    worker_id: int
    worker: str
    village_code: str
    month: str
    amount: int
    on: dt.date
    reason_code: str
    reason: str


class FollowUpIn(Schema):
    note: text(300)


def _mandate(m, account: str | None = None) -> dict:
    return {"id": m.pk, "worker_id": m.worker_id, "worker": m.worker.name, "village_code": m.worker.village_id,
            "bank": m.bank_id, "account_holder": m.account_holder, "account_number": account or m.masked_account,
            "debit_day": m.debit_day, "programs": m.programs, "start_month": m.start_month.strftime("%Y-%m"),
            "end_month": m.end_month.strftime("%Y-%m") if m.end_month else None, "state": m.state,
            "state_reason": m.state_reason, "registered_via": m.registered_via}


@router.get("/mandates", response=list[MandateOut], summary="Mandates in scope (account numbers masked)")
def mandates(request, state: text(64) = ""):
    request.access.require("autodebit.view")
    qs = visible_mandates(request.access).select_related("worker").order_by("id")
    if state:
        qs = qs.filter(state=state)
    return [_mandate(m) for m in qs[:2000]]


@router.post("/mandates", response={201: MandateOut}, summary="Register a self-paying worker's mandate")
def create_mandate(request, payload: MandateIn):
    access = request.access
    access.require("autodebit.register")
    worker = get_object_or_404(access.workers(), pk=payload.worker_id)
    mandate = register_mandate(access, worker, bank=bank_for(payload.bank), account_holder=payload.account_holder,
                               account_number=payload.account_number, debit_day=payload.debit_day,
                               programs=payload.programs, start_month=parse_month(payload.start_month, "start_month"),
                               end_month=parse_month(payload.end_month, "end_month") if payload.end_month else None)
    return Status(201, _mandate(mandate))


@router.get("/mandates/{mandate_id}", response=MandateOut,
            summary="One mandate; the account number in full for roles allowed to see it (audited)")
def mandate_detail(request, mandate_id: Id):
    request.access.require("autodebit.view")
    mandate = get_object_or_404(visible_mandates(request.access).select_related("worker"), pk=mandate_id)
    return _mandate(mandate, reveal_account(request.access, mandate))


@router.post("/mandates/{mandate_id}/state", response=MandateOut, summary="Suspend, reactivate or cancel")
def mandate_state(request, mandate_id: Id, payload: StateIn):
    mandate = get_object_or_404(visible_mandates(request.access).select_related("worker"), pk=mandate_id)
    return _mandate(change_state(request.access, mandate, payload.state, reason=payload.reason))


@router.get("/banks", summary="Banks and their file layouts")
def banks(request):
    request.access.require("autodebit.view")
    return [{"code": b.code, "name": b.name, "layout": b.layout} for b in BankLayout.objects.order_by("code")]


@router.get("/export", summary="The month's debit file for a bank (text in the bank's layout)")
def export(request, month: MonthRequired, bank: text(64)):
    text, run = export_debit_file(request.access, parse_month(month), bank_for(bank))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="debit-{run.bank.code}-{run.month:%Y-%m}.txt"'
    response["X-Debit-Count"], response["X-Debit-Total"] = str(len(run.lines)), str(run.total)
    return response


@router.post("/returns", summary="Import a bank's return file; the same file twice records nothing")
def upload_return(request, file: File[UploadedFile], bank: text(64) = "GENERIC"):
    check_upload_size(file.size or 0)
    return import_return_file(request.access, bank_for(bank), file.name or "return.txt", file.read()).as_dict()


@router.get("/failures", response=list[FailureOut], summary="Failed debits to follow up")
def failures(request):
    request.access.require("autodebit.view")
    return [{"id": d.pk, "mandate_id": d.mandate_id, "worker_id": d.mandate.worker_id,
             "worker": d.mandate.worker.name, "village_code": d.mandate.worker.village_id,
             "month": d.month.strftime("%Y-%m"), "amount": d.amount, "on": d.on, "reason_code": d.reason_code,
             "reason": d.reason} for d in open_failures(request.access)[:2000]]


@router.post("/failures/{debit_id}/followup", summary="Record what was done about a failed debit")
def failure_follow_up(request, debit_id: Id, payload: FollowUpIn):
    debit = get_object_or_404(open_failures(request.access), pk=debit_id)
    done = follow_up(request.access, debit, note=payload.note)
    return {"id": done.pk, "followed_up_at": done.followed_up_at, "note": done.follow_up_note}
