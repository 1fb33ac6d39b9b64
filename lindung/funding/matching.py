"""Donor matching (GN Lingkaran): a donor says how many workers, where, who, how long and which
package; Lindung proposes eligible workers from the waiting pool, fairly, with the cost from the rules.

The pool is filled by village operators and agents (``add_to_pool``). A worker is eligible when his
pool entry is open, he matches the donor's criteria, and nobody pays — or has proposed to pay — any
of the chosen programmes in any month of the period.

Fairness: the longest-waiting first, spread across villages — villages are ordered by their
longest-waiting worker and visited round-robin, each giving its next-longest-waiting worker, until
the donor's number is reached.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from lindung.audit import services as audit
from lindung.dialect import chunks
from lindung.formatting import number
from lindung.months import add_months, today as local_today
from lindung.people.models import Segment, Worker
from lindung.regions.models import is_region_code, region_field

from .approval import approve_locked, check_matching_rate
from .errors import AlreadyCovered, FundingError
from .kinds import allowed_sources
from .models import (
    BatchOrigin, ReservedMonth, Funder, FunderKind, Sponsorship, SponsorshipBatch, SponsorshipState, WaitingEntry,
)
from .pricing import QuoteCache, cost_by_year
from .scope import can_act_for
from .sponsorships import check_terms, create_batch, programs_overlap_q

PACKAGES = {
    "jkk,jkm": gettext_lazy("JKK + JKM (standard package for vulnerable workers)"),
    "jht,jkk,jkm": gettext_lazy("JKK + JKM + JHT"),
}


def max_workers() -> int:
    """Workers one matching request may ask for (``LINDUNG_MATCHING_MAX_WORKERS``)."""
    return settings.LINDUNG_MATCHING_MAX_WORKERS


@dataclass
class MatchRequest:
    count: int
    months: int
    start_month: dt.date
    programs: str = "jkk,jkm"
    region: str = ""
    segment: str = ""
    occupation: str = ""

    def clean(self) -> "MatchRequest":
        self.programs, self.start_month = check_terms(self.programs, self.start_month, int(self.months))
        self.region = (self.region or "").replace(".", "").strip()
        if self.region and not is_region_code(self.region):
            raise FundingError(_("A region code has 2, 4, 6 or 10 digits."))
        if self.segment and self.segment not in Segment.values:
            raise FundingError(_("Unknown segment %(segment)s.") % {"segment": self.segment})
        if not 1 <= int(self.count) <= max_workers():
            raise FundingError(_("Ask for between 1 and %(n)s workers.") % {"n": number(max_workers())})
        return self

    @property
    def end_month(self) -> dt.date:
        return add_months(self.start_month, self.months - 1)


# --- the waiting pool ------------------------------------------------------------------------------

def add_to_pool(access, worker_ids, *, note: str = "", since: dt.datetime | None = None) -> int:
    """Put workers of the user's scope in the waiting pool; workers already waiting keep their place."""
    access.require("pool.propose")
    ids = sorted({int(i) for i in worker_ids})
    visible = []
    for chunk in chunks(ids):
        visible += list(access.workers().filter(pk__in=chunk).values_list("id", flat=True))
    if len(visible) != len(ids):
        raise PermissionDenied(_("Some of these workers are outside your scope."))
    since = since or timezone.now()
    with transaction.atomic():
        waiting = set()
        for chunk in chunks(visible):
            waiting.update(WaitingEntry.objects.filter(closed_at__isnull=True, worker_id__in=chunk)
                           .values_list("worker_id", flat=True))
        new = [WaitingEntry(worker_id=i, proposed_by=access.acting_user, since=since, note=note[:300])
               for i in visible if i not in waiting]
        WaitingEntry.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        if new:
            audit.record(access.acting_user, audit.Action.CREATE, access.user, summary=_(
                "%(n)d worker(s) put in the waiting pool") % {"n": len(new)},
                region_code=(access.region_codes[0] if len(access.region_codes) == 1 else ""))
    return len(new)


