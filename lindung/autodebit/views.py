"""Auto-debit pages. Thin views: rows come from ``scope`` (the access layer), changes from ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.coverage import services as coverage
from lindung.coverage.models import Status
from lindung import months
from lindung.errors import DomainError, lines
from lindung.months import month_label
from lindung.paging import page_of
from lindung.tabular import ID, MONTH, NUMBER, Column, export_response

from .forms import ExportForm, FollowUpForm, MandateForm, ReturnFileForm, StateForm
from .models import MandateState, ReturnFile
from .scope import visible_mandates
from .services import (bank_for, change_state, debit_lines, export_debit_file, follow_up, import_return_file,
                       open_failures, register_mandate, reveal_account, totals_by_state)


def _errors(request, exc):
    for line in lines(exc)[:50]:
        messages.error(request, line)


def _worker_in_scope(access, text: str):
    text = (text or "").strip()
    workers = access.workers()
    if len(text) == 16 and text.isdigit():
        return workers.filter(nik=text).first()
    return workers.filter(pk=int(text)).first() if text.isdigit() else None


@login_required
def mandate_list(request):
    access = request.access
    access.require("autodebit.view")
    qs = visible_mandates(access).select_related("worker", "worker__village", "bank").order_by("-created_at", "-id")
    state = request.GET.get("state", "")
    if state in MandateState.values:
        qs = qs.filter(state=state)
    if request.GET.get("q"):
        q = request.GET["q"].strip()
        qs = qs.filter(Q(worker__name__icontains=q) | Q(worker__nik=q) | Q(account_holder__icontains=q))
    form = None
    if access.can("autodebit.register"):
        form = MandateForm(request.POST or None, initial={"start_month": month_label(months.this_month())})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            worker = _worker_in_scope(access, data["worker"])
            if worker is None:
                form.add_error("worker", _("No worker with this id or NIK in your scope."))
            else:
                try:
                    mandate = register_mandate(
                        access, worker, bank=bank_for(data["bank"]), account_holder=data["account_holder"],
                        account_number=data["account_number"], debit_day=data["debit_day"],
                        programs=data["programs"], start_month=data["start_month"], end_month=data["end_month"])
                except (PermissionDenied, DomainError) as exc:
                    _errors(request, exc)
                else:
                    messages.success(request, _("Mandate registered."))
                    return redirect("autodebit-mandate", pk=mandate.pk)
    page = page_of(request, qs, 50)
    access.disclose(page.object_list, door="page:/autodebit/")
    return render(request, "autodebit/mandates.html", {
        "page": page, "form": form, "totals": totals_by_state(access), "states": MandateState.choices,
        "filters": {"state": state, "q": request.GET.get("q", "")}})


@login_required
def mandate_detail(request, pk):
    access = request.access
    access.require("autodebit.view")
    mandate = get_object_or_404(visible_mandates(access).select_related("worker", "bank", "registered_by"), pk=pk)
    if request.method == "POST":
        form = StateForm(request.POST)
        if form.is_valid():
            try:
                change_state(access, mandate, form.cleaned_data["state"], reason=form.cleaned_data["reason"])
            except (PermissionDenied, DomainError) as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Mandate updated."))
        return redirect("autodebit-mandate", pk=pk)
    this_month = months.this_month()
    access.disclose([mandate], door="page:/autodebit/mandates/")
    return render(request, "autodebit/mandate.html", {
        "mandate": mandate, "account": reveal_account(access, mandate),
        "nik": access.nik_for_display(mandate.worker),
        "status": Status(coverage.status_of(mandate.worker, this_month)).label, "month": this_month,
        "debits": mandate.debits.select_related("payment").order_by("-month"),
        "state_form": StateForm(initial={"state": mandate.state}) if access.can("autodebit.register") else None})


@login_required
def export(request):
    access = request.access
    access.require("autodebit.export")
    form = ExportForm(request.GET or None, initial={"month": month_label(months.this_month())})
    run = None
    if request.GET and form.is_valid():
        bank = bank_for(form.cleaned_data["bank"])
        if request.GET.get("download"):
            try:
                text, run = export_debit_file(access, form.cleaned_data["month"], bank)
            except DomainError as exc:  # a value that does not fit the bank's fixed-width layout
                _errors(request, exc)
            else:
                response = HttpResponse(text, content_type="text/plain; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="debit-{bank.code}-{run.month:%Y-%m}.txt"'
                return response
        run = debit_lines(access, form.cleaned_data["month"], bank)
    return render(request, "autodebit/export.html", {"form": form, "run": run, "query": request.GET.urlencode()})


@login_required
def returns(request):
    access = request.access
    access.require("autodebit.import")
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_return_file(access, bank_for(form.cleaned_data["bank"]), upload.name, upload.read())
        except (PermissionDenied, DomainError) as exc:
            _errors(request, exc)
        else:
            if result.imported_before:
                messages.warning(request, _("This return file was imported before: nothing recorded."))
            else:
                messages.success(request, _("%(rows)d lines: %(ok)d debited (payments recorded), %(failed)d failed, "
                                            "%(dupes)d already recorded.") % {
                    "rows": result.rows, "ok": result.debited, "failed": result.failed, "dupes": result.duplicates})
                if result.suspended:
                    messages.warning(request, _("Suspended after repeated failures: %(ids)s") % {
                        "ids": ", ".join(f"#{i}" for i in result.suspended)})
            return redirect("autodebit-returns")
    files = ReturnFile.objects.all() if access.is_national else ReturnFile.objects.filter(imported_by=access.user)
    return render(request, "autodebit/returns.html", {"form": form, "files": files.select_related("bank")[:50]})


@login_required
def failures(request):
    access = request.access
    access.require("autodebit.view")
    this_month = months.this_month()
    rows = [(d, coverage.status_of(d.mandate.worker, this_month)) for d in open_failures(access)[:500]]
    if request.GET.get("format") in ("csv", "xlsx"):
        access.disclose([d.mandate for d, _status in rows], door="export:/autodebit/failures/", export=True)
        columns = [Column(_("Month"), MONTH), Column(_("Worker")), Column("NIK", ID), Column(_("Village")),
                   Column(_("Agent")), Column(_("Amount (Rp)"), NUMBER), Column(_("Bank's reason")),
                   Column(_("Mandate"), ID), Column(_("Cover"))]
        data = [[d.month, d.mandate.worker.name, access.nik_for_display(d.mandate.worker),
                 d.mandate.worker.village.name, getattr(d.mandate.registered_by, "username", ""), d.amount,
                 f"{d.get_reason_display()} ({d.reason_code})", str(d.mandate_id), str(Status(status).label)]
                for d, status in rows]
        return export_response(request, f"failed-debits-{month_label(this_month)}", columns, data,
                               title=_("Failed debits"))
    access.disclose([d.mandate for d, _status in rows], door="page:/autodebit/failures/")
    return render(request, "autodebit/failures.html", {
        "rows": rows, "month": this_month, "can_follow_up": access.can("autodebit.followup")})


@login_required
@require_POST
def failure_follow_up(request, pk):
    debit = get_object_or_404(open_failures(request.access), pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            follow_up(request.access, debit, note=form.cleaned_data["note"])
        except (PermissionDenied, DomainError) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
    else:
        messages.error(request, _("Say what was done (visited, collected by hand, new account …)."))
    return redirect("autodebit-failures")
