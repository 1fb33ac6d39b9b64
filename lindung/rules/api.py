"""Rules API under /api/v1/rules: the rule rows and the three calculators.

Bad input raises RuleError, answered with 422 and a clear message (handler in lindung/api/urls.py).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from . import benefits as benefit_calculators
from .catalogue import rule_rows
from .planner import plan_budget, plan_target, plan_workers
from lindung.months import parse_day, parse_month, this_month

from .services import RuleError, quote

router = Router(tags=["rules"])


@router.get("", summary="Rule rows (all versions, or those in force on a date)")
def list_rules(request, on: str = ""):
    return rule_rows(parse_day(on, "on") if on else None)


@router.get("/quote", summary="Contribution for one worker and one month")
def quote_endpoint(request, income: str, funding: str, month: str = "", segment: str = "bpu",
                   programs: str = "jkk,jkm", sector: str = "other", risk_class: str = ""):
    month_date = parse_month(month) if month else this_month()
    return quote(segment=segment, income=income, programs=programs, month=month_date, funding_source=funding,
                 sector=sector, risk_class=risk_class).as_dict()


@router.get("/plan", summary="Budget planner: budget → workers, workers or coverage target → cost")
def plan_endpoint(request, funding: str, budget: str = "", workers: str = "", region: str = "", target: str = "",
                  active: str = "", programs: str = "jkk,jkm", income: str = "1000000", sector: str = "other",
                  segment: str = "bpu", start: str = "", months: str = "12"):
    common = dict(programs=programs, income=income, funding_source=funding, sector=sector, segment=segment,
                  start=parse_month(start) if start else this_month(), months=months)
    chosen = [v for v in (budget, workers, region) if v]
    if len(chosen) != 1:
        raise RuleError(_("Give exactly one of budget, workers or region (with target)."), "budget")
    if budget:
        return plan_budget(budget=budget, **common).as_dict()
    if workers:
        return plan_workers(workers=workers, **common).as_dict()
    if not target:
        raise RuleError(_("A region needs a target (percent of the working population)."), "target")
    return plan_target(region_code=region, target_percent=target, active=active or None, **common).as_dict()


class JkmIn(Schema):
    death_date: dt.date
    membership_active: bool = True


class JkkIn(Schema):
    income: int
    accident_date: dt.date
    claim_date: dt.date | None = None
    membership_active: bool = True


class StmbIn(Schema):
    income: int
    months: int
    accident_date: dt.date
    claim_date: dt.date | None = None


class ChildIn(Schema):
    birth_date: dt.date
    level: str = Field("none", description="none, tk, sd, smp, sma or university")
    year_in_level: int = 1
    name: str = ""
    married: bool = False
    working: bool = False


class ScholarshipIn(Schema):
    route: str = Field(description="jkm (death not from work) or jkk (work accident)")
    event_date: dt.date
    contribution_months: int = 0
    children: list[ChildIn]
    first_payment: dt.date | None = None
    membership_active: bool = True


@router.post("/benefits/jkm", summary="JKM death benefit")
def jkm(request, payload: JkmIn):
    return benefit_calculators.jkm_death(**payload.dict()).as_dict()


@router.post("/benefits/jkk-death", summary="JKK death from a work accident")
def jkk_death(request, payload: JkkIn):
    return benefit_calculators.jkk_death(**payload.dict()).as_dict()


@router.post("/benefits/jkk-disability", summary="JKK total permanent disability")
def jkk_disability(request, payload: JkkIn):
    return benefit_calculators.jkk_disability(**payload.dict()).as_dict()


@router.post("/benefits/stmb", summary="Temporary inability to work (STMB)")
def stmb(request, payload: StmbIn):
    return benefit_calculators.stmb(**payload.dict()).as_dict()


@router.post("/benefits/scholarship", summary="Scholarship schedule for up to two children")
def scholarship(request, payload: ScholarshipIn):
    data = payload.dict()
    return benefit_calculators.scholarship(**data).as_dict()
