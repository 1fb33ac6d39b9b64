"""Loads the shipped rule data (``data/rules.json``) into the database. Idempotent.

A shipped row is matched by its ``code``: missing rows are created, rows that still hold shipped
values are brought in line with the file, and rows an administrator changed (``edited``) are left
alone and reported. Running it twice changes nothing the second time.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.errors import InvalidInput

from .models import Discount, Holiday, Parameter, Rate
from .parameters import validate_value

DATA_FILE = Path(__file__).resolve().parent / "data" / "rules.json"

MODELS = {"rates": Rate, "discounts": Discount, "parameters": Parameter}


class RuleDataError(InvalidInput):
    """The shipped or edited rule data contradicts itself (a rule that ends before it starts, a bad value)."""


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


def read_data(path: Path | None = None) -> dict:
    return json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))


def _values(model, row: dict) -> dict:
    """Model field values of one data-file row, typed."""
    values = {}
    for name, raw in row.items():
        if name == "code":
            continue
        f = model._meta.get_field(name)
        if raw is None:
            values[name] = None
        elif f.get_internal_type() == "DateField":
            values[name] = dt.date.fromisoformat(raw)
        elif f.get_internal_type() == "DecimalField":
            values[name] = Decimal(str(raw)).quantize(Decimal(1).scaleb(-f.decimal_places))
        else:
            values[name] = raw
    return values


def instances(data: dict) -> dict[str, list]:
    """Unsaved model instances for every row of the data (also used when the database has no rules)."""
    out = {}
    for section, model in MODELS.items():
        out[section] = []
        for row in data.get(section, []):
            obj = model(code=row["code"], **_values(model, row))
            _check(obj)
            out[section].append(obj)
    out["holidays"] = [Holiday(date=dt.date.fromisoformat(h["date"]), name=h["name"],
                               reference=h.get("reference", "")) for h in data.get("holidays", [])]
    return out


def _check(obj) -> None:
    if obj.valid_to and obj.valid_to < obj.valid_from:
        raise RuleDataError(_("Rule %(code)s ends before it starts.") % {"code": obj.code})
    if isinstance(obj, Parameter):
        problem = validate_value(obj.key, obj.value)
        if problem:
            raise RuleDataError(f"{obj.code}: {problem}")


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
    from .book import clear

    clear()
    return result
