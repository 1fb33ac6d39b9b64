"""Funding workflows: one path for pages, API, CLI, imports and the demo.

Each public function checks permission and scope through the access layer, then runs
transaction → lock → change → audit entry. Volume paths (a province list of 78,000 workers) are
set-based: sponsorships are inserted with ``bulk_create`` and their months reserved with one
``INSERT … SELECT`` per month and programme.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.formatting import number
from lindung.months import add_months, first_of_month, months_between
from lindung.months import today as local_today
from lindung.people.models import Worker
from lindung.regions.models import Region, region_field
from lindung.rules.choices import Program

from . import budget as budgets
from .errors import AlreadyCovered, FundingError, TooManyRequests
from .kinds import allowed_sources
from .models import (
    BatchOrigin, BatchState, Budget, ReservedMonth, Funder, FunderKind, Sponsorship, SponsorshipBatch,
    SponsorshipState, programs_key,
)
from .pricing import QuoteCache, cost_by_year, reserved_groups, sponsorship_groups
from .scope import can_act_for, can_approve_for, can_propose_for, is_own_public_proposal, visible_sponsorships

CHUNK = 5000  # ids per IN (…) list: below SQLite's variable limit, few round trips at 78,000 workers
MAX_MONTHS = 60
S = SponsorshipState


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _today(today: dt.date | None) -> dt.date:
    return today or local_today()


def _actor(access):
    return access.user if access is not None and access.role else None


# --- funders and budgets -------------------------------------------------------------------------

def create_funder(access, *, kind: str, name: str, region_code: str | None = None, agent=None,
                  wadah: str = "") -> Funder:
    """Register a funder. Regional operators may register governments and villages inside their region."""
    access.require("funder.manage")
    if kind not in FunderKind.values:
        raise FundingError(_("Unknown funder kind %(kind)s.") % {"kind": kind})
    if kind == FunderKind.SELF:
        raise FundingError(_("Self-paying workers become funders through a hand-over, not by hand."))
    name = (name or "").strip()
    if not name:
        raise FundingError(_("A funder needs a name."))
    region_code = (region_code or "").replace(".", "").strip() or None
    if kind in FunderKind.public() and not region_code:
        raise FundingError(_("A government or village funder needs its region."))
    expected = {FunderKind.PROVINCE: 2, FunderKind.REGENCY: 4, FunderKind.VILLAGE: 10}.get(kind)
    if expected and len(region_code) != expected:
        raise FundingError(_("The region of this kind of funder must be a %(n)d-digit code.") % {"n": expected})

    if region_code and not Region.objects.filter(code=region_code).exists():
        raise FundingError(_("Unknown region code %(code)s.") % {"code": region_code})
    if not access.is_national and not (kind in FunderKind.public() and access.region_in_scope(region_code)):
        raise PermissionDenied(_("You may register only governments and villages inside your region."))
    with transaction.atomic():
        funder = Funder.objects.create(kind=kind, name=name, region_id=region_code, agent=agent, wadah=wadah)
        audit.record(_actor(access), audit.Action.CREATE, funder, region_code=region_code or "",
                     summary=name, changes={"kind": [None, kind]})
    return funder


def self_funder_for(access, worker: Worker, *, agent=None, wadah: str = "") -> Funder:
    """The worker's own funder (kind self), created on first use; safe when two requests race.

    Naming a new collecting agent (who then sees and collects the worker's contributions) is a change of
    who handles personal data and money: it is audited, as is the creation.
    """
    existing = Funder.objects.filter(kind=FunderKind.SELF, worker=worker).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Funder.objects.create(kind=FunderKind.SELF, worker=worker, region_id=worker.village_id,
                                                 name=_("%(name)s (self-paying)") % {"name": worker.name},
                                                 agent=agent, wadah=wadah)
                audit.record(_actor(access), audit.Action.CREATE, existing, region_code=worker.village_id,
                             summary=existing.name, changes={"kind": [None, FunderKind.SELF],
                                                             "agent": [None, getattr(agent, "pk", None)]})
            return existing
        except IntegrityError:
            existing = Funder.objects.get(kind=FunderKind.SELF, worker=worker)
    if agent is not None and existing.agent_id != agent.pk:
        before = {"agent": existing.agent_id, "wadah": existing.wadah}
        existing.agent, existing.wadah = agent, wadah or existing.wadah
        existing.save(update_fields=["agent", "wadah"])
        audit.record(_actor(access), audit.Action.UPDATE, existing, region_code=worker.village_id,
                     summary=_("collecting agent changed"),
                     changes=audit.diff(before, {"agent": existing.agent_id, "wadah": existing.wadah}))
    return existing


def set_budget(access, funder: Funder, *, fiscal_year: int, source: str, amount: int, note: str = "") -> Budget:
    """Enter or change an allocation; it may not fall below what is already committed."""
    access.require("budget.edit")
    if not can_act_for(access, funder):
        raise PermissionDenied(_("You may not manage this funder's budget."))
    if source not in allowed_sources(funder.kind):
        raise FundingError(_("A %(kind)s funder may not pay from %(source)s.") % {"kind": funder.kind, "source": source})
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise FundingError(_("The allocation must be a whole number of rupiah, zero or more."))
    if not 2000 <= int(fiscal_year) <= 2100:
        raise FundingError(_("Fiscal year %(year)s is out of range.") % {"year": fiscal_year})
    with transaction.atomic():
        row = (Budget.objects.select_for_update()
               .filter(funder=funder, fiscal_year=fiscal_year, source=source).first())
        used = budgets.committed_for(funder.pk, source, int(fiscal_year))
        if amount < used:
            raise FundingError(_("Rp%(committed)s of this budget is already committed; the allocation cannot be "
                                 "lower.") % {"committed": number(used)}, committed=used)
        before = {} if row is None else {"amount": row.amount, "note": row.note}
        if row is None:
            row = Budget(funder=funder, fiscal_year=fiscal_year, source=source)
        row.amount, row.note = amount, note
        row.save()
        audit.record(_actor(access), audit.Action.CREATE if not before else audit.Action.UPDATE, row,
                     region_code=funder.region_id or "", summary=f"{funder.name} {fiscal_year} {source}",
                     changes=audit.diff(before, {"amount": amount, "note": note}))
    return row


# --- proposing -----------------------------------------------------------------------------------

def _check_programs(programs) -> str:
    key = programs_key(programs if not isinstance(programs, str) else programs.split(","))
    wrong = [p for p in key.split(",") if p and p not in Program.values]
    if not key or wrong:
        raise FundingError(_("Choose programmes from %(valid)s.") % {"valid": ", ".join(Program.values)})
    return key


def check_terms(programs, start_month: dt.date, months: int) -> tuple[str, dt.date]:
    """What every sponsorship request must say, for a list or a donor's match: known programmes (their
    stored key), 1 to MAX_MONTHS months, and a first month. Returns (programmes key, first month)."""
    key = _check_programs(programs)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise FundingError(_("A sponsorship runs for 1 to %(max)d months.") % {"max": MAX_MONTHS})
    return key, first_of_month(start_month)


def _programs_overlap_q(key: str, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for p in key.split(","):
        q |= (Q(**{f"{prefix}programs": p}) | Q(**{f"{prefix}programs__startswith": f"{p},"})
              | Q(**{f"{prefix}programs__endswith": f",{p}"}) | Q(**{f"{prefix}programs__contains": f",{p},"}))
    return q


def payers_of(worker_ids: list[int], programs, start: dt.date, months: int,
              *, exclude_batch: SponsorshipBatch | None = None) -> dict[int, set[int]]:
    """Someone already pays: the funders holding (reserved) or proposing any of these programme-months,
    per worker. The one home of the rule; the proposal form and the importer's pre-check both ask it."""
    key = programs if isinstance(programs, str) else programs_key(programs)
    end = add_months(start, months - 1)
    found: dict[int, set[int]] = {}
    proposals = Sponsorship.objects.filter(state=S.PROPOSED, start_month__lte=end, end_month__gte=start)
    proposals = proposals.filter(_programs_overlap_q(key))
    if exclude_batch is not None:
        proposals = proposals.exclude(batch=exclude_batch)
    for chunk in _chunks(worker_ids):
        reserved = (ReservedMonth.objects.filter(worker_id__in=chunk, month__gte=start, month__lte=end,
                                                 program__in=key.split(","))
                    .order_by().values_list("worker_id", "funder_id").distinct())
        proposed = proposals.filter(worker_id__in=chunk).order_by().values_list("worker_id", "funder_id").distinct()
        for worker_id, funder_id in [*reserved, *proposed]:
            found.setdefault(worker_id, set()).add(funder_id)
    return found


