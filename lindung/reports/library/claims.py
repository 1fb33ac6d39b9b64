"""Claims and benefits paid: families reached and rupiah paid per region, month and programme.

Every figure is ``lindung.claims.stats.paid_statistics`` — the claims statistics page and
``GET /api/v1/claims/statistics`` — over the claims the user may see (a funder: the benefits paid for
the workers it funded).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.claims.models import ClaimKind
from lindung.claims.stats import paid_statistics
from lindung.regions.models import Region

from .. import document as d
from ..catalogue import Report

KINDS = dict(ClaimKind.choices)


def build(access, params: dict, progress=None) -> d.Document:
    code, year = params.get("region", ""), params["year"]
    stats = paid_statistics(access, code, year)
    names = dict(Region.objects.filter(code__in={r["region_code"] for r in stats["rows"]}).values_list("code", "name"))
    rows = [{**r, "region": names.get(r["region_code"], r["region_code"]),
             "programme": str(KINDS.get(r["programme"], r["programme"]))} for r in stats["rows"]]
    doc = d.Document(
        title=_("Claims and benefits paid, %(year)s") % {"year": year},
        subtitle=names.get(code) or (Region.objects.filter(code=code).values_list("name", flat=True).first()
                                     if code else "Indonesia") or code,
        parameters=[(_("Region"), code or "Indonesia"), (_("Year"), str(year))],
        figures=[d.Figure(_("Families who received benefits"), stats["families"]),
                 d.Figure(_("Benefits paid"), stats["amount"], d.RUPIAH)]
        + [d.Figure(str(KINDS.get(k, k)), v, d.RUPIAH) for k, v in stats["by_programme"].items()],
        tables=[d.Table(_("Per region, month and programme"), [
            d.Column("region_code", _("Code")), d.Column("region", _("Region"), width=1.8),
            d.Column("month", _("Month")), d.Column("programme", _("Programme"), width=2),
            d.Column("families", _("Families"), d.INT), d.Column("amount", _("Amount"), d.RUPIAH)], rows)],
    )
    return doc


REPORT = Report(
    name="claims",
    title=gettext_lazy("Claims and benefits paid"),
    description=gettext_lazy("Families who received JKK, JKM and scholarship benefits and the rupiah paid, per "
                             "region, month and programme, for a year."),
    permission="report.claims",
    params=("region", "year"),
    build=build,
)
