"""Coverage indicators for a region and a month (UCJ — Universal Coverage Jamsostek: active members ÷
working population, the indicator of the RPJMN 2025–2029 target).

- active members: workers whose month is covered (``CoveredMonth``);
- working population: ``regions.WorkingPopulation`` of the region, the latest year not after the month;
- coverage % (UCJ) = active ÷ working population × 100, two decimals, halves up;
- new: members whose membership starts in the month (first ever, or first after a lapse);
- lapsed: members whose ``lapse``-th consecutive uncovered month is this month;
- breakdowns by segment, ecosystem and the paying funder's kind; the parent region for comparison;
  the children for the drill-down (province → regency → district → village).

Counts come from the monthly snapshot when one was taken for the month, else from one indexed range
scan of ``CoveredMonth`` (the region is an equality prefix of its covering index). Users without the
``coverage.statistics`` permission (funder users, agents) see counts of their own workers only,
always computed live through ``access.worker_q``.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.http import Http404


from lindung.months import add_months, month_from_index, month_index, this_month
from lindung.regions.models import Level, Region, WorkingPopulation, parent_code
from lindung.rules.services import lapse_months

from .models import CoverageSnapshot, CoveredMonth, SnapshotRun

CODE_FIELDS = [(2, "province_code"), (4, "regency_code"), (6, "district_code"), (10, "village_code")]
CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 10}
CHILD_FIELD = {0: "province_code", 2: "regency_code", 4: "district_code", 6: "village_code"}
BREAKDOWNS = ("segment", "ecosystem", "funder_kind")


def region_filter(code: str) -> dict:
    """Equality filters on the denormalised codes: a prefix of the covering index."""
    return {field: code[:length] for length, field in CODE_FIELDS if length <= len(code)}


def percent(active: int, working: int | None) -> float | None:
    if not working:
        return None
    value = (Decimal(active) * 100 / Decimal(working)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(value)


def is_scoped(access) -> bool:
    return access is not None and not access.can("coverage.statistics")


def home_region(access) -> str:
    """Where a user's coverage opens: their region, or the country for national and scoped users."""
    if access is None or access.is_national or is_scoped(access) or not access.region_codes:
        return ""
    return access.region_codes[0]


def last_complete_month() -> dt.date:
    """The last month that has ended (in the configured time zone). Coverage opens on it: the running
    month's contributions are due only on the 15th (RULES.md §3), so its count grows during the month and
    would read as a drop."""
    return add_months(this_month(), -1)


def check_region(access, code: str) -> str:
    """The region code a user may see indicators for, or Http404 (the same answer for "no such
    region" and "not yours"). '' (Indonesia) is for the national administrator and for scoped users,
    whose counts are their own workers anyway."""
    access.require("coverage.view")
    code = (code or "").replace(".", "").strip()
    if code == "":
        if not (access.is_national or is_scoped(access)):
            raise Http404
        return code
    if not Region.objects.filter(code=code).exists() or not access.region_visible(code):
        raise Http404
    return code


def has_snapshot(month: dt.date) -> bool:
    return SnapshotRun.objects.filter(month=month).exists()


def _live(code: str, month: dt.date, access):
    qs = CoveredMonth.objects.filter(month=month, **region_filter(code))
    if is_scoped(access):
        qs = qs.filter(access.worker_q("worker__"))
    return qs


def _lapse(month: dt.date) -> int:
    return lapse_months(month)


def _index_order(code: str) -> list[str]:
    """Region columns that follow ``code``'s equality prefix in the covering index, down to villages.

    Grouping by them first and then by the breakdowns follows the index order, so the database
    aggregates while it scans instead of building a temporary sort (a regency of 400,000 members:
    a few thousand groups). Above the regency level that would return too many groups.
    """
    if len(code) < 4:
        return []
    return [field for length, field in CODE_FIELDS if length > len(code)]


def counts(code: str, month: dt.date, access=None) -> dict:
    """Active, new and lapsed members with their breakdowns (and, when at hand, per child region)."""
    lapse = _lapse(month)
    rows = []  # (segment, ecosystem, funder_kind, active, new, lapsed)
    by_child = None
    if not is_scoped(access) and has_snapshot(month):
        rows = list(CoverageSnapshot.objects.filter(month=month, region_code=code)
                    .values_list("segment", "ecosystem", "funder_kind", "active", "new", "lapsed"))
    else:
        places = _index_order(code) if not is_scoped(access) else []
        child = CHILD_FIELD.get(len(code))
        if places:
            by_child = defaultdict(int)
        grouped = (_live(code, month, access).order_by().values(*places, *BREAKDOWNS, "starts")
                   .annotate(n=Count("*")).order_by(*places, *BREAKDOWNS, "starts"))
        for r in grouped:
            rows.append((r["segment"], r["ecosystem"], r["funder_kind"], r["n"], r["n"] if r["starts"] else 0, 0))
            if places:
                by_child[r[child]] += r["n"]
        before = month_from_index(month_index(month) - lapse)
        ended = _live(code, before, access).filter(last=True)
        for r in ended.order_by().values(*BREAKDOWNS).annotate(n=Count("*")):
            rows.append((r["segment"], r["ecosystem"], r["funder_kind"], 0, 0, r["n"]))
    out = {"active": 0, "new": 0, "lapsed": 0, **{f"by_{b}": defaultdict(int) for b in BREAKDOWNS},
           "by_child": dict(by_child) if by_child is not None else None}
    for segment, ecosystem, kind, active, new, lapsed in rows:
        out["active"] += active
        out["new"] += new
        out["lapsed"] += lapsed
        for name, value in zip(BREAKDOWNS, (segment, ecosystem, kind)):
            if active:
                out[f"by_{name}"][value] += active
    for b in BREAKDOWNS:
        out[f"by_{b}"] = dict(sorted(out[f"by_{b}"].items(), key=lambda kv: -kv[1]))
    return out