def conflicting_worker_ids(worker_ids: list[int], programs: str, start: dt.date, months: int,
                           *, exclude_batch: SponsorshipBatch | None = None) -> set[int]:
    """Workers who already have a payer, or an open proposal, for any of these programme-months."""
    return set(payers_of(worker_ids, programs, start, months, exclude_batch=exclude_batch))


def existing_payers(worker_ids, programs: str, start: dt.date, months: int, *, limit: int = 50) -> list:
    """Why workers were refused or left out of a list: for each (up to ``limit``), the sponsorships that
    already pay for — or propose — some of these programme-months (funder, months, state, list)."""
    end = add_months(start, months - 1)
    shown = sorted(worker_ids)[:limit]
    rows = (Sponsorship.objects.filter(worker_id__in=shown, start_month__lte=end, end_month__gte=start,
                                       state__in=[S.PROPOSED, S.APPROVED, S.ACTIVE])
            .filter(_programs_overlap_q(programs)).select_related("worker", "worker__village", "funder")
            .order_by("worker__name_key", "start_month"))
    by_worker: dict[int, dict] = {}
    for s in rows:
        entry = by_worker.setdefault(s.worker_id, {"worker": s.worker, "sponsorships": []})
        entry["sponsorships"].append(s)
    return [by_worker[i] for i in shown if i in by_worker]


