"""Hand-over: what became of finished sponsorships — continued as self-payers, picked up by another
funder, or dropped — and the graduation rate, per funder and region.

Figures are ``lindung.funding.impact.graduation_report`` (the hand-over page and
``GET /api/v1/funding/graduation``), through the user's scope; sponsorships ending soon come
from ``ending_soon``, the list the hand-over page works from.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.funding.impact import graduation_report
from lindung.funding.lifecycle import ending_soon
from lindung.funding.scope import visible_funders
from lindung.regions.models import REGION_FIELDS
from lindung.regions.models import Region

from .. import document as d
from ..catalogue import Report


def build(access, params: dict, progress=None) -> d.Document:
    code, funder_id = params.get("region", ""), params.get("funder")
    level = "regency" if len(code) <= 4 else ("district" if len(code) == 6 else "village")
    rows = [r for r in graduation_report(access, level=level, funder_id=funder_id)
            if (r["region_code"] or "").startswith(code)]
    names = dict(Region.objects.filter(code__in={r["region_code"] for r in rows}).values_list("code", "name"))
    for r in rows:
        r["region"] = names.get(r["region_code"], r["region_code"])
        r["dropped"] = r["finished"] - r["graduated"] - r["picked_up"]
    total = {k: sum(r[k] for r in rows) for k in ("finished", "graduated", "picked_up", "dropped")}
    funder = visible_funders(access).filter(pk=funder_id).first() if funder_id else None
    soon = ending_soon(access)
    if funder_id:
        soon = soon.filter(funder_id=funder_id)
    soon = soon.filter(**({f"worker__{_field(code)}": code} if code else {}))
    return d.Document(
        title=_("Hand-over of finished sponsorships"),
        subtitle=_("Continued as self-payers, picked up by another funder, or dropped"),
        parameters=[(_("Region"), code or "Indonesia"), (_("Funder"), funder.name if funder else _("all the funders you may see"))],
        figures=[d.Figure(_("Sponsorships finished"), total["finished"]),
                 d.Figure(_("Continued as self-payers"), total["graduated"]),
                 d.Figure(_("Picked up by another funder"), total["picked_up"]),
                 d.Figure(_("Dropped"), total["dropped"]),
                 d.Figure(_("Graduation rate"),
                          round(100 * total["graduated"] / total["finished"], 2) if total["finished"] else None,
                          d.PERCENT),
                 d.Figure(_("Ending within 30 days"), soon.count())],
        tables=[d.Table(_("Per funder and region"), [
            d.Column("funder", _("Funder"), width=2.2), d.Column("region_code", _("Code")),
            d.Column("region", _("Region"), width=1.6), d.Column("finished", _("Finished"), d.INT),
            d.Column("graduated", _("Self-payers"), d.INT), d.Column("picked_up", _("Picked up"), d.INT),
            d.Column("dropped", _("Dropped"), d.INT), d.Column("rate_percent", _("Graduation rate"), d.PERCENT)],
            rows)],
    )


def _field(code: str) -> str:
    return REGION_FIELDS[len(code)]


REPORT = Report(
    name="handover",
    title=gettext_lazy("Hand-over"),
    description=gettext_lazy("Finished sponsorships continued as self-payers, picked up by another funder or "
                             "dropped: the graduation rate per funder and region."),
    permission="report.handover",
    params=("region", "funder"),
    build=build,
)
