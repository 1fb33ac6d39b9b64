"""Budget planner: how many workers a budget covers, or what covering some workers costs.

The cost of one worker over a span is the sum of that worker's monthly quotes, month by month, so a
relief that starts or ends inside the span counts only for its own months. Workers are whole people:
a budget covers ``budget // cost_per_worker`` workers and the remainder is what is left.
"""

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lindung.months import first_of_month, month_span
from lindung.regions.models import Region, WorkingPopulation

from .services import RuleError, check_amount, parse_programs, quote

MAX_MONTHS = 120


@dataclass
class Plan:
    programs: list[str]
    income: int
    funding_source: str
    sector: str
    segment: str
    start: dt.date
    months: int
    cost_per_worker: int
    workers: int
    cost: int
    budget: int | None = None
    monthly: list[dict] = field(default_factory=list)
    target: dict | None = None

    @property
    def remainder(self) -> int | None:
        return None if self.budget is None else self.budget - self.cost

    def as_dict(self) -> dict:
        return {
            "programs": self.programs, "income": self.income, "funding_source": self.funding_source,
            "sector": self.sector, "segment": self.segment, "start": self.start.strftime("%Y-%m"),
            "months": self.months, "budget": self.budget, "workers": self.workers,
            "cost_per_worker": self.cost_per_worker, "cost": self.cost, "remainder": self.remainder,
            "monthly": self.monthly, "target": self.target,
        }


def cost_per_worker(*, programs, income: int, funding_source: str, start, months: int, sector: str = "other",
                    segment: str = "bpu") -> tuple[int, list[dict]]:
    """The cost of covering one worker for ``months`` months from ``start``, and the month-by-month prices."""
    months = check_amount(months, "months", _("Number of months"))
    if not 1 <= months <= MAX_MONTHS:
        raise RuleError(_("The number of months must be between 1 and %(max)d.") % {"max": MAX_MONTHS}, "months")
    monthly = []
    for month in month_span(start, months):
        q = quote(segment=segment, income=income, programs=programs, month=month, funding_source=funding_source,
                  sector=sector)
        monthly.append({"month": month.strftime("%Y-%m"), "price": q.total, "gross": q.gross,
                        "discount": q.discount,
                        "reliefs": sorted({line.discount_code for line in q.lines if line.discount_code})})
    return sum(m["price"] for m in monthly), monthly


def _plan(programs, income, funding_source, sector, segment, start, months) -> Plan:
    programs = parse_programs(programs)
    per_worker, monthly = cost_per_worker(programs=programs, income=income, funding_source=funding_source,
                                          start=start, months=months, sector=sector, segment=segment)
    return Plan(programs=programs, income=int(income), funding_source=funding_source, sector=sector,
                segment=segment, start=first_of_month(start), months=int(months), cost_per_worker=per_worker,
                workers=0, cost=0, monthly=monthly)


def plan_budget(*, budget, programs, income, funding_source: str, start, months, sector: str = "other",
                segment: str = "bpu") -> Plan:
    """Budget → workers covered, cost per worker, remainder."""
    budget = check_amount(budget, "budget", _("Budget"))
    plan = _plan(programs, income, funding_source, sector, segment, start, months)
    plan.budget = budget
    plan.workers = budget // plan.cost_per_worker if plan.cost_per_worker else 0
    plan.cost = plan.workers * plan.cost_per_worker
    return plan


def plan_workers(*, workers, programs, income, funding_source: str, start, months, sector: str = "other",
                 segment: str = "bpu") -> Plan:
    """Number of workers → cost."""
    workers = check_amount(workers, "workers", _("Number of workers"))
    plan = _plan(programs, income, funding_source, sector, segment, start, months)
    plan.workers = workers
    plan.cost = workers * plan.cost_per_worker
    return plan


# Active members of a region in a month, handed in by the coverage app when Django is ready
# (coverage/apps.py): coverage sits on a higher floor than the rules.
_active_members: Callable[[str, dt.date], int] | None = None


def use_active_members(count: Callable[[str, dt.date], int]) -> None:
    global _active_members
    _active_members = count


def default_active_members(region_code: str, month: dt.date) -> int | None:
    """Active members from the coverage module (None before it has handed in its count)."""
    return None if _active_members is None else int(_active_members(region_code, month))


def plan_target(*, region_code: str, target_percent, programs, income, funding_source: str, start, months,
                active: int | None = None, sector: str = "other", segment: str = "bpu") -> Plan:
    """Coverage target for a region → the extra workers to fund and their cost.

    Workers needed = ceil(target % × working population) − active members (never below zero). The
    working population is the region's figure for the start year (or the latest earlier one).
    ``active`` defaults to the coverage module's count for the start month when that module is present.
    """
    start = first_of_month(start)
    try:
        percent = Decimal(str(target_percent))
    except InvalidOperation:
        raise RuleError(_("The coverage target must be a percentage, e.g. 40."), "target") from None
    if not 0 < percent <= 100:
        raise RuleError(_("The coverage target must be more than 0 and at most 100 %."), "target")
    code = str(region_code or "").replace(".", "")
    if not Region.objects.filter(code=code).exists():
        raise RuleError(_("Unknown region “%(code)s”.") % {"code": region_code}, "region")
    working = WorkingPopulation.latest_for(code, start.year)
    if working is None:
        raise RuleError(_("No working population is recorded for region %(code)s up to %(year)d.") % {
            "code": code, "year": start.year}, "region")
    if active is None:
        active = default_active_members(code, start)
        if active is None:
            raise RuleError(_("Give the number of active members (the coverage module is not available)."), "active")
    active = check_amount(active, "active", _("Active members"))
    wanted = math.ceil(working.count * percent / 100)
    plan = plan_workers(workers=max(wanted - active, 0), programs=programs, income=income,
                        funding_source=funding_source, start=start, months=months, sector=sector, segment=segment)
    plan.target = {"region": code, "percent": format(percent.normalize(), "f"), "working_population": working.count,
                   "working_population_year": working.year, "active": active, "covered_at_target": wanted,
                   "coverage_now_percent": format(Decimal(active * 100) / working.count, ".2f")}
    return plan