def propose_sponsorships(access, funder: Funder, worker_ids, programs, start_month: dt.date, months: int,
                         funding_source: str, note: str = "", *, origin: str = BatchOrigin.LIST,
                         skip_covered: bool = False) -> SponsorshipBatch:
    """Propose one list: the same programmes and months for every worker, waiting for approval.

    Workers must be in the proposer's scope and, for a government or village funder, live inside its
    region. Workers already paid for (or already proposed) in any of these programme-months are
    refused — or left out with ``skip_covered=True``, reported in ``batch.skipped_worker_ids``.
    Set-based: 78,000 workers are a few bulk inserts.
    """
    if not can_propose_for(access, funder):
        raise PermissionDenied(_("You may not propose sponsorships for this funder."))
    ids = sorted({int(i) for i in (worker_ids.values_list("id", flat=True)
                                   if hasattr(worker_ids, "values_list") else worker_ids)})
    scoped = access.workers()
    if funder.is_public:
        scoped = scoped.filter(**{region_field(funder.region_id): funder.region_id})
    return _create_batch(_actor(access), funder, ids, scoped, programs, start_month, months, funding_source,
                         note, origin=origin, skip_covered=skip_covered)


def _create_batch(actor, funder: Funder, ids: list[int], scoped_workers, programs, start_month: dt.date,
                  months: int, funding_source: str, note: str, *, origin: str, skip_covered: bool,
                  cache: QuoteCache | None = None) -> SponsorshipBatch:
    key, start = check_terms(programs, start_month, months)
    if funding_source not in allowed_sources(funder.kind):
        raise FundingError(_("A %(kind)s funder may not pay from %(source)s.") % {
            "kind": funder.get_kind_display(), "source": funding_source})
    if not ids:
        raise FundingError(_("Choose at least one worker."))
    rows = []
    for chunk in _chunks(ids):
        rows += list(scoped_workers.filter(pk__in=chunk).order_by()
                     .values_list("id", "segment", "declared_income", "sector"))
    if len(rows) != len(ids):
        raise FundingError(_("%(n)d of the chosen workers are outside your scope or the funder's region.") % {
            "n": len(ids) - len(rows)})
    taken = conflicting_worker_ids(ids, key, start, months)
    if taken and not skip_covered:
        raise AlreadyCovered(sorted(taken))
    rows = [r for r in rows if r[0] not in taken]
    if not rows:
        raise AlreadyCovered(sorted(taken))
    cache = cache or QuoteCache()
    with transaction.atomic():
        batch = SponsorshipBatch.objects.create(funder=funder, origin=origin, proposed_by=actor, note=note[:300])
        new = _insert_sponsorships(batch, rows, key, funding_source, start, months, note[:300], actor, cache)
        audit.record(actor, audit.Action.CREATE, batch, region_code=funder.region_id or "",
                     summary=_("%(n)d sponsorships proposed for %(funder)s, %(start)s + %(months)d months") % {
                         "n": new, "funder": funder.name, "start": f"{start:%Y-%m}", "months": months},
                     changes={"programs": [None, key], "funding_source": [None, funding_source],
                              "workers": [None, new], "skipped": [None, len(taken)]})
    batch.skipped_worker_ids = sorted(taken)
    batch.count = new
    return batch


