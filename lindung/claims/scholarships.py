"""Scholarships over the years: a yearly entitlement per child, paid against that year's evidence.

The schedule (levels, amounts, years, the cap, the stop at 23) comes from the benefit rules when the
claim is opened (``ScholarshipYear`` rows). Each year the family hands in the enrolment letter for
that school year; the year is then paid by BPJS and recorded here. A child who marries or starts
work stops: the remaining years are marked stopped.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.formatting import number

from .errors import ClaimError
from .models import Claim, ClaimKind, ClaimState, ScholarshipYear, ScholarshipYearState
from .scope import in_region, visible_claims

Y = ScholarshipYearState


def renewals_due(access, year: int, region_code: str = "", years: int = 1):
    """Scholarship payments of ``year`` (and the ``years`` - 1 following) still waiting for evidence or
    payment, in the user's scope."""
    claims = visible_claims(access).filter(kind=ClaimKind.SCHOLARSHIP, state=ClaimState.PAID)
    rows = ScholarshipYear.objects.filter(claim__in=claims, year__gte=year, year__lt=year + years,
                                          state__in=[Y.DUE, Y.EVIDENCE])
    rows = in_region(rows, region_code, "claim__worker__")
    return rows.select_related("claim__worker", "claim__child").order_by("due_on", "id")


def _locked_year(access, row: ScholarshipYear, permission: str) -> ScholarshipYear:
    access.require(permission)
    if not visible_claims(access).filter(pk=row.claim_id).exists():
        raise PermissionDenied(_("This claim is outside your scope."))
    return ScholarshipYear.objects.select_for_update().select_related("claim__worker").get(pk=row.pk)


def record_year_paid(access, row: ScholarshipYear, *, paid_on: dt.date) -> ScholarshipYear:
    """BPJS paid a later year's scholarship; that year's enrolment letter must be in."""
    with transaction.atomic():
        locked = _locked_year(access, row, "claim.decide")
        if locked.state != Y.EVIDENCE:
            raise ClaimError(_("The %(year)s scholarship needs that year's enrolment letter first.") % {
                "year": locked.year} if locked.state == Y.DUE else
                _("The %(year)s scholarship is already %(state)s.") % {"year": locked.year,
                                                                      "state": locked.get_state_display()})
        if paid_on > timezone.localdate():
            raise ClaimError(_("The payment date lies in the future."))
        locked.state, locked.paid_on = Y.PAID, paid_on
        locked.save(update_fields=["state", "paid_on"])
        audit.record(access.user, audit.Action.UPDATE, locked.claim, region_code=locked.claim.worker.village_id,
                     summary=_("scholarship %(year)s paid: Rp%(amount)s") % {
                         "year": locked.year, "amount": number(locked.amount)})
    return locked


def stop(access, claim: Claim, *, reason: str, from_year: int) -> int:
    """The child married or started work: no payments from ``from_year`` on."""
    if reason not in ("married", "working"):
        raise ClaimError(_("A scholarship stops when the child marries or starts work."))
    access.require("claim.prepare")
    if not visible_claims(access).filter(pk=claim.pk).exists():
        raise PermissionDenied(_("This claim is outside your scope."))
    with transaction.atomic():
        n = ScholarshipYear.objects.filter(claim=claim, year__gte=from_year, state__in=[Y.DUE, Y.EVIDENCE]).update(
            state=Y.STOPPED, stop_reason=reason)
        audit.record(access.user, audit.Action.UPDATE, claim, region_code=claim.worker.village_id,
                     summary=_("scholarship stopped from %(year)s (%(reason)s): %(n)d years") % {
                         "year": from_year, "reason": reason, "n": n})
    return n
