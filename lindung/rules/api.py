"""Rules API under /api/v1/rules: the rule rows and the three calculators.

Bad input raises RuleError, answered with 422 and a clear message (handler in lindung/api/urls.py).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lindung.api.fields import Count, Day, DayText, Income, text

from . import benefits as benefit_calculators
from .catalogue import rule_rows
from .planner import plan_budget, plan_target, plan_workers
from lindung.months import parse_day, parse_month, this_month

from .services import RuleError, quote

router = Router(tags=["rules"])


@router.get("", summary="Rule rows (all versions, or those in force on a date)")
def list_rules(request, on: DayText = ""):
    return rule_rows(parse_day(on, "on") if on else None)


@router.get("/quote", summary="Contribution for one worker and one month")
def quote_endpoint(request, income: text(64), funding: text(64), month: text(16) = "", segment: text(20) = "bpu",
                   programs: text(64) = "jkk,jkm", sector: text(64) = "other", risk_class: text(64) = ""):
    month_date = parse_month(month) if month else this_month()
    return quote(segment=segment, income=income, programs=programs, month=month_date, funding_source=funding,
                 sector=sector, risk_class=risk_class).as_dict()


@router.get("/plan", summary="Budget planner: budget → workers, workers or coverage target → cost")
def plan_endpoint(request, funding: text(64), budget: text(64) = "", workers: text(64) = "", region: text(13) = "", target: text(20) = "",
                  active: text(64) = "", programs: text(64) = "jkk,jkm", income: text(64) = "1000000", sector: text(64) = "other",
                  segment: text(20) = "bpu", start: text(64) = "", months: text(64) = "12"):
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
    death_date: Day
    membership_active: bool = True


class JkkIn(Schema):
    income: Income
    accident_date: Day
    claim_date: Day | None = None
    membership_active: bool = True


class StmbIn(Schema):
    income: Income
    months: Count
    accident_date: Day
    claim_date: Day | None = None


class ChildIn(Schema):
    birth_date: Day
    level: text(20) = Field("none", description="none, tk, sd, smp, sma or university")
    year_in_level: Count = 1
    name: text(200) = ""
    married: bool = False
    working: bool = False


class ScholarshipIn(Schema):
    route: text(300) = Field(description="jkm (death not from work) or jkk (work accident)")
    event_date: Day
    contribution_months: Count = 0
    children: list[ChildIn] = Field(max_length=10)
    first_payment: Day | None = None
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