def active_total(code: str, month: dt.date, access=None) -> int:
    if not is_scoped(access) and has_snapshot(month):
        return int(CoverageSnapshot.objects.filter(month=month, region_code=code)
                   .aggregate(n=Sum("active"))["n"] or 0)
    return _live(code, month, access).count()


def working_population(code: str, year: int) -> WorkingPopulation | None:
    return WorkingPopulation.latest_for(code, year) if code else None


def working_populations(codes: list[str], year: int) -> dict[str, WorkingPopulation]:
    found = {}
    for wp in WorkingPopulation.objects.filter(region_id__in=codes, year__lte=year).order_by("region_id", "-year"):
        found.setdefault(wp.region_id, wp)
    return found


def child_counts(code: str, month: dt.date, access=None) -> dict[str, int]:
    if len(code) == 10:
        return {}
    if not is_scoped(access) and has_snapshot(month):
        length = CHILD_LENGTH[len(code)]
        child_codes = [c for c in Region.objects.filter(code__startswith=code, level=_level(length))
                       .values_list("code", flat=True)]
        return dict(CoverageSnapshot.objects.filter(month=month, region_code__in=child_codes).order_by()
                    .values_list("region_code").annotate(n=Sum("active")).values_list("region_code", "n"))
    field = CHILD_FIELD[len(code)]
    return dict(_live(code, month, access).order_by().values_list(field).annotate(n=Count("*"))
                .values_list(field, "n"))


def _level(length: int) -> int:
    return {2: Level.PROVINCE, 4: Level.REGENCY, 6: Level.DISTRICT, 10: Level.VILLAGE}[length]


def indicators(code: str, month: dt.date, access=None, *, children: bool = True) -> dict:
    """Everything a coverage dashboard shows for one region and month. ``code`` '' is Indonesia."""
    month = month.replace(day=1)
    region = Region.objects.filter(code=code).first() if code else None
    data = counts(code, month, access)
    wp = working_population(code, month.year)
    result = {
        "region": {"code": code, "name": region.name if region else "Indonesia",
                   "level": Level(region.level).name.lower() if region else "country"},
        "month": month.strftime("%Y-%m"),
        "scoped": is_scoped(access),
        "source": "snapshot" if not is_scoped(access) and has_snapshot(month) else "live",
        "active": data["active"], "new": data["new"], "lapsed": data["lapsed"],
        "working_population": wp.count if wp else None, "working_population_year": wp.year if wp else None,
        "working_population_stale": bool(wp and wp.year < month.year),
        "coverage_pct": percent(data["active"], wp.count if wp else None),
        "by_segment": data["by_segment"], "by_ecosystem": data["by_ecosystem"],
        "by_funder_kind": data["by_funder_kind"],
        "parent": None, "children": [],
    }
    up = parent_code(code) if code else None
    if up is not None:
        parent = Region.objects.filter(code=up).first() if up else None
        parent_wp = working_population(up, month.year)
        parent_active = active_total(up, month, access)
        result["parent"] = {"code": up, "name": parent.name if parent else "Indonesia", "active": parent_active,
                            "working_population": parent_wp.count if parent_wp else None,
                            "coverage_pct": percent(parent_active, parent_wp.count if parent_wp else None)}
    if children and len(code) < 10:
        kids = list(Region.objects.filter(parent_id=code) if code else Region.objects.filter(level=Level.PROVINCE))
        by_child = data["by_child"] if data["by_child"] is not None else child_counts(code, month, access)
        wps = working_populations([k.code for k in kids], month.year)
        result["children"] = [
            {"code": k.code, "name": k.name, "active": by_child.get(k.code, 0),
             "working_population": wps[k.code].count if k.code in wps else None,
             "coverage_pct": percent(by_child.get(k.code, 0), wps[k.code].count if k.code in wps else None)}
            for k in kids]
    return result


def trend(code: str, months: list[dt.date], access=None) -> list[dict]:
    """Active, new and lapsed members per month (snapshots where taken, live counts otherwise)."""
    from_snapshot = {}
    if not is_scoped(access):
        taken = set(SnapshotRun.objects.filter(month__in=months).values_list("month", flat=True))
        for row in (CoverageSnapshot.objects.filter(month__in=taken, region_code=code).order_by()
                    .values("month").annotate(active=Sum("active"), new=Sum("new"), lapsed=Sum("lapsed"))):
            from_snapshot[row["month"]] = row
        for month in taken - set(from_snapshot):
            from_snapshot[month] = {"active": 0, "new": 0, "lapsed": 0}
    out = []
    for month in months:
        if month in from_snapshot:
            row = from_snapshot[month]
            values = {"active": row["active"] or 0, "new": row["new"] or 0, "lapsed": row["lapsed"] or 0}
        else:
            c = counts(code, month, access)
            values = {"active": c["active"], "new": c["new"], "lapsed": c["lapsed"]}
        wp = working_population(code, month.year)
        out.append({"month": month.strftime("%Y-%m"), **values,
                    "coverage_pct": percent(values["active"], wp.count if wp else None)})
    return out
