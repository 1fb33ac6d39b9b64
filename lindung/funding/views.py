"""Funding pages: each role's daily work. Thin views: rows come from ``scope``, changes from ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.routing import replica_view
from lindung.errors import DomainError, to_messages
from lindung.formatting import number
from lindung.people.models import Segment
from lindung.people.services import search_workers
from lindung.redirects import back_to
from lindung.regions.models import region_field
from lindung.rules.choices import Program, SOURCE_OF_FUNDER_KIND
from lindung.paging import page_of
from lindung.tabular import Column, ID, MONTH, NUMBER, export_response

from . import budget as budgets
from . import matching
from .approval import approve_batch, cancel_batch, cancel_sponsorship
from .budget import budget_impact, set_budget
from .errors import AlreadyCovered
from .forms import BudgetForm, MatchForm, ProposeForm
from .impact import REGION_FIELDS, funder_impact, graduation_report
from .kinds import allowed_sources
from .lifecycle import continue_as_self_payer, ending_soon, not_continued
from .models import BatchState, FunderKind, Sponsorship, SponsorshipState
from .pricing import QuoteCache
from .sponsorships import conflicting_worker_ids, propose_sponsorships, refusal
from .scope import (
    awaiting_approval, budget_funders, can_act_for, can_approve_for, may_approve, own_funder, proposable_funders,
    visible_batches, visible_funders, visible_sponsorships,
)


def _disclosed_page(access, rows, per_page: int, request, door: str):
    """One page of rows showing workers, recorded as a disclosure of those workers."""
    page = page_of(request, rows, per_page)
    page.object_list = list(page.object_list)
    access.disclose(page.object_list, door=door)
    return page


TO_APPROVE = "to-approve"  # the list filter "waiting for my approval" (the home page's inbox links to it)


@login_required
def home(request):
    access = request.access
    access.require("funding.view")
    ending = ending_soon(access)
    context = {
        "to_approve": awaiting_approval(access),
        "my_proposals": (visible_batches(access).filter(state=BatchState.PROPOSED, proposed_by=request.user)
                         .select_related("funder").annotate(n=Count("sponsorships"))[:50]),
        "pool_count": matching.pool(access).count(),
        "ending_count": not_continued(ending).count(),
        "funders": visible_funders(access).exclude(kind=FunderKind.SELF).select_related("region")[:30],
        "own_funder": None,
    }
    if access.funder_id:
        funder = visible_funders(access).get()
        context["own_funder"] = funder
        context["impact"] = funder_impact(access, funder)
    return render(request, "funding/home.html", context)


@login_required
def funder_list(request):
    access = request.access
    access.require("funding.view")
    funders = visible_funders(access).select_related("region").annotate(n=Count("sponsorships")).order_by("kind", "name")
    kind = request.GET.get("kind", "")
    if kind in FunderKind.values:
        funders = funders.filter(kind=kind)
    page = page_of(request, funders, 50)
    return render(request, "funding/funder_list.html", {"page": page, "kind": kind, "kinds": FunderKind.choices})


@login_required
def funder_detail(request, pk):
    access = request.access
    funder = get_object_or_404(visible_funders(access).select_related("region", "agent"), pk=pk)
    may_budget = access.can("budget.edit") and can_act_for(access, funder)
    form = BudgetForm(request.POST or None, initial={"fiscal_year": timezone.localdate().year})
    form.fields["source"].choices = [c for c in form.fields["source"].choices if c[0] in allowed_sources(funder.kind)]
    if request.method == "POST":
        if not may_budget:
            raise PermissionDenied(_("You may not manage this funder's budget."))
        if form.is_valid():
            try:
                set_budget(access, funder, **form.cleaned_data)
                messages.success(request, _("Budget saved."))
                return redirect("funding-funder", pk=funder.pk)
            except DomainError as exc:
                to_messages(request, exc)
    cache = QuoteCache()
    sponsorships = (visible_sponsorships(access).filter(funder=funder).select_related("worker", "worker__village")
                    .order_by("-start_month", "worker__name_key"))
    return render(request, "funding/funder_detail.html", {
        "funder": funder, "form": form if may_budget else None,
        "budgets": ([budgets.summary(b, cache) for b in funder.budgets.order_by("-fiscal_year", "source")]
                    if budget_funders(access).filter(pk=funder.pk).exists() else []),
        "impact": funder_impact(access, funder),
        "page": _disclosed_page(access, sponsorships, 50, request, "page:/funding/funders/"),
        "can_match": access.can("matching.run") and can_act_for(access, funder) and funder.kind in (
            FunderKind.COMPANY, FunderKind.DONOR, FunderKind.SERTAKAN),
    })


@login_required
def batch_list(request):
    access = request.access
    access.require("funding.view")
    state = request.GET.get("state", "")
    batches = (visible_batches(access).select_related("funder", "proposed_by", "approved_by")
               .annotate(n=Count("sponsorships")).order_by("-created_at", "-id"))
    to_approve = awaiting_approval(access)
    if state == TO_APPROVE:
        batches = batches.filter(pk__in=[b.pk for b in to_approve])
    elif state in BatchState.values:
        batches = batches.filter(state=state)
    page = page_of(request, batches, 50)
    return render(request, "funding/batch_list.html", {
        "page": page, "state": state, "states": BatchState.choices, "to_approve": to_approve,
        "to_approve_state": TO_APPROVE})


@login_required
def batch_detail(request, pk, already=None):
    access = request.access
    batch = get_object_or_404(visible_batches(access).select_related("funder", "proposed_by", "approved_by"), pk=pk)
    rows = (visible_sponsorships(access).filter(batch=batch).select_related("worker", "worker__village")
            .order_by("worker__village_id", "worker__name_key"))
    approvable = may_approve(access, batch)
    return render(request, "funding/batch_detail.html", {
        "batch": batch, "page": _disclosed_page(access, rows, 100, request, "page:/funding/lists/"),
        "total": batch.sponsorships.count(), "visible": rows.count(),
        "impact": budget_impact(batch) if batch.state == BatchState.PROPOSED else [],
        "may_approve": approvable, "already": already, "full_nik": access.sees_full_nik(),
        "may_cancel": batch.state == BatchState.PROPOSED and (approvable or batch.proposed_by_id == request.user.pk
                                                     or can_approve_for(access, batch.funder)),
    })


@login_required
@require_POST
def batch_approve(request, pk):
    batch = get_object_or_404(visible_batches(request.access), pk=pk)
    try:
        batch = approve_batch(request.access, batch, drop_covered=bool(request.POST.get("drop_covered")))
        messages.success(request, _("List approved: %(n)s sponsorships.") % {"n": number(batch.count)})
    except AlreadyCovered as exc:
        # Say who and why on the list itself, and offer to approve it without them (drop_covered).
        terms = batch.sponsorships.order_by("id").values_list("programs", "start_month", "months").first()
        return batch_detail(request, pk, already=refusal(exc.worker_ids, batch.sponsorships.count(), *terms,
                                                         exclude_batch=batch))
    except DomainError as exc:
        to_messages(request, exc)
    return redirect("funding-list", pk=pk)


@login_required
@require_POST
def batch_cancel(request, pk):
    batch = get_object_or_404(visible_batches(request.access), pk=pk)
    try:
        cancel_batch(request.access, batch)
        messages.success(request, _("List cancelled."))
    except DomainError as exc:
        to_messages(request, exc)
    return redirect("funding-list", pk=pk)


def _filtered_workers(access, params):
    workers = search_workers(access, q=params.get("q", ""), region=params.get("region", ""))
    segment = params.get("segment", "")
    if segment in Segment.values:
        workers = workers.filter(segment=segment)
    return workers


@login_required
def propose(request):
    access = request.access
    access.require("sponsorship.propose")
    funders = proposable_funders(access)
    if not funders:
        raise PermissionDenied(_("There is no funder you may propose sponsorships for."))
    params = request.POST if request.method == "POST" else request.GET
    workers = _filtered_workers(access, params)
    mine = own_funder(access, funders)
    source = SOURCE_OF_FUNDER_KIND.get(mine.kind)
    form = ProposeForm(request.POST or None, funders=funders, initial={
        "funder": mine.pk,
        "funding_source": source if source in allowed_sources(mine.kind) else sorted(allowed_sources(mine.kind))[0]})
    already = None
    if request.method == "POST" and form.is_valid():
        funder = next(f for f in funders if f.pk == form.cleaned_data["funder"])
        d = form.cleaned_data
        ids = workers if d["all_matching"] else [int(i) for i in request.POST.getlist("worker") if i.isdigit()]
        try:
            batch = propose_sponsorships(access, funder, ids, d["programs"], d["start_month"], d["months"],
                                         d["funding_source"], d["note"], skip_covered=d["skip_covered"])
            messages.success(request, _("List proposed: %(n)s workers, waiting for approval.") % {
                "n": number(batch.count)})
            if batch.skipped_worker_ids:
                messages.warning(request, _("%(n)s workers were left out: they already have a payer (or an open "
                                            "proposal) for some of these months.") % {
                    "n": number(len(batch.skipped_worker_ids))})
            return redirect("funding-list", pk=batch.pk)
        except AlreadyCovered as exc:
            # Say who and why, and offer to go on without them (the same list, with skip_covered).
            total = len(ids) if isinstance(ids, list) else ids.count()
            already = refusal(exc.worker_ids, total, d["programs"], d["start_month"], d["months"])
        except DomainError as exc:
            to_messages(request, exc)
    shown = list(workers[:200])
    access.disclose(shown, door="page:/funding/propose/")
    return render(request, "funding/propose.html", {
        "form": form, "workers": shown, "count": workers.count(), "params": params,
        "segments": Segment.choices, "full_nik": access.sees_full_nik(), "already": already,
        "ticked": {int(i) for i in request.POST.getlist("worker") if i.isdigit()},
    })


@login_required
def pool_page(request):
    access = request.access
    access.require("funding.view")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("worker") if i.isdigit()]
        try:
            n = matching.add_to_pool(access, ids, note=request.POST.get("note", ""))
            messages.success(request, _("%(n)d worker(s) added to the waiting pool.") % {"n": n})
        except DomainError as exc:
            to_messages(request, exc)
        return redirect("funding-pool")
    entries = matching.pool(access).order_by("since", "id")
    may_add = access.can("pool.propose")
    candidates = []
    if may_add:
        waiting = entries.values("worker_id")
        open_sponsorship = Sponsorship.objects.filter(worker=OuterRef("pk"), state__in=SponsorshipState.open())
        candidates = list((_filtered_workers(access, request.GET).exclude(pk__in=waiting)
                           .exclude(Exists(open_sponsorship)))[:200])
    page = _disclosed_page(access, entries, 50, request, "page:/funding/pool/")
    access.disclose(candidates, door="page:/funding/pool/ (candidates)")
    return render(request, "funding/pool.html", {
        "page": page, "candidates": candidates,
        "may_add": may_add, "params": request.GET, "segments": Segment.choices, "now": timezone.now(),
        "full_nik": access.sees_full_nik(),
    })


@login_required
@require_POST
def pool_withdraw(request, pk):
    entry = get_object_or_404(matching.pool(request.access), pk=pk)
    matching.withdraw_from_pool(request.access, entry, note=request.POST.get("note", ""))
    messages.success(request, _("Withdrawn from the waiting pool."))
    return redirect("funding-pool")


@login_required
def match(request, pk):
    """Donor matching: criteria → fair proposal with cost → confirmation."""
    access = request.access
    funder = get_object_or_404(visible_funders(access), pk=pk)
    access.require("matching.run")
    form = MatchForm(request.POST or request.GET or None)
    proposal = already = None
    ids = []
    if form.is_bound and form.is_valid():
        try:
            if request.method == "POST" and request.POST.get("confirm"):
                ids = [int(i) for i in request.POST.getlist("worker") if i.isdigit()]
                batch = matching.confirm(access, funder, ids, form.request(),
                                         skip_taken=bool(request.POST.get("skip_taken")))
                messages.success(request, _("Confirmed: %(n)d workers are now covered by %(funder)s.") % {
                    "n": batch.count, "funder": funder.name})
                if batch.skipped_worker_ids:
                    messages.warning(request, _("%(n)s workers were left out: they already have a payer (or an open "
                                                "proposal) for some of these months.") % {
                        "n": number(len(batch.skipped_worker_ids))})
                return redirect("funding-funder", pk=funder.pk)
            proposal = matching.preview(access, funder, form.request())
        except AlreadyCovered as exc:
            # Who was taken meanwhile and why (masked, without the other funders' names), and the choice
            # to confirm the others; the fresh proposal is shown below.
            r = form.request().clean()
            with_payer = conflicting_worker_ids(exc.worker_ids, r.programs, r.start_month, r.months)
            already = refusal(exc.worker_ids, len(set(ids)), r.programs, r.start_month, r.months,
                              gone=len(set(exc.worker_ids) - with_payer))
            proposal = matching.preview(access, funder, r)
        except DomainError as exc:
            to_messages(request, exc)
    return render(request, "funding/match.html", {"funder": funder, "form": form, "proposal": proposal,
                                                  "already": already, "chosen": sorted(set(ids)), "donor": True})


@login_required
def ending(request):
    access = request.access
    access.require("funding.view")
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    rows = ending_soon(access, days=days)
    only_open = request.GET.get("open") == "1"
    if only_open:
        rows = not_continued(rows)
    return render(request, "funding/ending.html", {
        "only_open": only_open,
        "page": _disclosed_page(access, rows, 100, request, "page:/funding/ending/"), "days": days,
        "may_handover": access.can("sponsorship.handover"), "full_nik": access.sees_full_nik(),
    })


@login_required
@require_POST
def handover(request, pk):
    sponsorship = get_object_or_404(visible_sponsorships(request.access), pk=pk)
    try:
        months = max(1, min(int(request.POST.get("months", 12)), 60))
        new = continue_as_self_payer(request.access, sponsorship, months=months,
                                     wadah=request.POST.get("wadah", ""))
        messages.success(request, _("%(name)s continues as a self-payer from %(month)s.") % {
            "name": new.worker.name, "month": f"{new.start_month:%Y-%m}"})
    except (DomainError, ValueError) as exc:
        to_messages(request, exc)
    return back_to(request, "funding-ending")


@login_required
@require_POST
def sponsorship_cancel(request, pk):
    sponsorship = get_object_or_404(visible_sponsorships(request.access), pk=pk)
    try:
        cancel_sponsorship(request.access, sponsorship, reason=request.POST.get("reason", ""))
        messages.success(request, _("Sponsorship cancelled; later months are released."))
    except DomainError as exc:
        to_messages(request, exc)
    return back_to(request, "funding-sponsorships")


def _sponsorship_rows(request):
    rows = visible_sponsorships(request.access).select_related("worker", "worker__village", "funder")
    funder, state = request.GET.get("funder", ""), request.GET.get("state", "")
    if funder.isdigit():
        rows = rows.filter(funder_id=int(funder))
    if state in SponsorshipState.values:
        rows = rows.filter(state=state)
    region = request.GET.get("region", "").strip()
    field = region_field(region)
    if field:
        rows = rows.filter(**{f"worker__{field}": region})
    return rows.order_by("-start_month", "worker__name_key", "id")


@login_required
def sponsorship_list(request):
    request.access.require("funding.view")
    rows = _sponsorship_rows(request)
    return render(request, "funding/sponsorship_list.html", {
        "page": _disclosed_page(request.access, rows, 50, request, "page:/funding/sponsorships/"),
        "params": request.GET,
        "states": SponsorshipState.choices, "funders": visible_funders(request.access).exclude(kind=FunderKind.SELF),
        "full_nik": request.access.sees_full_nik(),
    })


@login_required
@replica_view
def sponsorship_export(request):
    """The sponsorships the user may see, as CSV or XLSX (``?format=xlsx``), through the one tabular
    writer; NIKs masked for roles that may not see them."""
    access = request.access
    access.require("worker.export")
    rows = _sponsorship_rows(request)
    full = access.sees_full_nik()
    access.disclose(rows.values_list("worker_id", flat=True).iterator(chunk_size=5000),
                    door="export:/funding/sponsorships/export", export=True)
    field = Sponsorship._meta.get_field
    columns = [Column(_("Sponsorship"), ID), Column(capfirst(field("funder").verbose_name)), Column(_("NIK"), ID),
               Column(_("Name")), Column(_("Village code"), ID), Column(capfirst(field("programs").verbose_name)),
               Column(capfirst(field("funding_source").verbose_name)),
               Column(capfirst(field("start_month").verbose_name), MONTH),
               Column(capfirst(field("end_month").verbose_name), MONTH),
               Column(capfirst(field("months").verbose_name), NUMBER),
               Column(capfirst(field("monthly_amount").verbose_name), NUMBER),
               Column(capfirst(field("state").verbose_name))]
    program_label = dict(Program.choices)

    def lines():
        for s in rows.iterator(chunk_size=2000):
            yield [s.pk, s.funder.name, s.worker.nik if full else s.worker.masked_nik, s.worker.name,
                   s.worker.village_id, ", ".join(str(program_label.get(p, p)) for p in s.programs.split(",")),
                   s.get_funding_source_display(), s.start_month, s.end_month, s.months, s.monthly_amount,
                   s.get_state_display()]

    return export_response(request, "lindung-sponsorships", columns, lines(), title=_("Sponsorships"))


@login_required
def graduation(request):
    access = request.access
    access.require("funding.view")
    level = request.GET.get("level", "regency")
    try:
        rows = graduation_report(access, level=level)
    except DomainError as exc:
        to_messages(request, exc)
        rows, level = graduation_report(access), "regency"
    return render(request, "funding/graduation.html", {"rows": rows, "level": level,
                                                       "levels": list(REGION_FIELDS)})

