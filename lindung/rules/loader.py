"""Loads the shipped rule data (``data/rules.json``) into the database. Idempotent.

A shipped row is matched by its ``code``: missing rows are created, rows that still hold shipped
values are brought in line with the file, and rows an administrator changed (``edited``) are left
alone and reported. Running it twice changes nothing the second time.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit

from .book import invalidate
from .models import Holiday
from .shipped import MODELS, instances, read_data

@dataclass
class LoadResult:
    version: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_local: list[str] = field(default_factory=list)
    holidays: int = 0

    def as_dict(self) -> dict:
        return {"version": self.version, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_local": self.kept_local, "holidays": self.holidays}


def load_rules(path: Path | None = None, actor=None) -> LoadResult:
    data = read_data(path)
    rows = instances(data)
    result = LoadResult(version=str(data.get("version", "")))
    with transaction.atomic():
        for section, model in MODELS.items():
            existing = {o.code: o for o in model.objects.select_for_update().filter(
                code__in=[r.code for r in rows[section]])}
            fields = [f.name for f in model._meta.concrete_fields
                      if f.name not in ("id", "code", "edited", "created_at")]
            for new in rows[section]:
                old = existing.get(new.code)
                if old is None:
                    new.save()
                    audit.record(actor, audit.Action.CREATE, new, summary=_("Rule loaded: %(rule)s") % {"rule": new})
                    result.created += 1
                    continue
                changes = {f: [str(getattr(old, f)), str(getattr(new, f))] for f in fields
                           if getattr(old, f) != getattr(new, f)}
                if not changes:
                    result.unchanged += 1
                elif old.edited:
                    result.kept_local.append(old.code)
                else:
                    for f in changes:
                        setattr(old, f, getattr(new, f))
                    old.save()
                    audit.record(actor, audit.Action.UPDATE, old, summary=_("Rule updated from the shipped data"),
                                 changes=changes)
                    result.updated += 1
        known = set(Holiday.objects.values_list("date", flat=True))
        fresh = [h for h in rows["holidays"] if h.date not in known]
        Holiday.objects.bulk_create(fresh)
        result.holidays = len(fresh)
        invalidate()  # every process reads the rules again
    return result