def _insert_sponsorships(batch, rows, key, funding_source, start, months, note, actor, cache) -> int:
    """Insert one proposed sponsorship per (worker_id, segment, income, sector) row.

    Multi-row ``INSERT … VALUES`` of plain tuples, 1,000 rows a statement: building 78,000 model
    instances (and Django's small SQLite insert batches, or one round trip per row on PostgreSQL)
    costs many times more than the database work itself.
    """
    end = add_months(start, months - 1)
    ops = connection.ops
    start_db, end_db = ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)
    now = ops.adapt_datetimefield_value(timezone.now())
    actor_id = actor.pk if actor is not None else None
    columns = ("funder_id, worker_id, programs, funding_source, start_month, months, end_month, monthly_amount, "
               "state, proposed_by_id, batch_id, note, created_at")
    placeholder = "(" + ", ".join(["%s"] * 13) + ")"
    params = [(batch.funder_id, worker_id, key, funding_source, start_db, months, end_db,
               cache.total(segment=segment, income=income, programs=key, month=start, funding_source=funding_source,
                           sector=sector), S.PROPOSED, actor_id, batch.pk, note, now)
              for worker_id, segment, income, sector in rows]
    with connection.cursor() as cursor:
        if dialect.is_postgres():  # one statement: the varying columns as two arrays
            cursor.execute(
                f"INSERT INTO {Sponsorship._meta.db_table} ({columns}) "
                "SELECT %s, u.worker_id, %s, %s, %s, %s, %s, u.amount, %s, %s, %s, %s, %s "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS u(worker_id, amount)",
                [batch.funder_id, key, funding_source, start_db, months, end_db, S.PROPOSED, actor_id, batch.pk,
                 note, now, [p[1] for p in params], [p[7] for p in params]])
            return len(params)
        for chunk in _chunks(params, 1000):
            cursor.execute(f"INSERT INTO {Sponsorship._meta.db_table} ({columns}) VALUES "
                           + ", ".join([placeholder] * len(chunk)), [value for row in chunk for value in row])
    return len(params)


# --- approving -----------------------------------------------------------------------------------

def batch_cost(batch: SponsorshipBatch, cache: QuoteCache | None = None) -> dict[str, dict[int, int]]:
    """Cost per funding source and fiscal year of the batch's proposed sponsorships."""
    cache = cache or QuoteCache()
    pending = batch.sponsorships.filter(state=S.PROPOSED)
    by_source: dict[str, dict[int, int]] = {}
    for source in pending.order_by().values_list("funding_source", flat=True).distinct():
        by_source[source] = cost_by_year(sponsorship_groups(pending.filter(funding_source=source)), cache)
    return by_source


