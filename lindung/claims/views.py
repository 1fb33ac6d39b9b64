"""Claims pages: the village operator reports and gathers documents, the branch officer confirms,
verifies, submits and records BPJS's decision, regency and province follow their region, a funder
sees the benefits paid for the workers it funded. Every page asks the access layer; every action
calls the same service as the API and the CLI."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from lindung.errors import DomainError, to_messages

from . import data, scholarships, workflow
from .deadlines import claim_deadlines, overdue
from .documents import SIGNATURES, checklist_status, open_document, upload_document
from .eligibility import check
from .events import confirm_event, funder_credits, prepaid_after_death, reject_event, report_event
from .heirs import add_family_member
from .models import (
    ClaimKind, ClaimState, DeathCause, EventKind, Relationship, ReportState, ScholarshipYear, SchoolLevel,
)
from .scope import in_region, visible_claims, visible_events
from .stats import paid_statistics


class EventForm(forms.Form):
    nik = forms.CharField(label=gettext_lazy("Worker's NIK"), max_length=16, min_length=16)
    kind = forms.ChoiceField(label=gettext_lazy("Event"), choices=EventKind.choices)
    date = forms.DateField(label=gettext_lazy("Date of the event"), widget=forms.DateInput(attrs={"type": "date"}))
    cause = forms.ChoiceField(label=gettext_lazy("Cause of death"), choices=DeathCause.choices, required=False)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class FamilyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    relationship = forms.ChoiceField(label=gettext_lazy("Relationship"), choices=Relationship.choices)
    nik = forms.CharField(label=gettext_lazy("NIK"), max_length=16, required=False)
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    school_level = forms.ChoiceField(label=gettext_lazy("School level"), choices=SchoolLevel.choices, required=False)
    year_in_level = forms.IntegerField(label=gettext_lazy("Year in the school level"), min_value=1, max_value=6,
                                       required=False)


def _date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s: give a date (YYYY-MM-DD).") % {"label": label}) from None


@login_required
def claims_home(request):
    access = request.access
    access.require("claim.view")
    state, region = request.GET.get("state", ""), request.GET.get("region", "").replace(".", "").strip()
    qs = in_region(visible_claims(access), region).select_related("worker", "event").order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    rows = [{"claim": c, "nik": access.nik_for_display(c.worker)} for c in qs[:200]]
    unconfirmed = list(visible_events(access).filter(state=ReportState.UNCONFIRMED).select_related("worker")
                       .order_by("date")[:100])
    access.disclose([r["claim"].worker for r in rows] + [e.worker for e in unconfirmed], door="page:/claims/")
    year = timezone.localdate().year
    return render(request, "claims/home.html", {
        "rows": rows, "states": ClaimState.choices, "state": state, "region": region,
        "unconfirmed": unconfirmed, "overdue": overdue(access)[:50],
        "renewals": scholarships.renewals_due(access, year, region, years=2)[:50], "year": year, "next_year": year + 1,
        "stats": paid_statistics(access, region), "is_funder": access.role == "funder_user",
        "credit": funder_credits(access.funder_id) if access.funder_id else None,
    })


@login_required
def report(request):
    access = request.access
    access.require("event.report")
    form = EventForm(request.POST or None, initial={"kind": request.GET.get("kind", EventKind.DEATH),
                                                    "nik": request.GET.get("nik", "")})
    if request.method == "POST" and form.is_valid():
        worker = access.workers().filter(nik=form.cleaned_data["nik"]).first()
        if worker is None:
            form.add_error("nik", _("No worker with this NIK in your scope."))
        else:
            try:
                event = report_event(access, worker, kind=form.cleaned_data["kind"], date=form.cleaned_data["date"],
                                     cause=form.cleaned_data["cause"], place=form.cleaned_data["place"],
                                     description=form.cleaned_data["description"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Reported. A branch officer confirms the report before it takes effect."))
                return redirect("claims-event", pk=event.pk)
    return render(request, "claims/report.html", {"form": form})


@login_required
def event_detail(request, pk):
    access = request.access
    event = get_object_or_404(visible_events(access).select_related("worker", "reported_by", "confirmed_by"), pk=pk)
    family = list(event.worker.family.all())
    assessment = None
    if event.kind in (EventKind.DEATH, EventKind.DISABILITY):
        name = ("death" if event.cause != DeathCause.WORK_ACCIDENT else "accident-death") \
            if event.kind == EventKind.DEATH else "accident-disability"
        assessment = check(event.worker, name, event.date, claim_date=timezone.localdate()).as_dict()
    cause = event.cause if event.kind == EventKind.DEATH else ""
    kinds = sorted(workflow.KINDS_FOR_EVENT.get((event.kind, cause), set()))
    access.disclose([event.worker], door="page:/claims/events/")
    return render(request, "claims/event.html", {
        "event": event, "nik": access.nik_for_display(event.worker), "family": family,
        "family_form": FamilyForm(), "assessment": assessment,
        "kinds": [(k, ClaimKind(k).label) for k in kinds],
        "claims": visible_claims(access).filter(event=event).order_by("id"),
        "children": [m for m in family if m.relationship == Relationship.CHILD],
        "credits": prepaid_after_death(event.worker) if event.kind == EventKind.DEATH else [],
    })


@login_required
@require_POST
def event_action(request, pk, action):
    access = request.access
    event = get_object_or_404(visible_events(access).select_related("worker"), pk=pk)
    post = request.POST
    try:
        if action == "confirm":
            confirm_event(access, event, note=post.get("note", ""))
            messages.success(request, _("Confirmed."))
        elif action == "reject":
            reject_event(access, event, note=post.get("note", ""))
            messages.success(request, _("The report was rejected; nothing else changed."))
        elif action == "family":
            form = FamilyForm(post)
            if not form.is_valid():
                raise DomainError("; ".join(f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                            for f, e in form.errors.items()))
            cd = form.cleaned_data
            add_family_member(access, event.worker, name=cd["name"], relationship=cd["relationship"], nik=cd["nik"],
                              birth_date=cd["birth_date"], school_level=cd["school_level"] or "none",
                              year_in_level=cd["year_in_level"] or 1)
            messages.success(request, _("Family member added."))
        elif action == "open":
            members = {str(m.pk): m for m in event.worker.family.all()}
            periods = []
            if post.get("period_from") or post.get("period_to"):
                periods = [{"from": post.get("period_from"), "to": post.get("period_to")}]
            claim = workflow.open_claim(access, event, post.get("kind", ""), heir=members.get(post.get("heir", "")),
                                        payee=members.get(post.get("payee", "")),
                                        child=members.get(post.get("child", "")), periods=periods,
                                        bank_name=post.get("bank_name", ""), bank_account=post.get("bank_account", ""),
                                        account_holder=post.get("account_holder", ""))
            messages.success(request, _("Claim opened. Upload the documents on its checklist."))
            return redirect("claims-detail", pk=claim.pk)
        else:
            raise PermissionDenied
    except DomainError as exc:
        to_messages(request, exc)
    except PermissionDenied as exc:
        to_messages(request, exc)
    return redirect("claims-event", pk=event.pk)


@login_required
def claim_detail(request, pk):
    access = request.access
    claim = get_object_or_404(visible_claims(access).select_related("worker", "event", "heir", "payee", "child"), pk=pk)
    open_ = claim.state in ClaimState.open()
    access.disclose([claim.worker], door="page:/claims/")
    return render(request, "claims/claim.html", {
        "claim": claim, "nik": access.nik_for_display(claim.worker),
        "checklist": checklist_status(claim) if access.can("claim.documents") else [],
        "steps": claim.steps.select_related("by"), "deadlines": claim_deadlines(claim),
        "years": claim.years.all(), "family": claim.worker.family.all(),
        "can_upload": access.can("claim.prepare") and (open_ or claim.kind == ClaimKind.SCHOLARSHIP),
        "reasons": [(c, data.REJECTION_LABELS.get(c, c)) for c in data.rejection_reasons()],
        "reject_label": data.REJECTION_LABELS.get(claim.reject_code, claim.reject_code),
        "today": timezone.localdate(), "open": open_,
    })


@login_required
@require_POST
def claim_action(request, pk, action):
    access = request.access
    claim = get_object_or_404(visible_claims(access), pk=pk)
    post = request.POST
    try:
        if action == "upload":
            year = int(post["year"]) if post.get("year", "").isdigit() else None
            if "file" not in request.FILES:
                raise DomainError(_("Choose a file to upload."))
            upload_document(access, claim, kind=post.get("kind", ""), upload=request.FILES["file"], year=year)
            messages.success(request, _("Document uploaded."))
        elif action == "return":
            workflow.return_for_documents(access, claim, note=post.get("note", ""))
        elif action == "verify":
            workflow.verify(access, claim)
            messages.success(request, _("Verified. Another officer submits it to BPJS."))
        elif action == "submit":
            workflow.submit(access, claim)
            messages.success(request, _("Submitted to BPJS."))
        elif action == "paid":
            amount = int(post.get("amount", "").replace(".", "").replace(",", "") or 0)
            workflow.record_paid(access, claim, amount=amount, paid_on=_date(post.get("paid_on"), _("Paid on")),
                                 reference=post.get("reference", ""))
            messages.success(request, _("Payment recorded."))
        elif action == "rejected":
            workflow.record_rejected(access, claim, reason_code=post.get("reason_code", ""), note=post.get("note", ""))
        elif action == "withdraw":
            workflow.withdraw(access, claim, note=post.get("note", ""))
        elif action == "payment-details":
            payee = claim.worker.family.filter(pk=post.get("payee") or 0).first()
            workflow.set_payment_details(access, claim, payee=payee, bank_name=post.get("bank_name", ""),
                                         bank_account=post.get("bank_account", ""),
                                         account_holder=post.get("account_holder", ""))
            messages.success(request, _("Payment details saved."))
        elif action == "stop":
            year = post.get("from_year", "")
            if not year.isdigit():
                raise DomainError(_("Give the first school year without payment."))
            n = scholarships.stop(access, claim, reason=post.get("reason", ""), from_year=int(year))
            messages.success(request, _("Scholarship stopped: %(n)d years.") % {"n": n})
        elif action == "year-paid":
            row = get_object_or_404(ScholarshipYear, pk=post.get("year_id"), claim=claim)
            scholarships.record_year_paid(access, row, paid_on=_date(post.get("paid_on"), _("Paid on")))
            messages.success(request, _("Payment recorded."))
        else:
            raise PermissionDenied
    except (DomainError, PermissionDenied) as exc:
        to_messages(request, exc)
    return redirect("claims-detail", pk=claim.pk)


@login_required
def document(request, pk):
    """A claim document, only for a user allowed to see it; every view is audited (in open_document)."""
    row, content = open_document(request.access, pk)
    response = HttpResponse(content, content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="claim-{row.claim_id}-{row.kind}{_ext(row.content_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _ext(content_type: str) -> str:
    return SIGNATURES.get(content_type, ("",))[0]


@login_required
def statistics_fragment(request):
    """Benefits paid in a region (for the coverage dashboard)."""
    access = request.access
    if not access.can("claim.view"):
        return HttpResponse("")
    return render(request, "claims/_statistics.html", {
        "stats": paid_statistics(access, request.GET.get("region", "")), "region": request.GET.get("region", "")})

