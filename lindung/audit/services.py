import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Action, AuditEntry, AuditSubject

WORKER = "people.worker"

BULK_BATCH = 2000


def record(actor, action: str, obj: models.Model, *, region_code: str = "", summary: str = "",
           changes: dict | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, target_type=obj._meta.label_lower, target_id=str(obj.pk),
        region_code=region_code, summary=summary[:300], changes=changes or {},
    )


@dataclass
class Entry:
    """One row for ``record_bulk``: the target's id and what happened to it."""

    target_id: object
    region_code: str = ""
    summary: str = ""
    changes: dict = field(default_factory=dict)


def record_bulk(actor, action: str, model: type[models.Model], entries: Iterable[Entry]) -> int:
    """Audit many rows of one model at once (imports, the sponsorship lifecycle): bulk inserts in batches,
    never one query per row. Returns the number of entries written."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    label, written, batch = model._meta.label_lower, 0, []
    for entry in entries:
        batch.append(AuditEntry(actor=actor, action=action, target_type=label, target_id=str(entry.target_id),
                                region_code=entry.region_code, summary=entry.summary[:300],
                                changes=entry.changes or {}))
        if len(batch) >= BULK_BATCH:
            AuditEntry.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    if batch:
        AuditEntry.objects.bulk_create(batch)
        written += len(batch)
    return written


def diff(before: dict, after: dict) -> dict:
    """Field changes as {field: [old, new]}, values made JSON-safe."""
    return {k: [_safe(before.get(k)), _safe(v)] for k, v in after.items() if before.get(k) != v}


def _safe(value):
    return value if value is None or isinstance(value, (str, int, float, bool, list, dict)) else str(value)


def disclosed(actor, workers, *, door: str, export: bool = False, unregistered: int = 0,
              details: dict | None = None) -> AuditEntry | None:
    """One entry for a list, API page or export that showed these workers' personal data.

    ``workers`` are Worker objects (their village codes give the entry a region) or plain ids. The
    entry names the door and the number of workers; each worker is a subject of the entry, so
    ``trail(worker)`` shows it. ``unregistered`` counts people shown who are no registered worker (rows
    of an uploaded list that matched nobody): they have no trail to join, so only their number is kept.
    ``details`` adds what else identifies the disclosure (an import's number).
    """
    ids, villages = [], set()
    for w in workers:
        if isinstance(w, models.Model):
            ids.append(w.pk)
            villages.add(getattr(w, "village_id", "") or "")
        else:
            ids.append(int(w))
    ids = sorted(set(ids))
    if not ids and not unregistered:
        return None
    label = "export" if export else "list"
    changes = {"door": door, "workers": len(ids), **({"unregistered": unregistered} if unregistered else {}),
               **(details or {})}
    with transaction.atomic():
        entry = AuditEntry.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=Action.EXPORT if export else Action.VIEW, target_type=f"disclosure.{label}", target_id=door[:40],
            region_code=_common_region(villages), summary=f"{door} ({len(ids)})"[:300], changes=changes)
        AuditSubject.objects.bulk_create(
            [AuditSubject(entry=entry, target_type=WORKER, target_id=str(i)) for i in ids], batch_size=2000)
    return entry


REGISTRY = "disclosure.registry"


def disclosed_registry(actor, workers: int, *, door: str, details: dict | None = None) -> AuditEntry:
    """One entry for an act that handed out the whole registry (``lindung backup``): ``workers`` is how
    many workers it held. Listing ten million subjects would double the audit for one act, so the entry
    names none; ``trail(worker)`` shows it on the trail of every worker registered before it."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=Action.EXPORT,
        target_type=REGISTRY, target_id=door[:40], summary=f"{door} ({workers})"[:300],
        changes={"door": door, "workers": workers, **(details or {})})


def event(actor, kind: str, *, summary: str, workers=(), region_code: str = "", changes: dict | None = None
          ) -> AuditEntry:
    """An entry for an action that is counted per user (``recent``), e.g. "matching.confirm", with the
    workers it concerns as subjects."""
    with transaction.atomic():
        entry = AuditEntry.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None, action=Action.OTHER,
            target_type=kind[:40], target_id="", region_code=region_code, summary=summary[:300],
            changes=changes or {})
        AuditSubject.objects.bulk_create(
            [AuditSubject(entry=entry, target_type=WORKER, target_id=str(i)) for i in sorted(set(workers))],
            batch_size=2000)
    return entry


def recent(actor, kinds, *, seconds: int = 3600) -> int:
    """How many ``event`` entries of these kinds the user left in the last ``seconds`` (rate limits)."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return AuditEntry.objects.filter(actor=actor, target_type__in=list(kinds), at__gte=since).count()


def recent_subjects(actor, kinds, *, seconds: int = 3600) -> int:
    """How many workers the user's ``event`` entries of these kinds named in the last ``seconds``: a limit
    on records probed, whether one at a time or a batch per entry."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return AuditSubject.objects.filter(entry__actor=actor, entry__target_type__in=list(kinds),
                                       entry__at__gte=since).count()


def _common_region(codes: set[str]) -> str:
    """The smallest region holding every village (a 2, 4, 6 or 10-digit code), or "" when unknown."""
    codes = {c for c in codes if c}
    if not codes:
        return ""
    for length in (10, 6, 4, 2):
        if len({c[:length] for c in codes}) == 1:
            return next(iter(codes))[:length]
    return ""


def trail(obj: models.Model):
    """Every entry about the object: those targeting it, the bulk disclosures that listed it and, for a
    worker, the whole-registry disclosures (backups) made since he was registered."""
    label, pk = obj._meta.label_lower, str(obj.pk)
    listed = AuditSubject.objects.filter(entry=OuterRef("pk"), target_type=label, target_id=pk)
    about = Q(target_type=label, target_id=pk) | Exists(listed)
    if label == WORKER and getattr(obj, "created_at", None) is not None:
        about |= Q(target_type=REGISTRY, at__gte=obj.created_at)
    return AuditEntry.objects.filter(about).select_related("actor")


__all__ = ["Action", "AuditEntry", "Entry", "record", "record_bulk", "diff", "disclosed", "disclosed_registry", "event", "recent", "recent_subjects", "trail", "describe_changes"]


def describe_changes(model, changes: dict, shown=None) -> list[tuple[str, str, str]]:
    """An entry's changes as people read them: (field label, before, after) with the field's verbose name
    and each code through its choice label (``segment: bpu_rentan`` → ``segmen: BPU rentan``).
    ``shown(field, value)`` may write a value of its own kind (money, flags); None stays empty."""
    out = []
    for name, change in (changes or {}).items():
        # a change is [before, after]; other entries (a disclosure's door and count) show their value
        before, after = change if isinstance(change, (list, tuple)) and len(change) == 2 else (None, change)
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", name))
        choices = dict(field.flatchoices) if field is not None and field.choices else {}

        def text(value):
            if value is None or value == "":
                return ""
            if shown is not None:
                written = shown(name, value)
                if written is not None:
                    return written
            if isinstance(value, list):
                return ", ".join(str(choices.get(v, v)) for v in value)
            return str(choices.get(value, value))

        out.append((label, text(before), text(after)))
    return out
