"""Coverage (UCJ) of a region for a month: the figures of the coverage page, on paper.

Every figure comes from ``lindung.coverage.indicators`` (the service behind the coverage page and
``/api/v1/coverage/indicators``) and the gap to the target from the rules planner
(``plan_target``); nothing is counted here. Child regions are ranked by coverage %.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.coverage import charts
from lindung.coverage.indicators import indicators, trend
from lindung.funding.models import FunderKind
from lindung.months import add_months
from lindung.people.models import Ecosystem, Segment
from lindung.rules.planner import plan_target
from lindung.rules.services import RuleError

from .. import document as d
from ..catalogue import Report
from ..numbers import display

RPJMN_TARGET = Decimal("43.92")  # RPJMN 2025–2029: national UCJ target for 2029 (RULES.md)
LABELS = {"segment": dict(Segment.choices), "ecosystem": dict(Ecosystem.choices),
          "funder_kind": dict(FunderKind.choices)}


def figures(code: str, month, access, target: Decimal) -> tuple[dict, list[dict], dict | None]:
    data = indicators(code, month, access)
    data["children"] = [c for c in data["children"] if access.region_visible(c["code"])]
    months = [add_months(month, -i) for i in range(11, -1, -1)]
    series = trend(code, months, access)
    gap = None
    if data["working_population"] and code:
        try:
            plan = plan_target(region_code=code, target_percent=target, programs="jkk,jkm", income=1_000_000,
                               funding_source="apbd-regency", start=month, months=12, active=data["active"])
            gap = {"workers": plan.workers, "cost": plan.cost}
        except RuleError:
            gap = None
    return data, series, gap


def target_figures(data: dict, target: Decimal) -> list[d.Figure]:
    """Active members, working population (with its year), coverage %, the target and the gap."""
    pct = data["coverage_pct"]
    wp_note = (_("year %(year)s") % {"year": data["working_population_year"]}
               if data["working_population_year"] else _("not entered"))
    return [
        d.Figure(_("Active members"), data["active"]),
        d.Figure(_("Working population"), data["working_population"], note=wp_note),
        d.Figure(_("Coverage (UCJ)"), pct, d.PERCENT),
        d.Figure(_("Target"), float(target), d.PERCENT),
        d.Figure(_("Gap to the target (percentage points)"),
                 None if pct is None else float(max(target - Decimal(str(pct)), Decimal(0))), d.PERCENT),
    ]


def build(access, params: dict, progress=None) -> d.Document:
    code, month = params.get("region", ""), params["period"]
    target = params.get("target") or RPJMN_TARGET
    data, series, gap = figures(code, month, access, target)
    doc = d.Document(
        title=_("Coverage (UCJ): %(region)s") % {"region": data["region"]["name"]},
        subtitle=_("Active members against the working population, %(month)s") % {"month": data["month"]},
        parameters=[(_("Region"), f"{data['region']['name']} ({code or 'ID'})"), (_("Month"), data["month"]),
                    (_("Coverage target"), display(float(target), d.PERCENT))],
    )
    doc.figures = [
        *target_figures(data, target),
        d.Figure(_("New members this month"), data["new"]),
        d.Figure(_("Lapsed this month"), data["lapsed"]),
    ]
    if gap is not None:
        doc.figures += [d.Figure(_("Members still needed for the target"), gap["workers"]),
                        d.Figure(_("Their JKK + JKM contributions for 12 months"), gap["cost"], d.RUPIAH,
                                 note=_("at Rp1.000.000 declared income"))]
    if data["parent"]:
        p = data["parent"]
        doc.figures.append(d.Figure(_("Coverage of %(name)s") % {"name": p["name"]}, p["coverage_pct"], d.PERCENT))
    if data["scoped"]:
        doc.notes.append(_("Counts of the workers you fund or registered only."))
    doc.notes.append(_("Source: %(source)s.") % {
        "source": _("monthly snapshot") if data["source"] == "snapshot" else _("live count")})
    doc.charts = [d.Chart(_("Active members, last 12 months"), charts.column_chart_svg(series))]
    doc.tables.append(d.Table(_("Trend by month"), [
        d.Column("month", _("Month")), d.Column("active", _("Active"), d.INT), d.Column("new", _("New"), d.INT),
        d.Column("lapsed", _("Lapsed"), d.INT), d.Column("coverage_pct", _("Coverage"), d.PERCENT)], series))
    for key, title in (("segment", _("By segment")), ("ecosystem", _("By ecosystem")),
                       ("funder_kind", _("By funder"))):
        values = data[f"by_{key}"]
        total = sum(values.values()) or 1
        rows = [{"label": str(LABELS[key].get(k, k)), "active": v, "share": round(100 * v / total, 2)}
                for k, v in values.items()]
        doc.tables.append(d.Table(title, [d.Column("label", title, width=3), d.Column("active", _("Active"), d.INT),
                                          d.Column("share", _("Share"), d.PERCENT)], rows))
    if data["children"]:
        ranked = sorted(data["children"], key=lambda c: (-(c["coverage_pct"] or -1), -c["active"], c["code"]))
        rows = [{"rank": i, **c} for i, c in enumerate(ranked, 1)]
        doc.tables.append(d.Table(_("Ranking of the regions below"), [
            d.Column("rank", "#", d.INT, 0.4), d.Column("code", _("Code"), width=1), d.Column("name", _("Name"), width=2.4),
            d.Column("active", _("Active"), d.INT), d.Column("working_population", _("Working population"), d.INT),
            d.Column("coverage_pct", _("Coverage"), d.PERCENT)], rows))
    return doc


REPORT = Report(
    name="coverage",
    title=gettext_lazy("Coverage (UCJ)"),
    description=gettext_lazy("Active members, working population, coverage % against a target, the trend "
                             "over twelve months, breakdowns and the ranking of the regions below."),
    permission="report.coverage",
    params=("region", "period", "target"),
    build=build,
    regional=True,
)
