"""Agents API under /api/v1/agents: commission statement, activity, workers to reassign, acquisitions.

Agents come from ``lindung.agents.services.visible_agents`` (the access layer); refusals 403/404/422.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from lindung.api.fields import DayText, Id, MonthRequired, ids, text
from lindung.months import parse_day, parse_month

from .services import acquisition, activity, commission_statement, reassign, visible_agents, workers_to_reassign

router = Router(tags=["agents"])


class ReassignIn(Schema):
    to_agent_id: Id
    worker_ids: ids() | None = None


@router.get("/commissions", summary="The month's commission statement per agent and wadah")
def commissions(request, month: MonthRequired):
    return commission_statement(request.access, parse_month(month))


@router.get("/activity", summary="Agents, active or inactive on a day (default today)")
def agents_activity(request, date: DayText = ""):
    return [a.as_dict() for a in activity(request.access, parse_day(date) if date else None)]


@router.get("/acquisition", summary="Per agent: workers registered, acquired, not yet")
def agents_acquisition(request, date: DayText = ""):
    return acquisition(request.access, parse_day(date) if date else None)


@router.get("/{agent_id}/workers", summary="An agent's workers, for reassignment")
def agent_workers(request, agent_id: Id):
    access = request.access
    access.require("agents.view")
    agent = get_object_or_404(visible_agents(access), pk=agent_id)
    return [{"id": w.pk, "name": w.name, "nik": access.nik_for_display(w), "village_code": w.village_id}
            for w in workers_to_reassign(access, agent)[:5000]]


@router.post("/{agent_id}/reassign", summary="Move an agent's workers to another agent")
def agent_reassign(request, agent_id: Id, payload: ReassignIn):
    request.access.require("agents.reassign")
    agents = visible_agents(request.access)
    source = get_object_or_404(agents, pk=agent_id)
    target = get_object_or_404(agents, pk=payload.to_agent_id)
    return {"moved": reassign(request.access, source, target, payload.worker_ids)}
