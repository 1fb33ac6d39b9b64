"""What funders' money did: hand-over ("graduation") rates and a funder's impact figures."""

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lindung.months import first_of_month, months_between
from lindung.months import today as local_today

from .errors import FundingError
from .models import Funder, FunderKind, SponsorshipState
from .pricing import cost_by_year, reserved_groups
from .scope import visible_sponsorships

S = SponsorshipState

REGION_FIELDS = {"province": "worker__province_code", "regency": "worker__regency_code",
                 "district": "worker__district_code", "village": "worker__village_id"}


def graduation_report(access, *, level: str = "regency", funder_id: int | None = None) -> list[dict]:
    """Hand-over ("graduation") rate per funder and region among finished sponsorships.

    finished = ended + handed over; graduated = continued by the worker's own payment (self funder);
    picked_up = continued by another funder. Rate = graduated ÷ finished, in whole per mille and percent.
    """
    field = REGION_FIELDS.get(level)
    if field is None:
        raise FundingError(_("Level must be one of %(levels)s.") % {"levels": ", ".join(REGION_FIELDS)})
    qs = visible_sponsorships(access).filter(state__in=[S.ENDED, S.HANDED_OVER]).exclude(funder__kind=FunderKind.SELF)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    rows = (qs.order_by().values("funder_id", "funder__name", field)
            .annotate(finished=Count("id"),
                      graduated=Count("id", filter=Q(continued_by__funder__kind=FunderKind.SELF)),
                      picked_up=Count("id", filter=Q(continued_by__isnull=False)
                                      & ~Q(continued_by__funder__kind=FunderKind.SELF))))
    out = []
    for r in rows.order_by("funder__name", field):
        out.append({"funder_id": r["funder_id"], "funder": r["funder__name"], "region_code": r[field],
                    "finished": r["finished"], "graduated": r["graduated"], "picked_up": r["picked_up"],
                    "rate_percent": round(100 * r["graduated"] / r["finished"], 1) if r["finished"] else None})
    return out


def funder_impact(access, funder: Funder, *, today: dt.date | None = None) -> dict:
    """What a funder's money did: workers, worker-months covered so far and reserved ahead (counted per
    sponsorship), cost per year of the reserved months, workers by regency."""
    month = first_of_month(today or local_today())
    sponsorships = visible_sponsorships(access).filter(funder=funder)
    groups = reserved_groups(sponsorships)
    past = ahead = 0
    for g in groups:
        span = months_between(g["first_month"], g["last_month"])
        done = months_between(g["first_month"], min(g["last_month"], month))
        past += g["n"] * done
        ahead += g["n"] * (span - done)
    by_regency = list(sponsorships.exclude(state=S.CANCELLED).order_by().values("worker__regency_code")
                      .annotate(workers=Count("worker_id", distinct=True)).order_by("-workers")[:20])
    return {
        "workers": sponsorships.exclude(state=S.CANCELLED).values("worker_id").distinct().count(),
        "by_state": dict(sponsorships.order_by().values_list("state").annotate(n=Count("id"))),
        "worker_months_past": past,
        "worker_months_ahead": ahead,
        "cost_by_year": cost_by_year(groups),
        "by_regency": [{"regency_code": r["worker__regency_code"], "workers": r["workers"]} for r in by_regency],
    }
