"""Deciding on proposed lists (maker–checker): approve a list against its budgets and reserve every
month with one ``INSERT … SELECT`` per programme set; cancel a list or one sponsorship."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.months import add_months, first_of_month
from lindung.months import today as local_today

from .budget import batch_cost, check_and_lock
from .errors import AlreadyCovered, FundingError, TooManyRequests
from .models import BatchState, Funder, ReservedMonth, Sponsorship, SponsorshipBatch, SponsorshipState
from .pricing import QuoteCache
from .scope import can_approve_for, is_own_public_proposal, visible_sponsorships
from .sponsorships import conflicting_worker_ids

S = SponsorshipState


def approve_batch(access, batch: SponsorshipBatch, *, today: dt.date | None = None,
                  drop_covered: bool = False) -> SponsorshipBatch:
    """Approve a proposed list as a whole: check the budget, reserve every month, audit.

    Lists of public money need an approver other than the proposer (maker–checker). When another
    payer holds some of the months the approval is refused (``AlreadyCovered``), or with
    ``drop_covered=True`` those workers are cancelled from the list and the rest approved.
    """
    funder = Funder.objects.get(pk=batch.funder_id)
    if not can_approve_for(access, funder):
        raise PermissionDenied(_("You may not approve lists of this funder."))
    with transaction.atomic():
        locked = SponsorshipBatch.objects.select_for_update().get(pk=batch.pk)
        if is_own_public_proposal(access, locked, funder):
            raise FundingError(_("A list of public money must be approved by someone other than its proposer."))
        return approve_locked(access.acting_user, locked, funder, today=today or local_today(),
                              drop_covered=drop_covered)


def approve_locked(actor, batch: SponsorshipBatch, funder: Funder, *, today: dt.date, drop_covered: bool = False,
                   cache: QuoteCache | None = None) -> SponsorshipBatch:
    """Approve ``batch`` as ``actor``: budget check, reservation, states, audit.

    Call inside a transaction holding the batch row, after deciding who may approve
    (``approve_batch``; a confirmed donor match and a hand-over approve their own list).
    """
    if batch.state != BatchState.PROPOSED:
        raise FundingError(_("This list is already %(state)s.") % {"state": batch.get_state_display()})
    cache = cache or QuoteCache()
    pending = batch.sponsorships.filter(state=S.PROPOSED)
    dropped = _drop_covered(batch, pending) if drop_covered else 0
    if not pending.exists():
        raise FundingError(_("Nothing is left to approve in this list: every worker has another payer."))
    lines = []
    for source, by_year in batch_cost(batch, cache).items():
        lines += check_and_lock(funder, source, by_year, cache)
    reserved = reserve(batch, pending)
    now = timezone.now()
    month = first_of_month(today)
    approved = {"approved_by": actor, "approved_at": now}
    pending.filter(end_month__lt=month).update(state=S.ENDED, ended_at=now, **approved)
    pending.filter(start_month__lte=month).update(state=S.ACTIVE, **approved)
    pending.update(state=S.APPROVED, **approved)
    _link_continuations(batch)
    batch.state, batch.approved_by, batch.approved_at = BatchState.APPROVED, actor, now
    batch.save(update_fields=["state", "approved_by", "approved_at"])
    count = batch.sponsorships.exclude(state=S.CANCELLED).count()
    audit.record(actor, audit.Action.APPROVE, batch, region_code=funder.region_id or "",
                 summary=_("%(n)d sponsorships approved for %(funder)s") % {"n": count, "funder": funder.name},
                 changes={"sponsorships": [None, count], "months_reserved": [None, reserved],
                          "dropped_already_covered": [None, dropped], "budget": [None, lines]})
    batch.count = count
    return batch


def _drop_covered(batch, pending) -> int:
    taken: set[int] = set()
    for key, start, months in pending.order_by().values_list("programs", "start_month", "months").distinct():
        ids = list(pending.filter(programs=key, start_month=start, months=months).values_list("worker_id", flat=True))
        taken |= conflicting_worker_ids(ids, key, start, months, exclude_batch=batch)
    dropped = 0
    for chunk in dialect.chunks(sorted(taken)):
        dropped += pending.filter(worker_id__in=chunk).update(state=S.CANCELLED, ended_at=timezone.now())
    return dropped


def reserve(batch: SponsorshipBatch, pending) -> int:
    """Insert the covered months of the batch: one INSERT … SELECT per programme set.

    Each sponsorship is crossed with the span's months and its programmes, in the order of the unique
    (worker, programme, month) index, so the index grows at its end instead of being re-read at random
    for every month. That unique constraint turns a concurrent double payment into an IntegrityError,
    caught inside a savepoint and reported as ``AlreadyCovered``.
    """
    cm, sp = ReservedMonth._meta.db_table, Sponsorship._meta.db_table
    # A month literal must be typed as a date on PostgreSQL; SQLite stores dates as ISO text.
    month_sql = "CAST(%s AS date)" if dialect.is_postgres() else "%s"
    # SQLite inserts in the order asked; PostgreSQL already walks the list's rows in id (≈ worker)
    # order, and an explicit sort of millions of rows would spill to disk.
    order = "" if dialect.is_postgres() else "ORDER BY s.worker_id, p.program, m.month"
    spans = list(pending.order_by().values_list("programs").annotate(first=Min("start_month"), last=Max("end_month")))
    inserted = 0
    try:
        with transaction.atomic(), connection.cursor() as cursor, dialect.sqlite_cache(cursor, 256):
            for key, first, last in spans:
                months, month = [], first
                while month <= last:
                    months.append(connection.ops.adapt_datefield_value(month))
                    month = add_months(month, 1)
                programs = key.split(",")
                month_table = " UNION ALL ".join([f"SELECT {month_sql} AS month"] * len(months))
                program_table = " UNION ALL ".join(["SELECT %s AS program"] * len(programs))
                cursor.execute(
                    f"INSERT INTO {cm} (sponsorship_id, worker_id, program, month, funder_id, funding_source) "
                    f"SELECT s.id, s.worker_id, p.program, m.month, s.funder_id, s.funding_source "
                    f"FROM {sp} s CROSS JOIN ({program_table}) p CROSS JOIN ({month_table}) m "
                    f"WHERE s.batch_id = %s AND s.state = %s AND s.programs = %s "
                    f"AND s.start_month <= m.month AND s.end_month >= m.month {order}",
                    [*programs, *months, batch.pk, S.PROPOSED, key])
                inserted += cursor.rowcount
    except IntegrityError:
        taken: set[int] = set()
        for key, first, last in spans:
            ids = list(pending.filter(programs=key).values_list("worker_id", flat=True))
            for chunk in dialect.chunks(ids):
                taken.update(ReservedMonth.objects.filter(worker_id__in=chunk, month__gte=first, month__lte=last,
                                                         program__in=key.split(","))
                             .values_list("worker_id", flat=True).distinct())
        raise AlreadyCovered(sorted(taken)) from None
    return inserted


def _link_continuations(batch: SponsorshipBatch) -> int:
    """Mark earlier sponsorships that this batch continues without a gap (hand-over)."""
    linked = 0
    for start in batch.sponsorships.order_by().values_list("start_month", flat=True).distinct():
        new = batch.sponsorships.filter(start_month=start).exclude(state=S.CANCELLED)
        previous = (Sponsorship.objects.filter(end_month=add_months(start, -1), continued_by__isnull=True,
                                               state__in=S.reserving(), worker_id__in=new.values("worker_id"))
                    .exclude(batch=batch))
        linked += previous.update(continued_by=Subquery(new.filter(worker_id=OuterRef("worker_id")).values("id")[:1]))
    Sponsorship.objects.filter(state=S.ENDED, continued_by__batch=batch).update(state=S.HANDED_OVER)
    return linked


MATCHING_EVENTS = ("matching.confirm", "matching.cancel")


def check_matching_rate(access) -> None:
    """Confirming donor matches and cancelling a private funder's sponsorships are counted per user
    (``LINDUNG_MATCHING_ACTIONS_PER_HOUR``): repeating them cannot be used to collect workers' data."""
    limit = settings.LINDUNG_MATCHING_ACTIONS_PER_HOUR
    if access.role and audit.recent(access.user, MATCHING_EVENTS) >= limit:
        raise TooManyRequests(_(
            "You confirmed or cancelled sponsorships %(n)d times in the last hour; please wait before trying "
            "again.") % {"n": limit})


