"""A sponsorship's life after approval: the daily run that activates and ends sponsorships, what ends
soon, the hand-over to self-payment, and the end of cover when a worker dies."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.months import add_months, first_of_month
from lindung.months import today as local_today
from lindung.people.models import Worker

from .approval import approve_locked
from .errors import FundingError
from .funders import self_funder_for
from .models import BatchOrigin, ReservedMonth, Sponsorship, SponsorshipBatch, SponsorshipState
from .scope import visible_sponsorships
from .sponsorships import check_programs, create_batch

S = SponsorshipState


def advance_sponsorships(today: dt.date | None = None) -> dict:
    """Activate sponsorships whose first month has begun; end those whose last month is over.

    A sponsorship is *active* from the first day of its first month (its cover period runs; whether
    a month is paid is billing's business). When its last month is over it becomes *ended*, or
    *handed over* if another sponsorship continues it from the next month (no gap).
    Idempotent: run it daily (``lindung sponsorships end-due``).
    """
    month = first_of_month(today or local_today())
    now = timezone.now()
    with transaction.atomic():
        handed = Sponsorship.objects.filter(state__in=[S.APPROVED, S.ACTIVE], end_month__lt=month,
                                            continued_by__isnull=False).update(state=S.HANDED_OVER, ended_at=now)
        ended = Sponsorship.objects.filter(state__in=[S.APPROVED, S.ACTIVE], end_month__lt=month).update(
            state=S.ENDED, ended_at=now)
        activated = Sponsorship.objects.filter(state=S.APPROVED, start_month__lte=month).update(state=S.ACTIVE)
        result = {"activated": activated, "ended": ended, "handed_over": handed, "month": month.isoformat()}
        if activated or ended or handed:
            audit.record_bulk(None, audit.Action.UPDATE, Sponsorship, [audit.Entry(
                "lifecycle", summary=f"lifecycle {month:%Y-%m}: {activated} activated, {ended} ended, "
                                     f"{handed} handed over", changes=result)])
    return result


def ending_soon(access, *, today: dt.date | None = None, days: int = 30):
    """Approved or active sponsorships whose cover ends within ``days`` days (last day of the last month)."""
    today = today or local_today()
    last = add_months(first_of_month(today + dt.timedelta(days=days + 1)), -1)
    return (visible_sponsorships(access)
            .filter(state__in=[S.APPROVED, S.ACTIVE], end_month__gte=first_of_month(today), end_month__lte=last)
            .select_related("worker", "worker__village", "funder", "continued_by__funder")
            .order_by("end_month", "worker__village_id", "worker__name_key"))


def not_continued(sponsorships):
    """Of sponsorships ending soon, those nobody has continued yet: the ones that need a decision."""
    return sponsorships.filter(continued_by__isnull=True)


def continue_as_self_payer(access, sponsorship: Sponsorship, *, months: int = 12, programs=None,
                           today: dt.date | None = None, wadah: str = "") -> Sponsorship:
    """Hand a worker over to self-payment: his own funder pays from the month after the sponsorship.

    Starting the very next month keeps membership continuous (no gap: three unpaid months lapse a membership, Permenaker 5/2021). If the
    sponsorship ended long ago the self-payment starts this month instead. Approved at once: no
    public money is committed. An agent doing this becomes the self-payer's collecting agent.
    """
    access.require("sponsorship.handover")
    if not visible_sponsorships(access).filter(pk=sponsorship.pk).exists():
        raise PermissionDenied(_("You may not hand over this sponsorship."))
    sponsorship = Sponsorship.objects.select_related("worker").get(pk=sponsorship.pk)
    if sponsorship.state not in (S.APPROVED, S.ACTIVE, S.ENDED):
        raise FundingError(_("Only an approved, active or ended sponsorship can be handed over."))
    if sponsorship.continued_by_id:
        raise FundingError(_("This sponsorship is already continued."))
    today = today or local_today()
    start = max(add_months(sponsorship.end_month, 1), first_of_month(today))
    agent = access.user if access.role == Role.AGENT else None
    key = check_programs(programs or sponsorship.programs)
    with transaction.atomic():
        funder = self_funder_for(access, sponsorship.worker, agent=agent, wadah=wadah)
        batch = create_batch(access.acting_user, funder, [sponsorship.worker_id], Worker.objects.all(), key, start,
                              months, "self", _("hand-over from %(funder)s") % {"funder": sponsorship.funder.name},
                              origin=BatchOrigin.HANDOVER, skip_covered=False)
        batch = SponsorshipBatch.objects.select_for_update().get(pk=batch.pk)
        approve_locked(access.acting_user, batch, funder, today=today)
    return batch.sponsorships.get()


def end_after_death(worker_id: int, died_on: dt.date, *, actor=None, summary: str = "") -> list[dict]:
    """End a deceased worker's sponsorships and release the months after the month of death.

    Called inside the caller's transaction when a death is confirmed (lindung.claims). Months up to
    and including the month of death stay reserved; later months are released, so every budget's
    commitment drops by their cost. A sponsorship left with no month is cancelled, the others end.
    Returns, per sponsorship, the months released (for the audit entry and the funder's credit);
    ``summary`` is the audit entry's text, worded by the caller.
    """
    last = first_of_month(died_on)
    out = []
    for sponsorship in (Sponsorship.objects.select_for_update().order_by("id")
                        .filter(worker_id=worker_id, state__in=S.open())):
        released, _n = ReservedMonth.objects.filter(sponsorship=sponsorship, month__gt=last).delete()
        kept = ReservedMonth.objects.filter(sponsorship=sponsorship).exists()
        before = sponsorship.state
        sponsorship.state = S.ENDED if kept else S.CANCELLED
        sponsorship.ended_at = timezone.now()
        sponsorship.save(update_fields=["state", "ended_at"])
        audit.record(actor, audit.Action.UPDATE, sponsorship, region_code=sponsorship.worker.village_id,
                     summary=summary or f"death {died_on.isoformat()}",
                     changes={"state": [before, sponsorship.state], "months_released": [None, released]})
        out.append({"sponsorship_id": sponsorship.pk, "funder_id": sponsorship.funder_id, "months_released": released,
                    "state": sponsorship.state})
    return out
