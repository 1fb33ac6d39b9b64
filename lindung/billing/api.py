"""Billing API under /api/v1/billing: invoices, lines, payments, collections, statements, reconciliation.

Rows come from ``lindung.billing.scope`` (the access layer); changes go through the same service
functions as the pages and the CLI. Refusals answer 403 (role or scope) or 422 (``detail``).
"""

import datetime as dt

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from lindung.routing import replica_view
from lindung.api.fields import Amount, Count, Day, Id, MonthRequired, MonthText, Page, page_size, text
from lindung.funding.models import Funder
from lindung.months import parse_month
from lindung.uploads import check_upload_size

from . import payments as payment_services
from .models import AgentCommission, BillingRun, InvoiceStatus
from .runs import bill, set_prepayment
from .scope import visible_invoices, visible_lines, visible_statement_rows
from .statements import import_statement, open_items, resolve

router = Router(tags=["billing"])


class InvoiceOut(Schema):
    id: int
    number: str
    funder_id: int
    funder: str
    funder_kind: str
    month: str
    first_month: str
    last_month: str
    due_date: dt.date | None
    total: int
    paid: int
    outstanding: int
    status: str
    virtual_account: str


class InvoicePage(Schema):
    count: int
    page: int
    results: list[InvoiceOut]


class LineOut(Schema):
    id: int
    worker_id: int
    nik: str
    name: str
    village_code: str
    program: str
    month: str
    amount: int
    gross: int
    discount: int
    paid: int
    paid_on: dt.date | None


class LinePage(Schema):
    count: int
    page: int
    results: list[LineOut]


class PaymentIn(Schema):
    invoice_id: Id | None = None
    invoice_number: text(40) | None = None
    amount: Amount = Field(description="Whole rupiah")
    reference: text(80) = Field(description="Virtual-account payment id, transfer or receipt number (unique)")
    paid_on: Day
    channel: text(10) = Field("transfer", description="transfer or va")


class CollectionIn(Schema):
    invoice_id: Id
    amount: Amount
    reference: text(80) = Field(description="The agent's receipt number (unique)")
    paid_on: Day | None = None


class PaymentOut(Schema):
    id: int
    reference: str
    invoice_id: int
    amount: int
    allocated: int
    surplus: int
    paid_on: dt.date
    channel: str
    created: bool = True
    agent_commission: int | None = None
    wadah_commission: int | None = None


class RunIn(Schema):
    month: MonthRequired


class StatementRowOut(Schema):
    id: int
    statement_id: int
    row_number: int
    reference: str
    paid_on: dt.date
    amount: int
    account: str
    match: str
    expected: int | None
    invoice_number: str | None
    resolution: str


class ResolveIn(Schema):
    action: text(20) = Field(description="assigned, surplus_moved, accepted, refund or dismissed")
    invoice_number: text(40) | None = None
    note: text(300) = ""


class PlanIn(Schema):
    prepay_months: Count = Field(description="1, 3, 6 or 12")


def _month(value) -> str:
    return value.strftime("%Y-%m")


def _invoice(i) -> dict:
    return {"id": i.pk, "number": i.number, "funder_id": i.funder_id, "funder": i.funder.name,
            "funder_kind": i.funder.kind, "month": _month(i.month), "first_month": _month(i.first_month),
            "last_month": _month(i.last_month), "due_date": i.due_date, "total": i.total, "paid": i.paid,
            "outstanding": i.outstanding, "status": i.status, "virtual_account": i.virtual_account}


def _payment(p, created=True) -> dict:
    commission = AgentCommission.objects.filter(payment=p).first()
    return {"id": p.pk, "reference": p.reference, "invoice_id": p.invoice_id, "amount": p.amount,
            "allocated": p.allocated, "surplus": p.surplus, "paid_on": p.paid_on, "channel": p.channel,
            "created": created, "agent_commission": commission.agent_share if commission else None,
            "wadah_commission": commission.wadah_share if commission else None}


def _row(r) -> dict:
    return {"id": r.pk, "statement_id": r.statement_id, "row_number": r.row_number, "reference": r.reference,
            "paid_on": r.paid_on, "amount": r.amount, "account": r.account, "match": r.match, "expected": r.expected,
            "invoice_number": r.invoice.number if r.invoice_id else None, "resolution": r.resolution}


@router.get("/invoices", response=InvoicePage, summary="Invoices in your scope")
@replica_view
def list_invoices(request, month: MonthText = "", status: text(64) = "", funder_id: Id | None = None, page: Page = 1,
                  page_size: page_size(500) = 50):
    request.access.require("billing.view")
    qs = visible_invoices(request.access).select_related("funder").order_by("-month", "funder__name", "seq")
    if month:
        qs = qs.filter(month=parse_month(month))
    if status in InvoiceStatus.values:
        qs = qs.filter(status=status)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    page_size = max(1, min(page_size, 500))
    start = (max(page, 1) - 1) * page_size
    return {"count": qs.count(), "page": page, "results": [_invoice(i) for i in qs[start:start + page_size]]}


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request, invoice_id: Id):
    request.access.require("billing.view")
    return _invoice(get_object_or_404(visible_invoices(request.access).select_related("funder"), pk=invoice_id))


