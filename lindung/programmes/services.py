"""Programmes: creating them, their villages and lists, and their progress against the targets.

- ``create_programme`` / ``set_villages`` / ``attach_lists`` / ``detach_list``: for those who act for the
  running funder (permission ``programme.manage``); ``managed_funders`` and ``attachable_lists`` are what
  a form offers them;
- ``targets(programme)``: each village's target — the programme's number, a village's own number, or the
  registry's count of the target segment in the village;
- ``progress(access, programme, month)``: each village's covered workers against its target, the
  villages behind, and the budget used (money paid for the programme's lists);
- ``ProgrammeAccess``: the user's access narrowed to the programme's workers, handed to the coverage
  indicators so they count the programme only (coverage itself knows nothing of programmes).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from lindung import months
from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.billing.models import InvoiceLine
from lindung.billing.scope import actor
from lindung.coverage.indicators import check_region, indicators
from lindung.coverage.models import CoveredMonth
from lindung.errors import InvalidInput
from lindung.funding.models import Funder, Sponsorship, SponsorshipBatch, SponsorshipState
from lindung.funding.scope import can_act_for, visible_batches, visible_funders
from lindung.people.models import Segment, Worker
from lindung.regions.models import Level, Region

from .models import Programme, ProgrammeVillage


class ProgrammeError(InvalidInput):
    """A programme, target or list the rules refuse."""


def _related(code_a: str, code_b: str) -> bool:
    return code_a.startswith(code_b) or code_b.startswith(code_a)


def visible_programmes(access):
    """Programmes of the funders a user deals with: its own funder (funder users), funders based in or above
    its regions (government roles and agents), every programme for the national administrator."""
    if not access.can("programme.view"):
        return Programme.objects.none()
    qs = Programme.objects.select_related("funder", "funder__region")
    if access.is_national:
        return qs
    if access.role == Role.FUNDER_USER:
        return qs.filter(funder_id=access.funder_id)
    q = Q(pk__in=[])
    for code in access.region_codes:
        q |= Q(funder__region__code__startswith=code)
        q |= Q(funder__region__code__in=[code[:n] for n in (2, 4, 6) if len(code) > n])
    return qs.filter(q)


def can_manage(access, programme: Programme) -> bool:
    """May this user change the programme (its villages and lists)?"""
    return access.can("programme.manage") and can_act_for(access, programme.funder)


def _require_manage(access, programme_or_funder) -> None:
    access.require("programme.manage")
    funder = programme_or_funder if isinstance(programme_or_funder, Funder) else programme_or_funder.funder
    if not can_act_for(access, funder):
        raise PermissionDenied(_("You do not act for this funder."))


def create_programme(access, funder: Funder, *, name: str, legal_basis: str, start_month: dt.date,
                     end_month: dt.date, target_workers: int | None = None, target_segment: str = "",
                     budget: int | None = None) -> Programme:
    _require_manage(access, funder)
    name = (name or "").strip()
    if not name:
        raise ProgrammeError(_("Give the programme a name."), "name")
    start_month, end_month = months.first_of_month(start_month), months.first_of_month(end_month)
    if end_month < start_month:
        raise ProgrammeError(_("The last month cannot be before the first month."), "end_month")
    if bool(target_workers) == bool(target_segment):
        raise ProgrammeError(_("Set the target per village as a number of workers or as a segment, not both."),
                             "target_workers")
    if target_segment and target_segment not in Segment.values:
        raise ProgrammeError(_("Unknown segment “%(segment)s”.") % {"segment": target_segment}, "target_segment")
    if funder.region_id is None:
        raise ProgrammeError(_("A programme is run by a funder with a region (its villages lie there)."), "funder")
    programme = Programme.objects.create(
        funder=funder, name=name, legal_basis=(legal_basis or "").strip()[:300], start_month=start_month,
        end_month=end_month, target_workers=target_workers or None, target_segment=target_segment or "",
        budget=budget, created_by=actor(access))
    audit.record(actor(access), audit.Action.CREATE, programme, region_code=funder.region_id or "",
                 summary=_("programme %(name)s") % {"name": name})
    return programme


def set_villages(access, programme: Programme, targets: dict[str, int | None], *, replace: bool = False) -> int:
    """Name the villages taking part (code → own target, or None for the programme's); returns how many.
    With ``replace`` the villages not named stop taking part (the web form shows the whole list)."""
    _require_manage(access, programme)
    region = programme.funder.region_id
    codes = sorted(targets)
    found = set(Region.objects.filter(code__in=codes, level=Level.VILLAGE).values_list("code", flat=True))
    wrong = [c for c in codes if c not in found or not c.startswith(region)]
    if wrong:
        raise ProgrammeError(_("%(code)s is not a village of %(region)s.") % {"code": wrong[0], "region": region},
                             "villages")
    with transaction.atomic():
        if replace:
            programme.villages.exclude(village_id__in=codes).delete()
        for code in codes:
            ProgrammeVillage.objects.update_or_create(programme=programme, village_id=code,
                                                      defaults={"target": targets[code]})
        audit.record(actor(access), audit.Action.UPDATE, programme, region_code=region,
                     summary=_("%(n)d villages and their targets") % {"n": len(codes)})
    return len(codes)


def attach_lists(access, programme: Programme, batches) -> int:
    """Let sponsorship lists belong to the programme: lists of the running funder, or of funders based inside
    its region (villages paying under a regency's regulation)."""
    _require_manage(access, programme)
    ids = [b.pk if isinstance(b, SponsorshipBatch) else int(b) for b in batches]
    found = list(visible_batches(access).filter(pk__in=ids).select_related("funder"))
    if len(found) != len(set(ids)):
        raise PermissionDenied(_("A list is outside your scope."))
    region = programme.funder.region_id
    for batch in found:
        if batch.funder_id != programme.funder_id and not (batch.funder.region_id or "").startswith(region):
            raise ProgrammeError(_("List #%(id)s is paid by a funder outside the programme's region.") % {
                "id": batch.pk}, "lists")
    programme.lists.add(*found)
    audit.record(actor(access), audit.Action.UPDATE, programme, region_code=region,
                 summary=_("lists %(ids)s belong to the programme") % {"ids": ", ".join(f"#{b.pk}" for b in found)})
    return len(found)


def detach_list(access, programme: Programme, batch_id: int) -> None:
    """Take a sponsorship list out of the programme (the list and its sponsorships stay as they are)."""
    _require_manage(access, programme)
    batch = programme.lists.filter(pk=batch_id).first()
    if batch is None:
        raise ProgrammeError(_("List #%(id)s does not belong to the programme.") % {"id": batch_id}, "lists")
    programme.lists.remove(batch)
    audit.record(actor(access), audit.Action.UPDATE, programme, region_code=programme.funder.region_id,
                 summary=_("list #%(id)s no longer belongs to the programme") % {"id": batch.pk})


def managed_funders(access):
    """Funders the user may run a programme for: public funders with a region it acts for."""
    if not access.can("programme.manage"):
        return Funder.objects.none()
    candidates = visible_funders(access).filter(region__isnull=False).select_related("region").order_by("name")
    return [f for f in candidates if can_act_for(access, f)]


def attachable_lists(access, programme: Programme):
    """Lists in the user's scope that may join the programme: the running funder's own, or those of funders
    based inside its region; not already attached."""
    region = programme.funder.region_id
    return (visible_batches(access)
            .filter(Q(funder_id=programme.funder_id) | Q(funder__region__code__startswith=region))
            .exclude(pk__in=programme.lists.values("pk")).select_related("funder").order_by("-pk"))


# --- targets and progress -------------------------------------------------------------------------

RESERVING = list(SponsorshipState.reserving())


def programme_sponsorships(programme: Programme, month: dt.date | None = None):
    qs = Sponsorship.objects.filter(batch__programmes=programme, state__in=RESERVING)
    if month is not None:
        qs = qs.filter(start_month__lte=month, end_month__gte=month)
    return qs


def targets(programme: Programme) -> dict[str, int]:
    """village code → target. Villages are those named for the programme, else every village where one of
    its lists has a worker."""
    named = dict(programme.villages.values_list("village_id", "target"))
    if not named:
        named = dict.fromkeys(programme_sponsorships(programme).order_by()
                              .values_list("worker__village_id", flat=True).distinct())
    if programme.target_segment:
        counts = dict(Worker.objects.filter(village_id__in=list(named), segment=programme.target_segment)
                      .order_by().values_list("village_id").annotate(n=Count("id")))
        return {code: own if own is not None else counts.get(code, 0) for code, own in named.items()}
    return {code: own if own is not None else programme.target_workers or 0 for code, own in named.items()}


def progress(access, programme: Programme, month: dt.date) -> dict:
    """Each village's covered workers (paid for ``month`` through the programme's lists) against its target."""
    access.require("programme.view")
    if not visible_programmes(access).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("This programme is outside your scope."))
    month = months.first_of_month(month)
    goal = targets(programme)
    paid = CoveredMonth.objects.filter(month=month, worker_id__in=programme_sponsorships(programme, month)
                                    .values("worker_id"))
    if not access.can("coverage.statistics"):
        paid = paid.filter(access.worker_q("worker__"))
    covered = dict(paid.order_by().values_list("village_code").annotate(n=Count("worker_id", distinct=True)))
    names = dict(Region.objects.filter(code__in=list(goal) + list(covered)).values_list("code", "name"))
    rows = []
    for code in sorted(set(goal) | set(covered)):
        target, count = goal.get(code, 0), covered.get(code, 0)
        state = "at" if count == target else ("above" if count > target else "below")
        rows.append({"code": code, "name": names.get(code, code), "target": target, "covered": count,
                     "gap": max(target - count, 0), "state": state,
                     "percent": round(100 * count / target, 1) if target else None})
    spent = InvoiceLine.objects.filter(sponsorship__batch__programmes=programme).aggregate(
        paid=Sum("paid"), billed=Sum("amount"))
    return {
        "programme": {"id": programme.pk, "name": programme.name, "funder": programme.funder.name,
                      "legal_basis": programme.legal_basis, "start_month": months.month_label(programme.start_month),
                      "end_month": months.month_label(programme.end_month),
                      "target_workers": programme.target_workers, "target_segment": programme.target_segment,
                      "lists": list(programme.lists.values_list("pk", flat=True))},
        "month": months.month_label(month), "villages": rows,
        "behind": [r["code"] for r in rows if r["state"] == "below"],
        "totals": {"target": sum(r["target"] for r in rows), "covered": sum(r["covered"] for r in rows),
                   "villages": len(rows), "at_or_above": sum(1 for r in rows if r["state"] != "below")},
        "budget": {"allocation": programme.budget, "billed": int(spent["billed"] or 0), "paid": int(spent["paid"] or 0),
                   "used_percent": round(100 * (spent["paid"] or 0) / programme.budget, 1) if programme.budget else None},
    }


class ProgrammeAccess:
    """A user's access narrowed to the workers of a programme's lists: handed to the coverage indicators,
    it makes them count live, and only the programme's workers (besides the user's own scope)."""

    def __init__(self, access, programme: Programme):
        self._access, self._programme = access, programme

    def __getattr__(self, name):
        return getattr(self._access, name)

    def can(self, permission: str) -> bool:
        if permission == "coverage.statistics":
            return False  # never the region-wide snapshot: counts are the programme's, computed live
        return self._access.can(permission)

    def region_visible(self, code: str) -> bool:
        return self._access.region_visible(code)

    def worker_q(self, prefix: str = "") -> Q:
        base = self._access.worker_q(prefix) if not self._access.can("coverage.statistics") else Q()
        return base & Q(**{f"{prefix}id__in": programme_sponsorships(self._programme).values("worker_id")})


def coverage_filter_choices(access) -> list[tuple[str, str]]:
    """The programmes a user may filter the coverage indicators by."""
    if not access.can("programme.view"):
        return []
    return [(str(p.pk), f"{p.name} ({p.funder.name})") for p in visible_programmes(access)]


def narrow_to_programme(access, value: str):
    """The user's access narrowed to a programme's workers, or None when it is not a programme in scope."""
    programme = visible_programmes(access).filter(pk=int(value)).first() if value.isdigit() and len(value) <= 9 else None
    return ProgrammeAccess(access, programme) if programme is not None else None


def programme_indicators(access, programme: Programme, code: str, month: dt.date) -> dict:
    """The coverage indicators of a region, counting only the programme's workers."""
    if not visible_programmes(access).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("This programme is outside your scope."))
    narrowed = ProgrammeAccess(access, programme)
    code = check_region(access, code)
    data = indicators(code, months.first_of_month(month), narrowed)
    data["programme"] = {"id": programme.pk, "name": programme.name}
    return data
