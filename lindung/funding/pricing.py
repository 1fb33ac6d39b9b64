"""What sponsorships cost, from the rules engine — never from rates typed here.

The cost of a worker-month depends only on (segment, declared income, programmes, month, funding
source, sector). Volume work groups rows by that combination in SQL and asks the rules engine once
per distinct combination, so 78,000 workers × 12 months is a handful of quotes, not a million.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from lindung.formatting import number
from lindung.months import add_months
from lindung.rules.services import quote

from .errors import FundingError
from .models import ReservedMonth

Combo = tuple[str, int, str, dt.date, str, str]  # segment, income, programs key, month, source, sector


class QuoteCache:
    """Monthly totals from ``lindung.rules.services.quote``, one call per distinct combination."""
    def __init__(self):
        self._totals: dict[Combo, int] = {}

    def total(self, *, segment: str, income: int, programs: str, month: dt.date, funding_source: str,
              sector: str) -> int:
        key = (segment, int(income), programs, month, funding_source, sector)
        if key not in self._totals:
            try:
                result = quote(segment=segment, income=int(income), programs=programs.split(","), month=month,
                               funding_source=funding_source, sector=sector)
            except (ValueError, LookupError, ValidationError) as exc:
                raise FundingError(_("No contribution can be computed for %(segment)s, income Rp%(income)s, "
                                     "%(programs)s in %(month)s: %(reason)s") % {
                    "segment": segment, "income": number(int(income)), "programs": programs,
                    "month": f"{month:%Y-%m}", "reason": exc}) from exc
            self._totals[key] = int(result.total)
        return self._totals[key]

    def __len__(self):
        return len(self._totals)


def cost_by_year(groups, cache: QuoteCache | None = None) -> dict[int, int]:
    """Total cost per calendar (fiscal) year of grouped sponsorship rows.

    ``groups`` yields dicts with segment, income, sector, programs, funding_source, first_month,
    last_month and n (the number of sponsorships sharing all of these).
    """
    cache = cache or QuoteCache()
    totals: dict[int, int] = defaultdict(int)
    for g in groups:
        month = g["first_month"]
        while month <= g["last_month"]:
            totals[month.year] += g["n"] * cache.total(
                segment=g["segment"], income=g["income"], programs=g["programs"], month=month,
                funding_source=g["funding_source"], sector=g["sector"])
            month = add_months(month, 1)
    return dict(totals)


_NAMES = {"worker__segment": "segment", "worker__declared_income": "income", "worker__sector": "sector",
          "start_month": "first_month", "end_month": "last_month"}


def _renamed(row: dict) -> dict:
    return {_NAMES.get(k, k): v for k, v in row.items()}


def sponsorship_groups(queryset) -> list[dict]:
    """Group sponsorships by everything their cost depends on, over their whole span."""
    rows = (queryset.order_by()
            .values("programs", "funding_source", "start_month", "end_month", "worker__segment",
                    "worker__declared_income", "worker__sector")
            .annotate(n=Count("id")))
    return [_renamed(r) for r in rows]


def reserved_groups(sponsorships, first: dt.date | None = None, last: dt.date | None = None) -> list[dict]:
    """Group sponsorships by cost combination and the months they actually hold in ``ReservedMonth``
    (within ``first``..``last`` when given) — cancelled ones keep only the months before cancellation.

    A sponsorship's reserved months are contiguous (approval reserves its span; cancellation releases
    a tail), so the first and last reserved month describe them. Both are read through the
    (sponsorship, month) index: one seek per sponsorship, no scan of the covered months.
    """
    months = ReservedMonth.objects.filter(sponsorship=OuterRef("pk"))
    if first is not None:
        months = months.filter(month__gte=first)
    if last is not None:
        months = months.filter(month__lte=last)
    rows = (sponsorships.order_by()
            .annotate(first_month=Subquery(months.order_by("month").values("month")[:1]),
                      last_month=Subquery(months.order_by("-month").values("month")[:1]))
            .filter(first_month__isnull=False)
            .values("programs", "funding_source", "first_month", "last_month", "worker__segment",
                    "worker__declared_income", "worker__sector")
            .annotate(n=Count("id")))
    return [_parsed(_renamed(r)) for r in rows]


def _parsed(row: dict) -> dict:
    for key in ("first_month", "last_month"):  # SQLite returns subquery dates as text
        if isinstance(row[key], str):
            row[key] = dt.date.fromisoformat(row[key][:10])
    return row


def reserved_cost_by_year(sponsorships, cache: QuoteCache | None = None, *, first: dt.date | None = None,
                          last: dt.date | None = None) -> dict[int, int]:
    """Cost per year of the months these sponsorships hold, under the rules of each month."""
    return cost_by_year(reserved_groups(sponsorships, first, last), cache)
