"""Donor impact letter: what a company's or donor's money did in a year, on one or two pages.

The letter shows what the funder itself would see, whoever generates it: the figures are read
through the funder's own view (a funder user's scope, ``FunderView``): workers covered, worker-months
and rupiah paid and the regencies reached (``lindung.billing.impact.funder_paid``, the funder's billing
page), what became of finished sponsorships (``graduation_report``), families who received benefits
(``lindung.claims.stats.paid_statistics``), and the workers by name with masked NIKs only. The chart
of workers paid per month is the coverage page's month chart.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.access import Access
from lindung.accounts.models import Role
from lindung.billing.impact import funder_paid
from lindung.claims.stats import paid_statistics
from lindung.coverage import charts
from lindung.funding.models import Funder, FunderKind, SponsorshipState
from lindung.funding.scope import visible_funders, visible_sponsorships
from lindung.funding.impact import graduation_report

from .. import document as d
from ..catalogue import Report
from ..numbers import display
from ..services import ReportRefused

LETTER_KINDS = (FunderKind.COMPANY, FunderKind.DONOR, FunderKind.SERTAKAN)
LIST_LIMIT = 500


class FunderView(Access):
    """The funder's own view of its workers (the scope of a funder user), for a letter addressed to it."""

    def __init__(self, user, funder_id: int):
        super().__init__(user)
        self.__dict__.update(role=Role.FUNDER_USER, funder_id=funder_id, region_codes=[])


def addressee(access, params: dict) -> Funder:
    funder_id = access.funder_id or params.get("funder")
    funder = visible_funders(access).filter(pk=funder_id, kind__in=LETTER_KINDS).first() if funder_id else None
    if funder is None:
        raise ReportRefused([_("Choose the company or donor the letter is for.")], "funder")
    return funder


def build(access, params: dict, progress=None) -> d.Document:
    year = params["year"]
    funder = addressee(access, params)
    view = FunderView(access.user, funder.pk)
    paid = funder_paid(view, funder, year=year)
    finished = [r for r in graduation_report(view, funder_id=funder.pk)]
    handed = {k: sum(r[k] for r in finished) for k in ("finished", "graduated", "picked_up")}
    benefits = paid_statistics(view, "", year)
    workers = (visible_sponsorships(view).filter(funder=funder, state__in=SponsorshipState.reserving(),
                                                 start_month__year__lte=year, end_month__year__gte=year)
               .select_related("worker", "worker__village").order_by("worker__village_id", "worker__name_key"))
    rows = [{"name": s.worker.name, "nik": s.worker.masked_nik, "village": s.worker.village.name,
             "period": f"{s.start_month:%m/%Y} – {s.end_month:%m/%Y}"} for s in workers[:LIST_LIMIT]]
    doc = d.Document(
        title=_("What your support did in %(year)s") % {"year": year},
        subtitle=_("For %(funder)s") % {"funder": funder.name},
        parameters=[(_("Funder"), funder.name), (_("Year"), str(year))],
    )
    doc.intro.append(_(
        "In %(year)s your contributions paid %(months)s months of work-accident and death cover (JKK, JKM) for "
        "%(workers)s workers in %(regencies)s regencies and cities, a total of %(amount)s. Thank you.") % {
        "year": year, "months": display(paid["worker_months"], d.INT), "workers": display(paid["workers"], d.INT),
        "regencies": display(paid["regencies"], d.INT), "amount": display(paid["amount"], d.RUPIAH)})
    doc.figures = [
        d.Figure(_("Workers covered"), paid["workers"]), d.Figure(_("Months of cover paid"), paid["worker_months"]),
        d.Figure(_("Amount paid"), paid["amount"], d.RUPIAH), d.Figure(_("Regencies and cities"), paid["regencies"]),
        d.Figure(_("Sponsorships finished"), handed["finished"]),
        d.Figure(_("Continued as self-payers"), handed["graduated"]),
        d.Figure(_("Picked up by another funder"), handed["picked_up"]),
        d.Figure(_("Families who received benefits"), benefits["families"]),
        d.Figure(_("Benefits paid to them"), benefits["amount"], d.RUPIAH),
    ]
    points = [{"month": r["month"].strftime("%Y-%m"), "active": r["workers"]} for r in paid["by_month"]]
    if points:
        doc.charts.append(d.Chart(_("Workers paid for, per month"), charts.column_chart_svg(points)))
    doc.tables = [
        d.Table(_("Regencies and cities"), [d.Column("name", _("Region"), width=2.4),
                                             d.Column("workers", _("Workers"), d.INT),
                                             d.Column("amount", _("Amount"), d.RUPIAH)], paid["by_regency"]),
        d.Table(_("Workers covered"), [d.Column("name", _("Name"), width=2), d.Column("nik", "NIK", d.NIK, 1.6),
                                       d.Column("village", _("Village"), width=1.6),
                                       d.Column("period", _("Cover period"), width=1.4)], rows),
    ]
    if workers.count() > LIST_LIMIT:
        doc.notes.append(_("The first %(n)s workers are listed.") % {"n": LIST_LIMIT})
    return doc


REPORT = Report(
    name="donor",
    title=gettext_lazy("Donor impact letter"),
    description=gettext_lazy("For a company or donor and a year: workers covered, months and rupiah paid, "
                             "regions, hand-over outcomes and families who received benefits (masked NIKs)."),
    permission="report.donor",
    params=("funder", "year"),
    build=build,
    formats=("pdf",),
    check=addressee,
)
