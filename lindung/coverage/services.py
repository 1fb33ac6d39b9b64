"""Coverage's public functions, for pages, the API, the CLI and other apps (claims, the rules planner).

- ``is_active(worker, month)``: covered in that month (its contributions paid and counted);
- ``contribution_months(worker, until)``: covered months up to and including ``until`` — the
  scholarship rule needs 36 (PP 82/2019, scholarships through JKM);
- ``status_of(worker, month)``: active / unpaid but continuing / lapsed / never covered;
- ``active_members(region_code, month)``: the UCJ numerator;
- ``add_correction``: an authorised back-dating of cover, with who and why.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.errors import DomainError
from lindung.funding.models import Sponsorship, SponsorshipState
from lindung.months import month_index
from lindung.rules.services import lapse_months

from .indicators import active_total
from .models import CoverageCorrection, MemberStatus, CoveredMonth, Status
from .status import mark_workers, refresh_dirty


class CoverageError(DomainError):
    """A correction or coverage request the rules refuse."""


def _id(worker) -> int:
    return worker if isinstance(worker, int) else worker.pk


def is_active(worker, month: dt.date) -> bool:
    return CoveredMonth.objects.filter(worker_id=_id(worker), month=month.replace(day=1)).exists()


def contribution_months(worker, until: dt.date | None = None) -> int:
    qs = CoveredMonth.objects.filter(worker_id=_id(worker))
    if until is not None:
        qs = qs.filter(month__lte=until.replace(day=1))
    return qs.count()


def paid_through(worker) -> dt.date | None:
    return MemberStatus.objects.filter(worker_id=_id(worker)).values_list("paid_through", flat=True).first()


def status_of(worker, month: dt.date) -> str:
    """The worker's membership in ``month``, from the covered months up to it."""
    month = month.replace(day=1)
    if is_active(worker, month):
        return Status.ACTIVE
    latest = (CoveredMonth.objects.filter(worker_id=_id(worker), month__lt=month)
              .order_by("-month").values_list("month_index", flat=True).first())
    if latest is None:
        return Status.NEVER
    return Status.GRACE if month_index(month) - latest < lapse_months(month) else Status.LAPSED


def active_members(region_code: str, month: dt.date) -> int:
    """Active members in a region (any level; '' for the country) in a month."""
    return active_total(region_code.replace(".", ""), month.replace(day=1))


def worker_summary(worker, month: dt.date) -> dict:
    status = MemberStatus.objects.filter(worker_id=_id(worker)).first()
    return {
        "worker_id": _id(worker), "month": month.strftime("%Y-%m"), "status": status_of(worker, month),
        "first_month": status.first_month.strftime("%Y-%m") if status else None,
        "active_since": status.active_since.strftime("%Y-%m") if status else None,
        "paid_through": status.paid_through.strftime("%Y-%m") if status else None,
        "contribution_months": status.contribution_months if status else 0,
        "memberships": status.memberships if status else 0,
        "covered_months": [m.strftime("%Y-%m") for m in CoveredMonth.objects.filter(worker_id=_id(worker))
                           .order_by("month").values_list("month", flat=True)],
    }


def payers(worker, month: dt.date) -> list:
    """Who pays the worker's contributions in ``month`` (approved or running sponsorships), then who
    will pay next: what a caller asks first about someone's cover."""
    month = month.replace(day=1)
    return list(Sponsorship.objects.filter(worker_id=_id(worker), end_month__gte=month,
                                           state__in=[SponsorshipState.APPROVED, SponsorshipState.ACTIVE])
                .select_related("funder").order_by("start_month", "id")[:5])


def add_correction(access, worker, *, from_month: dt.date, to_month: dt.date, reason: str) -> CoverageCorrection:
    """Back-date cover: months from–to that were paid late after a lapse count after all."""
    access.require("coverage.correct")
    worker = access.workers().filter(pk=_id(worker)).first()
    if worker is None:
        raise PermissionDenied(_("This worker is outside your scope."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CoverageError(_("Explain the correction (at least 10 characters)."))
    from_month, to_month = from_month.replace(day=1), to_month.replace(day=1)
    if to_month < from_month:
        raise CoverageError(_("The last month comes before the first."))
    user = access.user if getattr(access.user, "is_authenticated", False) else None
    with transaction.atomic():
        correction = CoverageCorrection.objects.create(worker_id=_id(worker), from_month=from_month,
                                                       to_month=to_month, reason=reason, made_by=user)
        before = contribution_months(worker)
        mark_workers([_id(worker)])
        refresh_dirty()
        after = contribution_months(worker)
        audit.record(user, audit.Action.UPDATE, correction, region_code=worker.village_id,
                     summary=_("cover back-dated %(a)s–%(b)s: %(reason)s") % {
                         "a": f"{from_month:%Y-%m}", "b": f"{to_month:%Y-%m}", "reason": reason},
                     changes={"contribution_months": [before, after]})
    return correction