@router.get("/invoices/{invoice_id}/lines", response=LinePage, summary="Lines of workers in your scope")
def invoice_lines(request, invoice_id: Id, page: Page = 1, page_size: page_size(1000) = 200):
    access = request.access
    access.require("billing.view")
    invoice = get_object_or_404(visible_invoices(access), pk=invoice_id)
    qs = visible_lines(access, invoice).select_related("worker", "price").order_by("month", "id")
    page_size = max(1, min(page_size, 1000))
    start = (max(page, 1) - 1) * page_size
    shown = list(qs[start:start + page_size])
    access.disclose(shown, door="api:/billing/invoices/lines")
    return {"count": qs.count(), "page": page, "results": [
        {"id": line.pk, "worker_id": line.worker_id, "nik": access.nik_for_display(line.worker),
         "name": line.worker.name, "village_code": line.worker.village_id, "program": line.program,
         "month": _month(line.month), "amount": line.amount, "gross": line.price.gross,
         "discount": line.price.discount, "paid": line.paid, "paid_on": line.paid_on}
        for line in shown]}


@router.get("/invoices/{invoice_id}/payments", response=list[PaymentOut])
def invoice_payments(request, invoice_id: Id):
    request.access.require("billing.view")
    invoice = get_object_or_404(visible_invoices(request.access), pk=invoice_id)
    return [_payment(p) for p in invoice.payments.order_by("paid_on", "id")]


@router.post("/payments", response={201: PaymentOut, 200: PaymentOut}, summary="Record a payment (idempotent per reference)")
def create_payment(request, payload: PaymentIn):
    invoices = visible_invoices(request.access)
    if payload.invoice_id:
        invoice = get_object_or_404(invoices, pk=payload.invoice_id)
    else:
        invoice = get_object_or_404(invoices, number__iexact=(payload.invoice_number or "").strip())
    payment, created = payment_services.record_payment_as(
        request.access, invoice, amount=payload.amount, reference=payload.reference, paid_on=payload.paid_on,
        channel=payload.channel)
    return Status(201 if created else 200, _payment(payment, created))


@router.post("/collections", response={201: PaymentOut, 200: PaymentOut},
             summary="An agent records contributions collected (commission recorded)")
def create_collection(request, payload: CollectionIn):
    invoice = get_object_or_404(visible_invoices(request.access), pk=payload.invoice_id)
    payment, created = payment_services.collect(request.access, invoice, amount=payload.amount,
                                                reference=payload.reference, paid_on=payload.paid_on)
    return Status(201 if created else 200, _payment(payment, created))


@router.get("/commissions", summary="The agent's commissions (all agents' for the national administrator)")
def commissions(request):
    access = request.access
    access.require("billing.view")
    qs = AgentCommission.objects.select_related("payment", "agent")
    if not access.is_national:
        qs = qs.filter(agent=request.user)
    totals = qs.aggregate(collected=Sum("collected"), agent=Sum("agent_share"), wadah=Sum("wadah_share"))
    return {"totals": {k: v or 0 for k, v in totals.items()}, "results": [
        {"reference": c.payment.reference, "paid_on": c.payment.paid_on, "agent": c.agent.username, "wadah": c.wadah,
         "collected": c.collected, "agent_share": c.agent_share, "wadah_share": c.wadah_share}
        for c in qs.order_by("-created_at")[:500]]}


@router.post("/runs", summary="Run the monthly billing for a month (idempotent)")
def create_run(request, payload: RunIn):
    return bill(request.access, parse_month(payload.month)).as_dict()


@router.get("/runs", summary="Recent billing runs")
def list_runs(request):
    request.access.require("billing.run")
    return [{"id": r.pk, "month": _month(r.month), "invoices": r.invoices, "lines": r.lines, "amount": r.amount,
             "seconds": r.seconds, "unpriced": r.unpriced} for r in BillingRun.objects.all()[:60]]


@router.post("/statements", summary="Import a bank statement (CSV); the same file twice records nothing")
def upload_statement(request, file: File[UploadedFile]):
    check_upload_size(file.size or 0)  # UploadTooLarge: 413 through the API's domain-error handler
    return import_statement(request.access, file.read(), file.name or "statement.csv").as_dict()


@router.get("/reconciliation", response=list[StatementRowOut], summary="Statement rows waiting for a person")
def reconciliation(request):
    request.access.require("payment.resolve")
    return [_row(r) for r in open_items(request.access)[:1000]]


@router.post("/reconciliation/{row_id}", response=StatementRowOut, summary="Resolve a statement row")
def resolve_row(request, row_id: Id, payload: ResolveIn):
    access = request.access
    row = get_object_or_404(visible_statement_rows(access), pk=row_id)
    invoice = None
    if payload.invoice_number:
        invoice = get_object_or_404(visible_invoices(access), number__iexact=payload.invoice_number.strip())
    resolved = resolve(access, row, payload.action, invoice=invoice, note=payload.note)
    return _row(resolved)


@router.put("/plans/{funder_id}", summary="Choose how many months a funder is billed in advance")
def set_plan(request, funder_id: Id, payload: PlanIn):
    funder = get_object_or_404(Funder, pk=funder_id)
    plan = set_prepayment(request.access, funder, payload.prepay_months)
    return {"funder_id": funder.pk, "prepay_months": plan.prepay_months}
