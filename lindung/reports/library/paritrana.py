"""Paritrana evidence pack: what a province or regency did for its workers' social security in a year,
in one PDF (and XLSX) for the award's assessment on policy, implementation and coverage.

- policy: the regulations the region issued (entered by its regional operator, ``regulations.py``);
- budget: allocated, committed and realised for contributions by the public funders of the region
  (``lindung.funding.budget.summary``, the funder pages' figures);
- implementation: workers covered by segment — village officials, RT/RW heads, vulnerable workers —
  and the trend through the year (``lindung.coverage.indicators``, the coverage page's service, and
  the page's month chart);
- performance: coverage against the target (default RPJMN 43.92 %);
- claims paid to residents (``lindung.claims.stats.paid_statistics``).
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.claims.models import ClaimKind
from lindung.claims.stats import paid_statistics
from lindung.coverage import charts
from lindung.coverage.indicators import indicators, trend
from lindung.funding import budget as budgets
from lindung.funding.models import Budget, FunderKind
from lindung.funding.pricing import QuoteCache
from lindung.funding.scope import visible_funders
from lindung.months import this_month
from lindung.people.models import Segment
from lindung.rules.choices import FundingSource

from .. import document as d
from ..catalogue import Report
from ..numbers import display
from ..regulations import for_region
from ..services import ReportRefused
from .coverage import RPJMN_TARGET, target_figures

SEGMENTS, SOURCES, CLAIM_KINDS = dict(Segment.choices), dict(FundingSource.choices), dict(ClaimKind.choices)


def check(access, params: dict) -> None:
    if len(params.get("region", "")) not in (2, 4):
        raise ReportRefused([_("The Paritrana pack is for a province or a regency/city.")], "region")


def budget_lines(access, code: str, year: int) -> list[dict]:
    funders = visible_funders(access).filter(kind__in=FunderKind.public(), region__code__startswith=code)
    cache = QuoteCache()
    out = []
    for b in Budget.objects.filter(funder__in=funders, fiscal_year=year).select_related("funder").order_by(
            "funder__name", "source"):
        s = budgets.summary(b, cache)
        out.append({"funder": b.funder.name, "source": str(SOURCES.get(b.source, b.source)), "amount": s["amount"],
                    "committed": s["committed"], "spent": s["spent"] or 0})
    return out


def build(access, params: dict, progress=None) -> d.Document:
    check(access, params)
    code, year = params["region"], params["year"]
    target = params.get("target") or RPJMN_TARGET
    month = min(dt.date(year, 12, 1), this_month())
    data = indicators(code, month, access, children=False)
    series = trend(code, [dt.date(year, m, 1) for m in range(1, month.month + 1)] if month.year == year else [],
                   access)
    regulations = [{"kind": r.get_kind_display(), "number": r.number, "title": r.title, "issued_on": r.issued_on,
                    "region": r.region.name} for r in for_region(code, year)]
    lines = budget_lines(access, code, year)
    money = {k: sum(r[k] for r in lines) for k in ("amount", "committed", "spent")}
    claims = paid_statistics(access, code, year)
    doc = d.Document(
        title=_("Paritrana evidence pack %(year)s: %(region)s") % {"year": year, "region": data["region"]["name"]},
        subtitle=_("Policy, budget, implementation and coverage for workers' social security"),
        parameters=[(_("Region"), f"{data['region']['name']} ({code})"), (_("Year"), str(year)),
                    (_("Coverage counted in"), data["month"]), (_("Coverage target"), display(float(target), d.PERCENT))],
    )
    doc.figures = [
        d.Figure(_("Regulations issued"), len(regulations)),
        d.Figure(_("Budget allocated for contributions"), money["amount"], d.RUPIAH),
        d.Figure(_("Budget realised"), money["spent"], d.RUPIAH),
        *target_figures(data, target),
        d.Figure(_("Families who received benefits"), claims["families"]),
        d.Figure(_("Benefits paid"), claims["amount"], d.RUPIAH),
    ]
    if series:
        doc.charts.append(d.Chart(_("Active members per month, %(year)s") % {"year": year},
                                  charts.column_chart_svg(series)))
    doc.tables = [
        d.Table(_("Regulations"), [d.Column("issued_on", _("Issued on"), d.DATE), d.Column("kind", _("Kind"), width=1.6),
                                   d.Column("number", _("Number"), width=1.4), d.Column("title", _("Title"), width=3),
                                   d.Column("region", _("Region"))], regulations),
        d.Table(_("Budget for contributions"), [
            d.Column("funder", _("Funder"), width=2), d.Column("source", _("Source of funds"), width=1.6),
            d.Column("amount", _("Allocation"), d.RUPIAH), d.Column("committed", _("Committed"), d.RUPIAH),
            d.Column("spent", _("Realised"), d.RUPIAH)], lines),
        d.Table(_("Workers covered by segment"), [d.Column("label", _("Segment"), width=3),
                                                  d.Column("active", _("Active"), d.INT)],
                [{"label": str(SEGMENTS.get(k, k)), "active": v} for k, v in data["by_segment"].items()]),
        d.Table(_("Benefits paid to residents"), [d.Column("programme", _("Programme"), width=3),
                                                  d.Column("amount", _("Amount"), d.RUPIAH)],
                [{"programme": str(CLAIM_KINDS.get(k, k)), "amount": v} for k, v in claims["by_programme"].items()]),
    ]
    if not regulations:
        doc.notes.append(_("No regulation has been entered for this region (Reports › Regional regulations)."))
    return doc


REPORT = Report(
    name="paritrana",
    title=gettext_lazy("Paritrana evidence pack"),
    description=gettext_lazy("For a province or regency and a year: regulations issued, budget allocated and "
                             "realised, workers covered by segment, coverage against the target, benefits paid."),
    permission="report.paritrana",
    params=("region", "year", "target"),
    build=build,
    regional=True,
    check=check,
)