def budget_impact(batch: SponsorshipBatch, cache: QuoteCache | None = None) -> list[dict]:
    """What approving would do to each budget: needed, remaining, shortfall (for pages, no locks)."""
    cache = cache or QuoteCache()
    lines = []
    for source, by_year in batch_cost(batch, cache).items():
        for year, needed in sorted(by_year.items()):
            row = Budget.objects.filter(funder_id=batch.funder_id, fiscal_year=year, source=source).first()
            remaining = None if row is None else row.amount - budgets.committed(row, cache)
            lines.append({"fiscal_year": year, "source": source, "needed": needed, "budget": row and row.amount,
                          "remaining": remaining,
                          "shortfall": None if remaining is None else max(0, needed - remaining)})
    return lines


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
        return _approve(_actor(access), locked, funder, today=_today(today), drop_covered=drop_covered)


def _approve(actor, batch: SponsorshipBatch, funder: Funder, *, today: dt.date, drop_covered: bool = False,
             cache: QuoteCache | None = None) -> SponsorshipBatch:
    """Inside a transaction holding the batch row: budget check, reservation, states, audit."""
    if batch.state != BatchState.PROPOSED:
        raise FundingError(_("This list is already %(state)s.") % {"state": batch.get_state_display()})
    cache = cache or QuoteCache()
    pending = batch.sponsorships.filter(state=S.PROPOSED)
    dropped = _drop_covered(batch, pending) if drop_covered else 0
    if not pending.exists():
        raise FundingError(_("Nothing is left to approve in this list: every worker has another payer."))
    lines = []
    for source, by_year in batch_cost(batch, cache).items():
        lines += budgets.check_and_lock(funder, source, by_year, cache)
    reserved = _reserve(batch, pending)
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
    for chunk in _chunks(sorted(taken)):
        dropped += pending.filter(worker_id__in=chunk).update(state=S.CANCELLED, ended_at=timezone.now())
    return dropped


