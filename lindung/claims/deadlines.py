"""Deadlines of a claim, and the overdue list per responsible role.

- the work accident report: within 2 × 24 hours of the accident (village operator gathers it);
- payment: within 3 working days of complete documents (holidays from the rules data), followed
  up by the branch officer;
- the JKK claim window: 5 years after the accident (rule data ``benefit.jkk_claim_window``) —
  the village operator before verification, the branch officer after.

``deadlines(...)`` is the rule on plain facts; ``overdue(access, today)`` applies it to the claims
a user sees and keeps those the user's role is responsible for.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import Role
from lindung.rules.benefits import add_years
from lindung.rules.services import is_working_day, required_parameter

from . import data
from .models import ClaimKind, ClaimState
from .scope import visible_claims

JKK_KINDS = {ClaimKind.JKK_DEATH, ClaimKind.JKK_DISABILITY, ClaimKind.STMB}


def add_working_days(day: dt.date, n: int, working=is_working_day) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if working(day):
            n -= 1
    return day


def deadlines(*, kind: str, state: str, event_date: dt.date, accident_report_on: dt.date | None,
              documents_complete_on: dt.date | None, today: dt.date, working=is_working_day) -> list[dict]:
    """Each deadline of one claim: what, due when, whose, and whether it is met or overdue."""
    out = []
    open_ = state in ClaimState.open()
    if kind in JKK_KINDS:
        # Counted in whole days from the day of the accident (its hour is not recorded).
        due = event_date + dt.timedelta(days=data.deadline("accident_report_hours") // 24)
        out.append({"code": "accident_report", "label": _("work accident report within 2 × 24 hours"),
                    "due": due, "role": Role.VILLAGE_OPERATOR, "met": accident_report_on is not None,
                    "late": (accident_report_on or today) > due})
        window = add_years(event_date, required_parameter("benefit.jkk_claim_window", event_date).value["years"])
        submitted = state not in (ClaimState.DRAFT, ClaimState.DOCUMENTS_MISSING, ClaimState.DOCUMENTS_COMPLETE,
                                  ClaimState.VERIFIED)
        out.append({"code": "jkk_window", "label": _("JKK claim within 5 years of the accident"), "due": window,
                    "role": Role.BRANCH_OFFICER if state == ClaimState.VERIFIED else Role.VILLAGE_OPERATOR,
                    "met": submitted, "late": today > window})
    if documents_complete_on is not None:
        due = add_working_days(documents_complete_on, data.deadline("payment_working_days"), working)
        out.append({"code": "payment", "label": _("payment within 3 working days of complete documents"),
                    "due": due, "role": Role.BRANCH_OFFICER, "met": state == ClaimState.PAID, "late": today > due})
    for d in out:
        d["overdue"] = open_ and d["late"] and not d["met"]
    return out


def claim_deadlines(claim, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    report = (claim.documents.filter(kind="accident_report").order_by("uploaded_at")
              .values_list("uploaded_at", flat=True).first())
    complete = claim.documents_complete_at
    return deadlines(kind=claim.kind, state=claim.state, event_date=claim.event.date,
                     accident_report_on=timezone.localtime(report).date() if report else None,
                     documents_complete_on=timezone.localtime(complete).date() if complete else None, today=today)


def overdue(access, today: dt.date | None = None) -> list[dict]:
    """Open claims with an overdue deadline that the user's role answers for (national: all)."""
    today = today or timezone.localdate()
    rows = []
    claims = (visible_claims(access).filter(state__in=ClaimState.open())
              .select_related("worker", "event").prefetch_related("documents"))
    for claim in claims:
        for d in claim_deadlines(claim, today):
            if d["overdue"] and (access.is_national or d["role"] == access.role):
                rows.append({"claim": claim, **d})
    return sorted(rows, key=lambda r: r["due"])
