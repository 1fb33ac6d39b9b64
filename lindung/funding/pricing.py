"""What sponsorships cost, from the rules engine — never from rates typed here.

The cost of a worker-month depends only on (segment, declared income, programmes, month, funding
source, sector). Volume work groups rows by that combination in SQL and asks the rules engine once
per distinct combination, so 78,000 workers × 12 months is a handful of quotes, not a million.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import FundingError
from .models import month_span

Combo = tuple[str, int, str, dt.date, str, str]  # segment, income, programs key, month, source, sector


class QuoteCache:
    """Monthly totals from ``lindung.rules.services.quote``, one call per distinct combination."""

    def __init__(self):
        self._totals: dict[Combo, int] = {}

    def total(self, *, segment: str, income: int, programs: str, month: dt.date, funding_source: str,
              sector: str) -> int:
        key = (segment, int(income), programs, month, funding_source, sector)
        if key not in self._totals:
            from lindung.rules.services import quote

            try:
                result = quote(segment=segment, income=int(income), programs=programs.split(","), month=month,
                               funding_source=funding_source, sector=sector)
            except (ValueError, LookupError, ValidationError) as exc:
                raise FundingError(_("No contribution can be computed for %(segment)s, income Rp%(income)s, "
                                     "%(programs)s in %(month)s: %(reason)s") % {
                    "segment": segment, "income": f"{int(income):,}", "programs": programs,
                    "month": f"{month:%Y-%m}", "reason": exc}) from exc
            self._totals[key] = int(result.total)
        return self._totals[key]

    def __len__(self):
        return len(self._totals)


def cost_by_year(groups, cache: QuoteCache | None = None) -> dict[int, int]:
    """Total cost per calendar (fiscal) year of grouped sponsorship rows.

    ``groups`` yields dicts with segment, income, sector, programs, funding_source, start_month,
    months and n (the number of sponsorships sharing all of these).
    """
    cache = cache or QuoteCache()
    totals: dict[int, int] = defaultdict(int)
    for g in groups:
        for month in month_span(g["start_month"], g["months"]):
            totals[month.year] += g["n"] * cache.total(
                segment=g["segment"], income=g["income"], programs=g["programs"], month=month,
                funding_source=g["funding_source"], sector=g["sector"])
    return dict(totals)


def sponsorship_groups(queryset):
    """Group sponsorships by everything their cost depends on: one row per combination and span."""
    from django.db.models import Count

    rows = (queryset.order_by()
            .values("programs", "funding_source", "start_month", "months", "worker__segment",
                    "worker__declared_income", "worker__sector")
            .annotate(n=Count("id")))
    return [_renamed(r) for r in rows]


def covered_cost_by_year(queryset, cache: QuoteCache | None = None) -> dict[int, int]:
    """Cost per year of reserved months (``CoveredMonth`` rows), grouped per combination in SQL.

    A sponsorship holds one row per programme, so a group's row count divided by its number of
    programmes is the number of worker-months.
    """
    from django.db.models import Count

    cache = cache or QuoteCache()
    rows = (queryset.order_by()
            .values("month", "funding_source", "sponsorship__programs", "worker__segment",
                    "worker__declared_income", "worker__sector")
            .annotate(n=Count("id")))
    rows = [_renamed(r) for r in rows]
    totals: dict[int, int] = defaultdict(int)
    for r in rows:
        worker_months = r["n"] // len(r["programs"].split(","))
        totals[r["month"].year] += worker_months * cache.total(
            segment=r["segment"], income=r["income"], programs=r["programs"], month=r["month"],
            funding_source=r["funding_source"], sector=r["sector"])
    return dict(totals)


def _renamed(row: dict) -> dict:
    names = {"worker__segment": "segment", "worker__declared_income": "income", "worker__sector": "sector",
             "sponsorship__programs": "programs"}
    return {names.get(k, k): v for k, v in row.items()}