def _reserve(batch: SponsorshipBatch, pending) -> int:
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
            for chunk in _chunks(ids):
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
    from django.conf import settings

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
        audit.record(_actor(access), audit.Action.UPDATE, locked, region_code=funder.region_id or "",
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
    month = first_of_month(_today(today))
    counted = not funder.is_public and access.role == Role.FUNDER_USER
    if counted:
        check_matching_rate(access)
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if locked.state not in S.open():
            raise FundingError(_("This sponsorship is already %(state)s.") % {"state": locked.get_state_display()})
        if counted:
            audit.event(_actor(access), "matching.cancel", workers=[locked.worker_id],
                        summary=_("sponsorship #%(id)d of %(funder)s cancelled") % {"id": locked.pk,
                                                                                 "funder": funder.name})
        released, _n = ReservedMonth.objects.filter(sponsorship=locked, month__gt=month).delete()
        before = locked.state
        locked.state, locked.ended_at = S.CANCELLED, timezone.now()
        locked.save(update_fields=["state", "ended_at"])
        audit.record(_actor(access), audit.Action.UPDATE, locked, region_code=locked.worker.village_id,
                     summary=(_("sponsorship cancelled: %(reason)s") % {"reason": reason} if reason
                              else _("sponsorship cancelled"))[:300],
                     changes={"state": [before, S.CANCELLED], "months_released": [None, released]})
    return locked


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


# --- the daily lifecycle ---------------------------------------------------------------------------

def advance_sponsorships(today: dt.date | None = None) -> dict:
    """Activate sponsorships whose first month has begun; end those whose last month is over.

    A sponsorship is *active* from the first day of its first month (its cover period runs; whether
    a month is paid is billing's business). When its last month is over it becomes *ended*, or
    *handed over* if another sponsorship continues it from the next month (no gap).
    Idempotent: run it daily (``lindung sponsorships end-due``).
    """
    month = first_of_month(_today(today))
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
    today = _today(today)
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
    today = _today(today)
    start = max(add_months(sponsorship.end_month, 1), first_of_month(today))
    agent = access.user if access.role == Role.AGENT else None
    key = _check_programs(programs or sponsorship.programs)
    with transaction.atomic():
        funder = self_funder_for(access, sponsorship.worker, agent=agent, wadah=wadah)
        batch = _create_batch(_actor(access), funder, [sponsorship.worker_id], Worker.objects.all(), key, start,
                              months, "self", _("hand-over from %(funder)s") % {"funder": sponsorship.funder.name},
                              origin=BatchOrigin.HANDOVER, skip_covered=False)
        batch = SponsorshipBatch.objects.select_for_update().get(pk=batch.pk)
        _approve(_actor(access), batch, funder, today=today)
    return batch.sponsorships.get()


# --- reports ---------------------------------------------------------------------------------------

REGION_FIELDS = {"province": "worker__province_code", "regency": "worker__regency_code",
                 "district": "worker__district_code", "village": "worker__village_id"}


def graduation_report(access, *, level: str = "regency", funder_id: int | None = None) -> list[dict]:
    """Hand-over ("graduation") rate per funder and region among finished sponsorships.

    finished = ended + handed over; graduated = continued by the worker's own payment (self funder);
    picked_up = continued by another funder. Rate = graduated ÷ finished, in whole per mille and percent.
    """
    field = REGION_FIELDS.get(level)
    if field is None:
        raise FundingError(_("Level must be one of %(levels)s.") % {"levels": ", ".join(REGION_FIELDS)})
    qs = visible_sponsorships(access).filter(state__in=[S.ENDED, S.HANDED_OVER]).exclude(funder__kind=FunderKind.SELF)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    rows = (qs.order_by().values("funder_id", "funder__name", field)
            .annotate(finished=Count("id"),
                      graduated=Count("id", filter=Q(continued_by__funder__kind=FunderKind.SELF)),
                      picked_up=Count("id", filter=Q(continued_by__isnull=False)
                                      & ~Q(continued_by__funder__kind=FunderKind.SELF))))
    out = []
    for r in rows.order_by("funder__name", field):
        out.append({"funder_id": r["funder_id"], "funder": r["funder__name"], "region_code": r[field],
                    "finished": r["finished"], "graduated": r["graduated"], "picked_up": r["picked_up"],
                    "rate_percent": round(100 * r["graduated"] / r["finished"], 1) if r["finished"] else None})
    return out


def funder_impact(access, funder: Funder, *, today: dt.date | None = None) -> dict:
    """What a funder's money did: workers, worker-months covered so far and reserved ahead (counted per
    sponsorship), cost per year of the reserved months, workers by regency."""
    month = first_of_month(_today(today))
    sponsorships = visible_sponsorships(access).filter(funder=funder)
    groups = reserved_groups(sponsorships)
    past = ahead = 0
    for g in groups:
        span = months_between(g["first_month"], g["last_month"])
        done = months_between(g["first_month"], min(g["last_month"], month))
        past += g["n"] * done
        ahead += g["n"] * (span - done)
    by_regency = list(sponsorships.exclude(state=S.CANCELLED).order_by().values("worker__regency_code")
                      .annotate(workers=Count("worker_id", distinct=True)).order_by("-workers")[:20])
    return {
        "workers": sponsorships.exclude(state=S.CANCELLED).values("worker_id").distinct().count(),
        "by_state": dict(sponsorships.order_by().values_list("state").annotate(n=Count("id"))),
        "worker_months_past": past,
        "worker_months_ahead": ahead,
        "cost_by_year": cost_by_year(groups),
        "by_regency": [{"regency_code": r["worker__regency_code"], "workers": r["workers"]} for r in by_regency],
    }
