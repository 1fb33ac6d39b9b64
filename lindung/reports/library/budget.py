"""Budget: allocation (pagu) against committed and realised (realisasi), per funder and source of funds.

One row per budget line the user may see (the funders of ``lindung.funding.scope.visible_funders``,
as on the funder pages) for a fiscal year. Allocation, committed, spent and remaining are
``lindung.funding.budget.summary`` — the figures of the funder page and of
``GET /api/v1/funding/funders/{id}/budgets``; sponsorship counts are the sponsorships holding months
in that year, counted through the same scope as the sponsorship list.
"""

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.funding import budget as budgets
from lindung.funding.models import Budget, FunderKind, SponsorshipState
from lindung.funding.pricing import QuoteCache
from lindung.funding.scope import budget_funders, visible_funders, visible_sponsorships
from lindung.rules.choices import FundingSource

from .. import document as d
from ..catalogue import Report

SOURCES, KINDS = dict(FundingSource.choices), dict(FunderKind.choices)


def rows(access, year: int, funder_id: int | None) -> list[dict]:
    funders = budget_funders(access)
    if funder_id:
        funders = funders.filter(pk=funder_id)
    lines = list(Budget.objects.filter(funder__in=funders, fiscal_year=year).select_related("funder")
                 .order_by("funder__name", "source"))
    counts = {}
    if lines:
        jan, dec = dt.date(year, 1, 1), dt.date(year, 12, 1)
        counted = (visible_sponsorships(access)
                   .filter(funder_id__in={b.funder_id for b in lines}, state__in=SponsorshipState.reserving(),
                           start_month__lte=dec, end_month__gte=jan)
                   .order_by().values_list("funder_id", "funding_source").annotate(n=Count("id")))
        counts = {(f, s): n for f, s, n in counted}
    cache = QuoteCache()
    out = []
    for b in lines:
        s = budgets.summary(b, cache)
        spent = s["spent"] or 0
        out.append({"funder": b.funder.name, "kind": str(KINDS.get(b.funder.kind, b.funder.kind)),
                    "source": str(SOURCES.get(b.source, b.source)), "amount": s["amount"],
                    "committed": s["committed"], "spent": spent, "remaining": s["remaining"],
                    "realised_pct": round(100 * spent / s["amount"], 2) if s["amount"] else None,
                    "sponsorships": counts.get((b.funder_id, b.source), 0)})
    return out


def build(access, params: dict, progress=None) -> d.Document:
    year, funder_id = params["year"], params.get("funder")
    lines = rows(access, year, funder_id)
    funder_name = ""
    if funder_id:
        found = visible_funders(access).filter(pk=funder_id).first()
        funder_name = found.name if found else ""
    total = {k: sum(r[k] for r in lines) for k in ("amount", "committed", "spent", "remaining", "sponsorships")}
    return d.Document(
        title=_("Budget %(year)s: allocation, committed and realised") % {"year": year},
        subtitle=funder_name or _("All the funders you may see"),
        parameters=[(_("Fiscal year"), str(year)), (_("Funder"), funder_name or _("all the funders you may see"))],
        figures=[d.Figure(_("Allocation (pagu)"), total["amount"], d.RUPIAH),
                 d.Figure(_("Committed"), total["committed"], d.RUPIAH),
                 d.Figure(_("Realised (paid)"), total["spent"], d.RUPIAH),
                 d.Figure(_("Realised of the allocation"),
                          round(100 * total["spent"] / total["amount"], 2) if total["amount"] else None, d.PERCENT),
                 d.Figure(_("Remaining"), total["remaining"], d.RUPIAH),
                 d.Figure(_("Sponsorships"), total["sponsorships"])],
        tables=[d.Table(_("Budget lines"), [
            d.Column("funder", _("Funder"), width=1.8), d.Column("source", _("Source of funds"), width=1.5),
            d.Column("amount", _("Allocation"), d.RUPIAH), d.Column("committed", _("Committed"), d.RUPIAH),
            d.Column("spent", _("Realised"), d.RUPIAH), d.Column("realised_pct", _("Realised %"), d.PERCENT, 0.8),
            d.Column("remaining", _("Remaining"), d.RUPIAH), d.Column("sponsorships", _("Sponsorships"), d.INT, 1.1),
        ], lines)],
        notes=[_("Committed: the cost of the months reserved by approved sponsorships; realised: payments "
                 "allocated to the budget's lines in the fiscal year.")],
    )


REPORT = Report(
    name="budget",
    title=gettext_lazy("Budget: allocation vs committed vs realised"),
    description=gettext_lazy("Pagu against realisasi per funder and source of funds for a fiscal year, with "
                             "the number of sponsorships."),
    permission="report.budget",
    params=("year", "funder"),
    build=build,
)
