"""Proposing sponsorship lists: the terms every request must meet, who already pays for a
worker's months, and the set-based insert of a proposed list (a province list of 78,000 workers is a
few statements)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.audit import services as audit
from lindung.months import add_months, first_of_month
from lindung.regions.models import region_field
from lindung.rules.choices import Program

from .errors import AlreadyCovered, FundingError
from .kinds import allowed_sources
from .models import BatchOrigin, Funder, ReservedMonth, Sponsorship, SponsorshipBatch, SponsorshipState, programs_key
from .pricing import QuoteCache
from .scope import can_propose_for

MAX_MONTHS = 60
S = SponsorshipState


def check_programs(programs) -> str:
    """The stored key of known programmes ("jkk,jkm"), from a list or a comma-separated text."""
    key = programs_key(programs if not isinstance(programs, str) else programs.split(","))
    wrong = [p for p in key.split(",") if p and p not in Program.values]
    if not key or wrong:
        raise FundingError(_("Choose programmes from %(valid)s.") % {"valid": ", ".join(Program.values)})
    return key


def check_terms(programs, start_month: dt.date, months: int) -> tuple[str, dt.date]:
    """What every sponsorship request must say, for a list or a donor's match: known programmes (their
    stored key), 1 to MAX_MONTHS months, and a first month. Returns (programmes key, first month)."""
    key = check_programs(programs)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise FundingError(_("A sponsorship runs for 1 to %(max)d months.") % {"max": MAX_MONTHS})
    return key, first_of_month(start_month)


def programs_overlap_q(key: str, prefix: str = "") -> Q:
    """Sponsorships (at ``prefix``) whose programmes share any programme with ``key``."""
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
    proposals = proposals.filter(programs_overlap_q(key))
    if exclude_batch is not None:
        proposals = proposals.exclude(batch=exclude_batch)
    for chunk in dialect.chunks(worker_ids):
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


def existing_payers(worker_ids, programs: str, start: dt.date, months: int, *, limit: int = 50,
                    exclude_batch: SponsorshipBatch | None = None) -> list:
    """Why workers were refused or left out of a list: for each (up to ``limit``), the sponsorships that
    already pay for — or propose — some of these programme-months (funder, months, state, list)."""
    end = add_months(start, months - 1)
    shown = sorted(worker_ids)[:limit]
    rows = (Sponsorship.objects.filter(worker_id__in=shown, start_month__lte=end, end_month__gte=start,
                                       state__in=[S.PROPOSED, S.APPROVED, S.ACTIVE])
            .filter(programs_overlap_q(programs)).select_related("worker", "worker__village", "funder")
            .order_by("worker__name_key", "start_month"))
    if exclude_batch is not None:
        rows = rows.exclude(batch=exclude_batch)
    by_worker: dict[int, dict] = {}
    for s in rows:
        entry = by_worker.setdefault(s.worker_id, {"worker": s.worker, "sponsorships": []})
        entry["sponsorships"].append(s)
    return [by_worker[i] for i in shown if i in by_worker]


def refusal(worker_ids, total: int, programs: str, start: dt.date, months: int, *, limit: int = 50,
            exclude_batch: SponsorshipBatch | None = None, gone: int = 0) -> dict:
    """What a bulk action refused because some of its workers already have a payer shows (issue 11,
    item 8): how many were refused, how many others could go ahead without them, and who and why —
    each worker with the sponsorships that hold the months (``existing_payers``, the first ``limit``).
    The proposal, the list approval, the donor's confirmation and the import all decide "already has a
    payer" with ``payers_of``; this is how the pages explain it. ``gone``: of them, workers refused for
    having left the donors' waiting pool rather than for a payer."""
    return {"count": len(worker_ids), "others": max(total - len(worker_ids), 0), "gone": gone,
            "rows": existing_payers(worker_ids, programs, start, months, limit=limit, exclude_batch=exclude_batch)}


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
    return create_batch(access.acting_user, funder, ids, scoped, programs, start_month, months, funding_source,
                         note, origin=origin, skip_covered=skip_covered)


def create_batch(actor, funder: Funder, ids: list[int], scoped_workers, programs, start_month: dt.date,
                  months: int, funding_source: str, note: str, *, origin: str, skip_covered: bool,
                  cache: QuoteCache | None = None) -> SponsorshipBatch:
    """Create a proposed list for ``ids`` (every one among ``scoped_workers``), as ``actor``.

    The caller has checked who may propose (``propose_sponsorships``), or acts itself as the
    proposer (a donor's confirmed match, a hand-over to self-payment, the demo's recorded lists).
    """
    key, start = check_terms(programs, start_month, months)
    if funding_source not in allowed_sources(funder.kind):
        raise FundingError(_("A %(kind)s funder may not pay from %(source)s.") % {
            "kind": funder.get_kind_display(), "source": funding_source})
    if not ids:
        raise FundingError(_("Choose at least one worker."))
    rows = []
    for chunk in dialect.chunks(ids):
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
        for chunk in dialect.chunks(params, 1000):
            cursor.execute(f"INSERT INTO {Sponsorship._meta.db_table} ({columns}) VALUES "
                           + ", ".join([placeholder] * len(chunk)), [value for row in chunk for value in row])
    return len(params)