def withdraw_from_pool(access, entry: WaitingEntry, *, note: str = "") -> WaitingEntry:
    access.require("pool.propose")
    if not pool(access).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("You may not change this entry."))
    with transaction.atomic():
        WaitingEntry.objects.filter(pk=entry.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), note=(note or entry.note)[:300])
        entry.refresh_from_db()
        audit.record(access.acting_user, audit.Action.UPDATE, entry, region_code=entry.worker.village_id,
                     summary=_("withdrawn from the waiting pool"))
    return entry


def pool(access):
    """Open pool entries of workers the user may see."""
    return (WaitingEntry.objects.filter(closed_at__isnull=True).filter(access.worker_q("worker__"))
            .select_related("worker", "worker__village", "proposed_by"))


# --- matching ----------------------------------------------------------------------------------------

def eligible_entries(request: MatchRequest):
    """Open pool entries matching the request with no payer or proposal for any programme-month."""
    entries = WaitingEntry.objects.filter(closed_at__isnull=True)
    if request.region:
        entries = entries.filter(**{f"worker__{region_field(request.region)}": request.region})
    if request.segment:
        entries = entries.filter(worker__segment=request.segment)
    if request.occupation:
        entries = entries.filter(worker__occupation__icontains=request.occupation.strip())
    programs = request.programs.split(",")
    covered = ReservedMonth.objects.filter(worker_id=OuterRef("worker_id"), month__gte=request.start_month,
                                          month__lte=request.end_month, program__in=programs)
    proposed = Sponsorship.objects.filter(worker_id=OuterRef("worker_id"), state=SponsorshipState.PROPOSED,
                                          start_month__lte=request.end_month, end_month__gte=request.start_month
                                          ).filter(programs_overlap_q(request.programs))
    return entries.exclude(Exists(covered)).exclude(Exists(proposed))


def fair_order(rows, count: int) -> list[int]:
    """Round-robin across villages ordered by waiting time; ``rows`` are (worker_id, village, since)
    sorted by since. Returns up to ``count`` worker ids."""
    queues: dict[str, list[int]] = {}
    for worker_id, village, _since in rows:
        queues.setdefault(village, []).append(worker_id)  # dicts keep first-seen (= longest-waiting) order
    chosen, seen, depth = [], set(), 0
    columns = list(queues.values())
    while len(chosen) < count:
        took = False
        for queue in columns:
            if depth < len(queue) and len(chosen) < count:
                if queue[depth] not in seen:
                    seen.add(queue[depth])
                    chosen.append(queue[depth])
                took = True
        if not took:
            break
        depth += 1
    return chosen


def _source_for(funder: Funder, source: str | None) -> str:
    allowed = allowed_sources(funder.kind)
    if source:
        if source not in allowed:
            raise FundingError(_("A %(kind)s funder may not pay from %(source)s.") % {
                "kind": funder.get_kind_display(), "source": source})
        return source
    if not allowed:
        raise FundingError(_("No funding source is allowed for this kind of funder."))
    return sorted(allowed)[0]


def _require_matching(access, funder: Funder) -> None:
    """Matching is for private money: donors confirm on their own; public lists go through approval."""
    access.require("matching.run")
    if not can_act_for(access, funder):
        raise PermissionDenied(_("You may run matching only for your own funder."))
    if funder.kind not in (FunderKind.COMPANY, FunderKind.DONOR, FunderKind.SERTAKAN):
        raise FundingError(_("Matching is for companies, donors and SERTAKAN members; governments and villages "
                             "propose lists for approval."))


