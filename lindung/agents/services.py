"""The Perisai agent lifecycle (RULES.md §8), computed from what is recorded elsewhere.

- the monthly **commission statement** per agent and per wadah, summed from billing's
  ``AgentCommission`` rows (the commission itself is computed when a collection is recorded);
- **activity**: an agent with no new member (a worker it registered) in the last
  ``inactive_after_months`` months is inactive, and its workers are listed for reassignment;
- **acquisition**: a worker an agent registered counts as acquired once he has
  ``acquired_after_months`` months of contributions (covered months, from coverage).

Both numbers are rule data (``agent_activity``, effective-dated), read for the day asked about. Nothing
here is stored: the state of an agent changes with time alone, so it is computed when asked (as a
worker's cover status is).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import months
from lindung.accounts.models import Role, User
from lindung.audit import services as audit
from lindung.billing.models import AgentCommission
from lindung.billing.scope import actor
from lindung.coverage.models import MemberStatus
from lindung.errors import InvalidInput
from lindung.funding.models import Funder, FunderKind
from lindung.people.models import Worker
from lindung.rules.services import agent_activity


class AgentError(InvalidInput):
    """A request about agents the rules refuse."""


# --- which agents ------------------------------------------------------------------------------

def visible_agents(access):
    """Agents a user may follow: an agent itself; government roles the agents assigned inside or above their
    regions (a branch officer of Gresik sees the Cerme agent); the national administrator all of them."""
    if not access.can("agents.view"):
        return User.objects.none()
    agents = User.objects.filter(role=Role.AGENT)
    if access.is_national:
        return agents
    if access.role == Role.AGENT:
        return agents.filter(pk=access.user.pk)
    q = Q(pk__in=[])
    for code in access.region_codes:
        q |= Q(regions__code__startswith=code)
        for length in (2, 4, 6):
            if len(code) > length:
                q |= Q(regions__code=code[:length])
    return agents.filter(q).distinct()


# --- the commission statement -----------------------------------------------------------------

def commission_statement(access, month: dt.date) -> dict:
    """Commission earned in ``month`` (by the day of each collection), per agent and per wadah."""
    access.require("agents.view")
    month = months.first_of_month(month)
    end = months.add_months(month, 1)
    rows = (AgentCommission.objects.filter(agent__in=visible_agents(access), payment__paid_on__gte=month,
                                           payment__paid_on__lt=end)
            .order_by().values("agent_id", "agent__username", "agent__first_name", "wadah")
            .annotate(collections=Count("id"), collected=Sum("collected"), agent_share=Sum("agent_share"),
                      wadah_share=Sum("wadah_share")))
    agents, wadahs = [], {}
    for r in sorted(rows, key=lambda r: (r["wadah"], r["agent__username"])):
        line = {"agent_id": r["agent_id"], "agent": r["agent__username"], "name": r["agent__first_name"],
                "wadah": r["wadah"], "collections": r["collections"], "collected": r["collected"],
                "commission": r["agent_share"] + r["wadah_share"], "agent_share": r["agent_share"],
                "wadah_share": r["wadah_share"]}
        agents.append(line)
        w = wadahs.setdefault(r["wadah"], {"wadah": r["wadah"], "agents": 0, "collected": 0, "commission": 0,
                                           "wadah_share": 0})
        w["agents"] += 1
        for key in ("collected", "commission", "wadah_share"):
            w[key] += line[key]
    totals = {key: sum(a[key] for a in agents) for key in ("collections", "collected", "commission", "agent_share",
                                                          "wadah_share")}
    return {"month": months.month_label(month), "agents": agents, "wadahs": list(wadahs.values()),
            "totals": totals}


# --- activity ----------------------------------------------------------------------------------

def months_before(day: dt.date, n: int) -> dt.date:
    """The same day ``n`` months earlier (the month's last day when it is shorter)."""
    first = months.add_months(day.replace(day=1), -n)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


@dataclass
class AgentActivity:
    agent: User
    last_new_member: dt.date | None
    workers: int
    active: bool
    inactive_since: dt.date | None  # the day the rule's window closed without a new member

    def as_dict(self) -> dict:
        return {"agent_id": self.agent.pk, "agent": self.agent.username, "name": self.agent.first_name,
                "last_new_member": self.last_new_member, "workers": self.workers, "active": self.active,
                "inactive_since": self.inactive_since}


def activity(access, on: dt.date | None = None) -> list[AgentActivity]:
    """Every visible agent's state on a day: inactive when it registered no new member in the last
    ``inactive_after_months`` months (rule data ``agent_activity`` in force that day)."""
    access.require("agents.view")
    on = on or months.today()
    window = agent_activity(on).inactive_after_months
    since = months_before(on, window)
    agents = list(visible_agents(access).order_by("username"))
    stats = {r["registered_by"]: r for r in Worker.objects.filter(registered_by__in=agents).order_by()
             .values("registered_by").annotate(n=Count("id"), last=Max("created_at"))}
    out = []
    for agent in agents:
        row = stats.get(agent.pk)
        last = timezone.localdate(row["last"]) if row else None
        started = timezone.localdate(agent.date_joined)
        reference = max(d for d in (last, started) if d is not None)
        active = reference > since
        out.append(AgentActivity(agent=agent, last_new_member=last, workers=row["n"] if row else 0, active=active,
                                 inactive_since=None if active else _window_end(reference, window)))
    return out


def _window_end(reference: dt.date, window: int) -> dt.date:
    end = reference.replace(day=1)
    end = months.add_months(end, window)
    return end.replace(day=min(reference.day, calendar.monthrange(end.year, end.month)[1]))


def workers_to_reassign(access, agent: User):
    """The workers of an inactive agent, for another agent to take over."""
    access.require("agents.view")
    if not visible_agents(access).filter(pk=agent.pk).exists():
        raise PermissionDenied(_("This agent is outside your scope."))
    return Worker.objects.filter(registered_by=agent).select_related("village").order_by("village_id", "name")


def reassign(access, from_agent: User, to_agent: User, worker_ids=None) -> int:
    """Move an agent's workers (all, or the ids given) to another agent: the new agent registered them for
    scope, and collects from those who pay themselves. Audited."""
    access.require("agents.reassign")
    visible = visible_agents(access)
    if not visible.filter(pk=from_agent.pk).exists() or not visible.filter(pk=to_agent.pk).exists():
        raise PermissionDenied(_("This agent is outside your scope."))
    if from_agent.pk == to_agent.pk:
        raise AgentError(_("Choose another agent to take the workers over."), "to_agent")
    workers = Worker.objects.filter(registered_by=from_agent)
    if worker_ids is not None:
        workers = workers.filter(pk__in=list(worker_ids))
    ids = list(workers.values_list("pk", flat=True))
    with transaction.atomic():
        moved = Worker.objects.filter(pk__in=ids).update(registered_by=to_agent)
        Funder.objects.filter(kind__in=[FunderKind.SELF, FunderKind.SERTAKAN], agent=from_agent,
                              worker_id__in=ids).update(agent=to_agent)
        audit.record(actor(access), audit.Action.UPDATE, to_agent,
                     summary=_("%(n)d workers moved from agent %(old)s to %(new)s") % {
                         "n": moved, "old": from_agent.username, "new": to_agent.username},
                     changes={"registered_by": [from_agent.username, to_agent.username], "workers": [None, ids[:200]]})
    return moved


# --- acquisition -------------------------------------------------------------------------------

def acquisition(access, on: dt.date | None = None, *, registered_from: dt.date | None = None,
                registered_to: dt.date | None = None) -> list[dict]:
    """Per agent: workers it registered (optionally in a period), how many have the contribution months that
    make them acquired (rule data ``agent_activity.acquired_after_months``), how many not yet."""
    access.require("agents.view")
    on = on or months.today()
    needed = agent_activity(on).acquired_after_months
    workers = Worker.objects.filter(registered_by__in=visible_agents(access))
    if registered_from:
        workers = workers.filter(created_at__date__gte=registered_from)
    if registered_to:
        workers = workers.filter(created_at__date__lte=registered_to)
    acquired_ids = MemberStatus.objects.filter(contribution_months__gte=needed).values("worker_id")
    rows = (workers.order_by().values("registered_by", "registered_by__username")
            .annotate(registered=Count("id"), acquired=Count("id", filter=Q(pk__in=acquired_ids))))
    return [{"agent_id": r["registered_by"], "agent": r["registered_by__username"], "registered": r["registered"],
             "acquired": r["acquired"], "not_yet": r["registered"] - r["acquired"], "months_needed": needed}
            for r in sorted(rows, key=lambda r: r["registered_by__username"])]
