"""Arrears and lapse: who to follow up this month — members with one or two unpaid months (at risk),
lapsed last month, and reactivated — per funder and region, with the list of workers.

The lists are ``lindung.coverage.followup.follow_up`` (the lapse rule of the coverage indicators);
the funder is the worker's sponsorship running in the month (or the latest one), through the user's
sponsorship scope; NIKs through ``access.nik_for_display``.
"""

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.coverage.followup import LAPSED, REACTIVATED, follow_up
from lindung.funding.models import SponsorshipState
from lindung.funding.scope import visible_sponsorships
from lindung.regions.models import Region

from .. import document as d
from ..catalogue import Report

CHUNK = 2000


def label(state: str) -> str:
    if state == LAPSED:
        return _("lapsed last month")
    if state == REACTIVATED:
        return _("reactivated")
    k = int(state.rsplit("_", 1)[1])
    return _("%(n)s unpaid month(s)") % {"n": k}


def build(access, params: dict, progress=None) -> d.Document:
    code, month = params.get("region", ""), params["period"]
    lists = follow_up(code, month, access)
    found = []  # (worker_id, state, latest covered month)
    for state, qs in lists.items():
        found += [(w, state, m) for w, m in qs.values_list("worker_id", "month")]
    rows = []
    for start in range(0, len(found), CHUNK):
        part = found[start:start + CHUNK]
        ids = [w for w, _s, _m in part]
        workers = {w.pk: w for w in access.workers().filter(pk__in=ids).select_related("village")}
        funders = {}
        for s in (visible_sponsorships(access).filter(worker_id__in=ids, state__in=SponsorshipState.reserving(),
                                                      start_month__lte=month)
                  .select_related("funder").order_by("worker_id", "-start_month", "-id")):
            funders.setdefault(s.worker_id, s.funder.name)
        for worker_id, state, latest in part:
            w = workers.get(worker_id)
            if w is None:
                continue
            rows.append({"state": label(state), "funder": funders.get(worker_id, ""), "nik": access.nik_for_display(w),
                         "name": w.name, "village_code": w.village_id, "village": w.village.name,
                         "district_code": w.district_code, "latest": latest, "phone": w.phone})
    rows.sort(key=lambda r: (r["state"], r["funder"], r["village_code"], r["name"]))
    summary = Counter((r["funder"], r["district_code"], r["state"]) for r in rows)
    names = dict(Region.objects.filter(code__in={r["district_code"] for r in rows}).values_list("code", "name"))
    by_funder = [{"funder": f or "–", "district": names.get(dist, dist), "state": s, "workers": n}
                 for (f, dist, s), n in sorted(summary.items())]
    counts = Counter(r["state"] for r in rows)
    doc = d.Document(
        title=_("Arrears and lapse, %(month)s") % {"month": month.strftime("%Y-%m")},
        subtitle=_("Members to follow up in %(region)s") % {"region": code or "Indonesia"},
        parameters=[(_("Region"), code or "Indonesia"), (_("Month"), month.strftime("%Y-%m"))],
        figures=[d.Figure(label(s), counts.get(label(s), 0)) for s in lists],
        tables=[
            d.Table(_("Per funder and district"), [d.Column("funder", _("Funder"), width=2.2),
                                                   d.Column("district", _("District"), width=1.6),
                                                   d.Column("state", _("Situation"), width=1.6),
                                                   d.Column("workers", _("Workers"), d.INT)], by_funder),
            d.Table(_("Workers to follow up"), [
                d.Column("state", _("Situation"), width=1.4), d.Column("funder", _("Funder"), width=1.8),
                d.Column("nik", "NIK", d.NIK, 1.5), d.Column("name", _("Name"), width=1.6),
                d.Column("village", _("Village"), width=1.2), d.Column("latest", _("Last covered month"), d.MONTH),
                d.Column("phone", _("Phone"))], rows, total_rows=len(rows)),
        ],
    )
    return doc


REPORT = Report(
    name="arrears",
    title=gettext_lazy("Arrears and lapse"),
    description=gettext_lazy("Members with one or two unpaid months (at risk this month), lapsed last month and "
                             "reactivated, per funder and district, with the list to follow up."),
    permission="report.arrears",
    params=("region", "period"),
    build=build,
    regional=True,
)
