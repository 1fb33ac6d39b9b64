"""Agents pages: activity (inactive agents and their workers), the commission statement, acquisitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung import months
from lindung.errors import DomainError, InvalidInput, to_messages
from lindung.months import month_label, parse_month
from lindung.rules.services import agent_activity
from lindung.tabular import NUMBER, Column, export_response

from .services import acquisition, activity, commission_statement, reassign, visible_agents, workers_to_reassign


@login_required
def agent_activity_page(request):
    access = request.access
    acquired = {r["agent_id"]: r for r in acquisition(access)}
    rows = [(a, acquired.get(a.agent.pk, {})) for a in activity(access)]
    return render(request, "agents/activity.html", {
        "rows": rows, "rule": agent_activity(months.today()), "today": months.today()})


@login_required
def agent_workers(request, pk):
    access = request.access
    access.require("agents.view")
    agent = get_object_or_404(visible_agents(access), pk=pk)
    workers = list(workers_to_reassign(access, agent)[:2000])
    others = visible_agents(access).exclude(pk=agent.pk).order_by("username") \
        if access.can("agents.reassign") else []
    return render(request, "agents/workers.html", {
        "agent": agent, "rows": [(w, access.nik_for_display(w)) for w in workers], "others": others})


@login_required
@require_POST
def agent_reassign(request, pk):
    access = request.access
    agents = visible_agents(access)
    source = get_object_or_404(agents, pk=pk)
    target = agents.filter(pk=request.POST.get("to_agent") or 0).first()
    try:
        if target is None:
            raise InvalidInput(_("Choose the agent who takes the workers over."), "to_agent")
        moved = reassign(access, source, target)
    except (PermissionDenied, DomainError) as exc:
        to_messages(request, exc)
    else:
        messages.success(request, _("%(n)d workers moved to %(agent)s.") % {"n": moved, "agent": target.username})
    return redirect("agents-workers", pk=pk)


@login_required
def commissions(request):
    access = request.access
    try:
        month = parse_month(request.GET["month"]) if request.GET.get("month") else months.this_month()
    except InvalidInput as exc:
        to_messages(request, exc)
        month = months.this_month()
    data = commission_statement(access, month)
    if request.GET.get("format") in ("csv", "xlsx"):
        columns = [Column(_("Agent")), Column(_("Wadah")), Column(_("Collections"), NUMBER),
                   Column(_("Collected (Rp)"), NUMBER), Column(_("Commission (Rp)"), NUMBER),
                   Column(_("Agent's part (Rp)"), NUMBER), Column(_("Wadah's part (Rp)"), NUMBER)]
        rows = [[a["agent"], a["wadah"], a["collections"], a["collected"], a["commission"], a["agent_share"],
                 a["wadah_share"]] for a in data["agents"]]
        return export_response(request, f"commissions-{month_label(month)}", columns, rows,
                               title=_("Commission statement"))
    return render(request, "agents/commissions.html", {
        "data": data, "month": month, "previous": months.add_months(month, -1), "next": months.add_months(month, 1)})
