"""Eligibility for a benefit, decided from Lindung's own payment history (RULES.md §3–§4).

One rule, used by every door (pages, API, CLI, claim opening, the demo):

- ``assess(...)`` is the rule as a pure function of plain facts — was the month of the event covered
  (under the lapse rule: coverage derives which months count), how many contribution months were
  counted up to it, the declared income, the children — and it asks the effective-dated benefit
  calculators of ``lindung.rules.benefits`` for the amounts of the event date. It never computes an
  amount itself.
- ``check(worker, event, date)`` gathers those facts from ``lindung.coverage.services`` and the
  worker's family, then calls ``assess``.

A JKM death is payable only when the member died while the membership was active; a JKK claim
also within 5 years of the accident; a scholarship through JKM needs at least 36 contribution
months, through JKK none (the figures are rule data).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.translation import gettext as _, gettext_lazy

from lindung.coverage import services as coverage
from lindung.coverage.models import Status
from lindung.rules import benefits
from lindung.rules.services import RuleError

from .models import Relationship

# event → (benefit calculator's claim kind, scholarship route)
EVENTS = {
    "death": ("jkm", "jkm"),
    "accident-death": ("jkk_death", "jkk"),
    "accident-disability": ("jkk_disability", "jkk"),
}
EVENT_LABELS = {
    "death": gettext_lazy("death not from work (JKM)"),
    "accident-death": gettext_lazy("death from a work accident (JKK)"),
    "accident-disability": gettext_lazy("total permanent disability from a work accident (JKK)"),
}


@dataclass
class Assessment:
    event: str
    event_date: dt.date
    claim_kind: str
    active_on_date: bool
    status: str
    contribution_months: int
    benefit: benefits.Benefit
    scholarship: dict = field(default_factory=dict)
    reasoning: list[str] = field(default_factory=list)

    @property
    def payable(self) -> bool:
        return self.benefit.payable

    @property
    def reasons(self) -> list[dict]:
        return [r.as_dict() for r in self.benefit.reasons]

    def as_dict(self) -> dict:
        return {
            "payable": self.payable, "event": self.event, "event_date": self.event_date.isoformat(),
            "claim_kind": self.claim_kind, "active_on_date": self.active_on_date, "status": self.status,
            "contribution_months": self.contribution_months, "total": self.benefit.total,
            "items": [i.as_dict() for i in self.benefit.items], "references": self.benefit.references,
            "scholarship": self.scholarship, "reasons": self.reasons, "reasoning": "; ".join(self.reasoning),
        }


def long_date(day: dt.date) -> str:
    """12 Maret 2025 / 12 March 2025, in the active language."""
    return dateformat.format(day, "j F Y")


def assess(*, event: str, event_date: dt.date, active_on_date: bool, contribution_months: int,
           income: int, children: list | None = None, claim_date: dt.date | None = None,
           status: str = "", status_label: str = "") -> Assessment:
    """Decide a benefit from plain facts. ``children``: dicts or ``benefits.Child`` (eldest first)."""
    if event not in EVENTS:
        raise RuleError(_("Unknown event “%(event)s”; use %(events)s.") % {
            "event": event, "events": ", ".join(EVENTS)}, "event")
    claim_kind, route = EVENTS[event]
    claim_date = claim_date or event_date
    if claim_kind == "jkm":
        benefit = benefits.jkm_death(death_date=event_date, membership_active=active_on_date)
    elif claim_kind == "jkk_death":
        benefit = benefits.jkk_death(income=income, accident_date=event_date, claim_date=claim_date,
                                     membership_active=active_on_date)
    else:
        benefit = benefits.jkk_disability(income=income, accident_date=event_date, claim_date=claim_date,
                                          membership_active=active_on_date)
    reasoning = [
        _("active on %(date)s") % {"date": long_date(event_date)} if active_on_date else
        _("not active on %(date)s (%(status)s)") % {"date": long_date(event_date), "status": status_label or status},
        _("%(n)d contribution months") % {"n": contribution_months},
    ]
    scholarship = _scholarship(route, event_date, children or [], contribution_months, active_on_date, benefit)
    reasoning.append(_("scholarship eligible") if scholarship["eligible"] else _("scholarship not eligible"))
    return Assessment(event=event, event_date=event_date, claim_kind=claim_kind, active_on_date=active_on_date,
                      status=status, contribution_months=contribution_months, benefit=benefit,
                      scholarship=scholarship, reasoning=reasoning)


def _scholarship(route: str, event_date: dt.date, children: list, months: int, active: bool,
                 main: benefits.Benefit) -> dict:
    """The scholarship for the children, or — with no child recorded — whether one would qualify."""
    minimum = benefits.scholarship_minimum_months(route, event_date)
    out = {"route": route, "minimum_months": minimum, "children": [], "total": 0, "reasons": []}
    if children:
        result = benefits.scholarship(route=route, event_date=event_date, children=children,
                                      contribution_months=months, membership_active=active)
        out.update(children=result.children, total=result.total, reasons=[r.as_dict() for r in result.reasons])
        # A claim window that has passed refuses the scholarship too.
        out["reasons"] += [r.as_dict() for r in main.reasons if r.code == "claim_window_passed"]
        out["eligible"] = not out["reasons"] and result.total > 0
        if not out["eligible"]:
            out["total"] = 0
        return out
    if months < minimum:
        out["reasons"].append({"code": "too_few_contribution_months", "message": _(
            "Through %(route)s the scholarship needs at least %(min)d contribution months; %(n)d were paid.") % {
            "route": route.upper(), "min": minimum, "n": months}})
    out["reasons"] += [r.as_dict() for r in main.reasons]
    out["eligible"] = not out["reasons"]
    return out


# --- applied to a worker ------------------------------------------------------------------------------

def children_of(worker) -> list[benefits.Child]:
    """The worker's children as the scholarship sees them, eldest first (the first two qualify)."""
    rows = worker.family.filter(relationship=Relationship.CHILD).order_by("birth_date", "id")
    return [benefits.Child(birth_date=c.birth_date, level=c.school_level, year_in_level=c.year_in_level,
                           name=c.name, married=c.married, working=c.working)
            for c in rows if c.birth_date is not None]


def check(worker, event: str, event_date: dt.date, *, claim_date: dt.date | None = None,
          children: list | None = None) -> Assessment:
    """Eligibility of ``worker`` for the benefit of ``event`` on ``event_date``, from the recorded cover."""
    status = coverage.status_of(worker, event_date)
    return assess(event=event, event_date=event_date, claim_date=claim_date,
                  active_on_date=status == Status.ACTIVE,
                  contribution_months=coverage.contribution_months(worker, until=event_date),
                  income=worker.declared_income,
                  children=children_of(worker) if children is None else children,
                  status=status, status_label=str(Status(status).label))