def cancel_batch(access, batch: SponsorshipBatch) -> SponsorshipBatch:
    """Reject a proposed list (its proposer or an approver may)."""
    funder = Funder.objects.get(pk=batch.funder_id)
    if not (can_approve_for(access, funder) or (access.role and batch.proposed_by_id == access.user.pk)):
        raise PermissionDenied(_("You may not cancel this list."))
    with transaction.atomic():
        locked = SponsorshipBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != BatchState.PROPOSED:
            raise FundingError(_("Only a proposed list can be cancelled; cancel approved sponsorships one by one."))
        n = locked.sponsorships.filter(state=S.PROPOSED).update(state=S.CANCELLED, ended_at=timezone.now())
        locked.state = BatchState.CANCELLED
        locked.save(update_fields=["state"])
        audit.record(access.acting_user, audit.Action.UPDATE, locked, region_code=funder.region_id or "",
                     summary=_("list cancelled (%(n)d sponsorships)") % {"n": n},
                     changes={"state": [BatchState.PROPOSED, BatchState.CANCELLED]})
    return locked


def cancel_sponsorship(access, sponsorship: Sponsorship, *, today: dt.date | None = None,
                       reason: str = "") -> Sponsorship:
    """Stop a sponsorship. Months up to the current one stay paid for; later months are released."""
    funder = Funder.objects.get(pk=sponsorship.funder_id)
    if not visible_sponsorships(access).filter(pk=sponsorship.pk).exists():
        raise PermissionDenied(_("You may not change this sponsorship."))
    own_proposal = sponsorship.state == S.PROPOSED and access.role and sponsorship.proposed_by_id == access.user.pk
    if not (can_approve_for(access, funder) or own_proposal):
        raise PermissionDenied(_("You may not cancel this funder's sponsorships."))
    month = first_of_month(today or local_today())
    counted = not funder.is_public and access.role == Role.FUNDER_USER
    if counted:
        check_matching_rate(access)
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if locked.state not in S.open():
            raise FundingError(_("This sponsorship is already %(state)s.") % {"state": locked.get_state_display()})
        if counted:
            audit.event(access.acting_user, "matching.cancel", workers=[locked.worker_id],
                        summary=_("sponsorship #%(id)d of %(funder)s cancelled") % {"id": locked.pk,
                                                                                 "funder": funder.name})
        released, _n = ReservedMonth.objects.filter(sponsorship=locked, month__gt=month).delete()
        before = locked.state
        locked.state, locked.ended_at = S.CANCELLED, timezone.now()
        locked.save(update_fields=["state", "ended_at"])
        audit.record(access.acting_user, audit.Action.UPDATE, locked, region_code=locked.worker.village_id,
                     summary=(_("sponsorship cancelled: %(reason)s") % {"reason": reason} if reason
                              else _("sponsorship cancelled"))[:300],
                     changes={"state": [before, S.CANCELLED], "months_released": [None, released]})
    return locked
