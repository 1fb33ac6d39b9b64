"""Billing pages. Thin views: rows come from ``scope`` (the access layer), changes from the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.routing import replica_view
from lindung.audit import services as audit
from lindung.errors import DomainError, to_messages
from lindung.formatting import number
from lindung.funding.models import Funder
from lindung.funding.scope import can_act_for
from lindung.months import MonthField
from lindung.redirects import back_to
from lindung.paging import page_of
from lindung.tabular import DATE, ID, MONTH, NUMBER, Column, export_response

from . import payments as payment_services
from .forms import CollectForm, PaymentForm, PlanForm, ResolveForm, RunForm, StatementForm
from .impact import funder_paid
from .models import AgentCommission, BillingPlan, BillingRun, InvoiceStatus, Match, Payment
from .runs import bill, set_prepayment
from .scope import (COLLECTED_KINDS, DUE_FILTERS, can_collect_for, unpaid_due, visible_invoices, visible_lines,
                    visible_statement_rows, visible_statements)
from .statements import import_statement, open_items, resolve, with_row_counts


def filtered_invoices(request):
    qs = visible_invoices(request.access).select_related("funder")
    month = request.GET.get("month", "").strip()
    if month:
        try:
            qs = qs.filter(month=MonthField().clean(month))
        except ValidationError:
            pass
    if request.GET.get("status") in InvoiceStatus.values:
        qs = qs.filter(status=request.GET["status"])
    if request.GET.get("due") in DUE_FILTERS:
        qs = unpaid_due(qs, request.GET["due"], timezone.localdate())
    if request.GET.get("q"):
        qs = qs.filter(Q(funder__name__icontains=request.GET["q"]) | Q(number__iexact=request.GET["q"].strip()))
    if request.GET.get("funder", "").isdigit():
        qs = qs.filter(funder_id=int(request.GET["funder"]))
    return qs


@login_required
@replica_view
def invoice_list(request):
    request.access.require("billing.view")
    qs = filtered_invoices(request)
    totals = qs.aggregate(total=Sum("total"), paid=Sum("paid"), n=Count("id"))
    page = page_of(request, qs.order_by("-month", "funder__name", "seq"), 50)
    return render(request, "billing/invoice_list.html", {
        "page": page, "totals": totals, "statuses": InvoiceStatus.choices, "query": request.GET.urlencode(),
        "filters": {k: request.GET.get(k, "") for k in ("month", "status", "q", "due")},
        "due_filters": DUE_FILTERS.items(),
    })


@login_required
def invoice_detail(request, pk):
    access = request.access
    access.require("billing.view")
    invoice = get_object_or_404(visible_invoices(access).select_related("funder", "funder__region", "run"), pk=pk)
    lines = visible_lines(access, invoice)
    summary = (lines.order_by().values("month", "program")
               .annotate(n=Count("id"), amount=Sum("amount"), paid=Sum("paid")).order_by("month", "program"))
    visible_count = lines.count()
    page = page_of(request, lines.select_related("worker", "worker__village", "price").order_by("month", "id"), 100)
    rows = [(line, access.nik_for_display(line.worker)) for line in page]
    access.disclose([line for line, _nik in rows], door="page:/billing/invoices/")
    funder = invoice.funder
    context = {
        "invoice": invoice, "summary": summary, "page": page, "rows": rows,
        "hidden": invoice.lines.count() - visible_count,
        "payments": invoice.payments.select_related("collected_by", "recorded_by").order_by("paid_on", "id"),
        "pay_form": PaymentForm(initial={"amount": invoice.outstanding}) if access.can("payment.record") else None,
        "collect_form": CollectForm(initial={"amount": invoice.outstanding})
        if access.can("payment.collect") and can_collect_for(access, funder) else None,
        "plan_form": PlanForm(initial={"prepay_months": getattr(BillingPlan.objects.filter(funder=funder).first(),
                                                                "prepay_months", 1)})
        if access.can("billing.plan.edit") and can_act_for(access, funder) else None,
    }
    return render(request, "billing/invoice_detail.html", context)


@login_required
@require_POST
def invoice_pay(request, pk):
    invoice = get_object_or_404(visible_invoices(request.access), pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment, created = payment_services.record_payment_as(request.access, invoice, **form.cleaned_data)
        except (PermissionDenied, ValidationError, DomainError) as exc:
            to_messages(request, exc)
        else:
            if created:
                messages.success(request, _("Payment recorded: Rp%(amount)s, Rp%(allocated)s allocated.") % {
                    "amount": number(payment.amount), "allocated": number(payment.allocated)})
            else:
                messages.warning(request, _("This reference was already recorded: nothing changed."))
    else:
        to_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect("billing-invoice", pk=invoice.pk)


@login_required
@require_POST
def invoice_collect(request, pk):
    invoice = get_object_or_404(visible_invoices(request.access), pk=pk)
    form = CollectForm(request.POST)
    if form.is_valid():
        try:
            payment, created = payment_services.collect(request.access, invoice, **form.cleaned_data)
        except (PermissionDenied, ValidationError, DomainError) as exc:
            to_messages(request, exc)
        else:
            if created:
                commission = getattr(payment, "commission", None)
                messages.success(request, _("Collection recorded. Your commission: Rp%(agent)s (wadah Rp%(wadah)s).")
                                 % {"agent": number(commission.agent_share) if commission else 0,
                                    "wadah": number(commission.wadah_share) if commission else 0})
            else:
                messages.warning(request, _("This receipt was already recorded: nothing changed."))
    else:
        to_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect("billing-invoice", pk=invoice.pk)


@login_required
@require_POST
def funder_plan(request, funder_id):
    funder = get_object_or_404(Funder, pk=funder_id)
    if not visible_invoices(request.access).filter(funder=funder).exists() and not can_act_for(request.access, funder):
        raise Http404
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            set_prepayment(request.access, funder, form.cleaned_data["prepay_months"])
            messages.success(request, _("Billing plan saved; it applies from the next billing run."))
        except (PermissionDenied, ValidationError, DomainError) as exc:
            to_messages(request, exc)
    return back_to(request, "billing-invoices")


@login_required
@replica_view
def invoice_export(request):
    """Invoices the user may see, as CSV or XLSX (``?format=xlsx``), through the one tabular writer."""
    request.access.require("billing.export")
    qs = filtered_invoices(request).order_by("month", "funder__name", "seq")
    audit.record(request.user, audit.Action.EXPORT, request.user, summary=f"invoices {request.GET.urlencode()}"[:300])
    columns = [Column(_("Invoice number"), ID), Column(_("Funder")), Column(_("Funder kind")),
               Column(_("Billing month"), MONTH), Column(_("First month billed"), MONTH),
               Column(_("Last month billed"), MONTH), Column(_("Due date"), DATE), Column(_("Total (Rp)"), NUMBER),
               Column(_("Paid (Rp)"), NUMBER), Column(_("Outstanding (Rp)"), NUMBER), Column(_("Status")),
               Column(_("Virtual account"), ID)]
    status_label = dict(InvoiceStatus.choices)

    def rows():
        for i in qs.iterator(chunk_size=2000):
            yield [i.number, i.funder.name, i.funder.get_kind_display(), i.month, i.first_month, i.last_month,
                   i.due_date, i.total, i.paid, i.outstanding, status_label.get(i.status, i.status), i.virtual_account]
    return export_response(request, "lindung-invoices", columns, rows(), title=_("Invoices"))


@login_required
@replica_view
def invoice_lines_export(request, pk):
    access = request.access
    access.require("billing.export")
    invoice = get_object_or_404(visible_invoices(access), pk=pk)
    lines = visible_lines(access, invoice).select_related("worker").order_by("month", "id")
    audit.record(request.user, audit.Action.EXPORT, invoice, summary=f"invoice lines {invoice.number}")
    access.disclose(lines.values_list("worker_id", flat=True).iterator(chunk_size=5000),
                    door=f"export:invoice {invoice.number}"[:40], export=True)
    columns = [Column(_("Invoice number"), ID), Column(_("NIK"), ID), Column(_("Name")), Column(_("Village code"), ID),
               Column(_("Programme")), Column(_("Month"), MONTH), Column(_("Amount (Rp)"), NUMBER),
               Column(_("Paid (Rp)"), NUMBER), Column(_("Paid on"), DATE)]

    def rows():
        for line in lines.iterator(chunk_size=2000):
            yield [invoice.number, access.nik_for_display(line.worker), line.worker.name, line.worker.village_id,
                   line.get_program_display(), line.month, line.amount, line.paid, line.paid_on]
    return export_response(request, invoice.number, columns, rows(), title=invoice.number)


@login_required
def runs(request):
    access = request.access
    access.require("billing.view")
    form = RunForm(request.POST or None)
    if request.method == "POST":
        access.require("billing.run")
        if form.is_valid():
            result = bill(access, form.cleaned_data["month"])
            if result.lines:
                messages.success(request, _("%(month)s billed: %(invoices)d invoices, %(lines)d lines, Rp%(amount)s.")
                                 % {"month": result.month.strftime("%Y-%m"), "invoices": result.invoices,
                                    "lines": result.lines, "amount": number(result.amount)})
            else:
                messages.info(request, _("Nothing new to bill for %(month)s.") % {
                    "month": result.month.strftime("%Y-%m")})
            for item in result.unpriced:
                messages.warning(request, _("Not billed (%(rows)d rows): %(reason)s") % item)
            return redirect("billing-runs")
    recent = BillingRun.objects.all()[:24] if access.can("billing.run") else BillingRun.objects.none()
    return render(request, "billing/runs.html", {"form": form, "runs": recent})


@login_required
def statements(request):
    access = request.access
    access.require("payment.import")
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_statement(access, upload.read(), upload.name)
        except DomainError as exc:
            to_messages(request, exc)
        else:
            if result.already_imported:
                messages.warning(request, _("This statement was imported before: nothing recorded."))
            else:
                by_match = result.by_match
                messages.success(request, _(
                    "%(rows)s rows: %(full)s paid an invoice in full; %(different)s paid a different amount "
                    "(recorded, to check); %(none)s matched no invoice (not recorded); %(dupes)s were already "
                    "recorded before. %(open)s rows wait under “To resolve”.") % {
                    "rows": number(result.rows), "full": number(by_match.get(Match.MATCHED, 0)),
                    "different": number(by_match.get(Match.UNDERPAID, 0) + by_match.get(Match.OVERPAID, 0)),
                    "none": number(by_match.get(Match.UNMATCHED, 0)), "dupes": number(result.duplicates),
                    "open": number(result.open_items)})
            return redirect("billing-statement", pk=result.statement_id)
    listed = with_row_counts(visible_statements(access))[:50]
    return render(request, "billing/statements.html", {"form": form, "statements": listed})


@login_required
def statement_detail(request, pk):
    access = request.access
    statement = get_object_or_404(with_row_counts(visible_statements(access)), pk=pk)
    rows = visible_statement_rows(access).filter(statement=statement).select_related("invoice", "invoice__funder")
    return render(request, "billing/statement_detail.html", {"statement": statement, "rows": rows})


@login_required
def reconciliation(request):
    access = request.access
    access.require("payment.resolve")
    items = open_items(access)
    return render(request, "billing/reconciliation.html", {"items": items[:200], "count": items.count(),
                                                           "form": ResolveForm()})


@login_required
@require_POST
def reconciliation_resolve(request, pk):
    access = request.access
    row = get_object_or_404(visible_statement_rows(access), pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        invoice = None
        number = form.cleaned_data["invoice"].strip()
        if number:
            invoice = visible_invoices(access).filter(number__iexact=number).first()
            if invoice is None:
                messages.error(request, _("No invoice %(number)s in your scope.") % {"number": number})
                return redirect("billing-reconciliation")
        try:
            resolve(access, row, form.cleaned_data["action"], invoice=invoice, note=form.cleaned_data["note"])
            messages.success(request, _("Row %(ref)s updated.") % {"ref": row.reference})
        except (PermissionDenied, ValidationError, DomainError) as exc:
            to_messages(request, exc)
    return redirect("billing-reconciliation")


@login_required
def collections(request):
    """The agent's desk: self-payers' invoices to collect, collections made, commission earned."""
    access = request.access
    access.require("payment.collect")
    invoices = (visible_invoices(access).filter(funder__kind__in=COLLECTED_KINDS)
                .select_related("funder", "funder__worker").order_by("status", "-month"))
    invoices = [i for i in invoices[:300] if can_collect_for(access, i.funder)]
    commissions = AgentCommission.objects.filter(agent=request.user).select_related("payment", "payment__invoice")
    totals = commissions.aggregate(collected=Sum("collected"), agent=Sum("agent_share"), wadah=Sum("wadah_share"))
    return render(request, "billing/collections.html", {
        "invoices": invoices, "commissions": commissions[:100], "totals": totals, "form": CollectForm()})


@login_required
def funder_overview(request, funder_id=None):
    """What a funder's money did: invoices, payments, and the worker-months its payments covered."""
    access = request.access
    access.require("billing.view")
    if funder_id is None:
        if not access.funder_id:
            return redirect("billing-invoices")
        funder_id = access.funder_id
    invoices = visible_invoices(access).filter(funder_id=funder_id)
    funder = get_object_or_404(Funder.objects.select_related("region"), pk=funder_id)
    if not invoices.exists() and not access.is_national and access.funder_id != funder.pk:
        raise Http404
    figures = funder_paid(access, funder)
    context = {
        "funder": funder,
        "totals": invoices.aggregate(total=Sum("total"), paid=Sum("paid"), n=Count("id")),
        "invoices": invoices.order_by("-month", "seq")[:36],
        "payments": Payment.objects.filter(invoice__in=invoices).select_related("invoice").order_by("-paid_on")[:20],
        "by_month": figures["by_month"], "max_workers": max([r["workers"] for r in figures["by_month"]] or [0]),
        "by_regency": figures["by_regency"], "workers": figures["workers"], "worker_months": figures["worker_months"],
    }
    return render(request, "billing/funder.html", context)