def preview(access, funder: Funder, request: MatchRequest, *, funding_source: str | None = None) -> dict:
    """The fair proposal for a donor, with each candidate shown without name or full NIK, and the cost."""
    _require_matching(access, funder)
    request.clean()
    source = _source_for(funder, funding_source)
    rows = eligible_entries(request).order_by("since", "id").values_list("worker_id", "worker__village_id", "since")
    rows = list(rows)
    chosen = fair_order(rows, int(request.count))
    workers = {}
    for chunk in chunks(chosen):
        workers.update({w.pk: w for w in Worker.objects.filter(pk__in=chunk).select_related("village")})
    since = {r[0]: r[2] for r in rows}
    cache = QuoteCache()
    groups: dict[tuple, int] = {}
    for wid in chosen:
        w = workers[wid]
        key = (w.segment, w.declared_income, w.sector)
        groups[key] = groups.get(key, 0) + 1
    by_year = cost_by_year(({"segment": s, "income": i, "sector": sec, "programs": request.programs,
                             "funding_source": source, "first_month": request.start_month,
                             "last_month": request.end_month, "n": n} for (s, i, sec), n in groups.items()), cache)
    now = timezone.now()
    return {
        "available": len(rows), "requested": int(request.count), "funding_source": source,
        "programs": request.programs, "start_month": request.start_month, "end_month": request.end_month,
        "months": request.months, "cost_by_year": by_year, "total": sum(by_year.values()),
        "villages": len({workers[w].village_id for w in chosen}),
        "candidates": [{
            "worker_id": wid, "masked_nik": workers[wid].masked_nik, "village_code": workers[wid].village_id,
            "village": workers[wid].village.name, "segment": workers[wid].segment,
            "occupation": workers[wid].occupation, "waiting_days": (now - since[wid]).days,
        } for wid in chosen],
    }


def confirm(access, funder: Funder, worker_ids: list[int], request: MatchRequest, *,
            funding_source: str | None = None, today: dt.date | None = None, note: str = "",
            skip_taken: bool = False) -> SponsorshipBatch:
    """Create and approve the donor's sponsorships, reserving every month (the obligation), and close
    the workers' pool entries. If another funder took any of them first (or they left the pool), nothing
    is saved (``AlreadyCovered``) — or, with ``skip_taken=True``, the others are confirmed without them,
    reported in ``batch.skipped_worker_ids``."""
    _require_matching(access, funder)
    request.clean()
    source = _source_for(funder, funding_source)
    ids = sorted({int(i) for i in worker_ids})
    if not ids:
        raise FundingError(_("Choose at least one worker."))
    if len(ids) > max_workers():
        raise FundingError(_("Ask for between 1 and %(n)s workers.") % {"n": number(max_workers())})
    check_matching_rate(access)
    still = set()
    for chunk in chunks(ids):
        still.update(eligible_entries(request).filter(worker_id__in=chunk).values_list("worker_id", flat=True))
    gone = set(ids) - still
    if gone and (not skip_taken or not still):
        raise AlreadyCovered(sorted(gone), _(
            "%(n)d of these workers are no longer waiting for a payer (another funder may have just confirmed "
            "them). Nothing was saved; please run the matching again.") % {"n": len(gone)})
    ids = sorted(still)
    actor = access.acting_user
    with transaction.atomic():
        batch = create_batch(actor, funder, ids, Worker.objects.all(), request.programs, request.start_month,
                             request.months, source, note or _("donor matching"), origin=BatchOrigin.MATCHING,
                             skip_covered=skip_taken)
        skipped = sorted(gone | set(batch.skipped_worker_ids))
        ids = sorted(set(ids) - set(batch.skipped_worker_ids))
        batch = SponsorshipBatch.objects.select_for_update().get(pk=batch.pk)
        approve_locked(actor, batch, funder, today=today or local_today())
        audit.event(actor, "matching.confirm", workers=ids, region_code=funder.region_id or "",
                    summary=_("%(n)d workers confirmed for %(funder)s (list #%(batch)d)") % {
                        "n": len(ids), "funder": funder.name, "batch": batch.pk})
        for chunk in chunks(ids):
            WaitingEntry.objects.filter(closed_at__isnull=True, worker_id__in=chunk).update(
                closed_at=timezone.now(),
                sponsorship=Subquery(batch.sponsorships.filter(worker_id=OuterRef("worker_id")).values("id")[:1]))
    batch.skipped_worker_ids = skipped
    return batch
