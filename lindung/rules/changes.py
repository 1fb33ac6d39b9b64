"""Changing rules without rewriting history (national administrator only).

- A change of regulation (a new rate, amount, percentage or condition) becomes a new row starting on
  the day the change takes effect; the row in force is closed the day before. Months before keep being
  computed under the old row.
- The reference, note and end date of a row may be corrected in place, but an end date may not be
  moved before today (that would change months already billed).
- Rows are never deleted.
Every step is written to the audit trail.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.months import today as local_today

from .models import Discount, Parameter, Rate
from .parameters import validate_value
from .services import RuleError

# Fields that may be corrected in place; every other field is part of the rule itself.
IN_PLACE = {"reference", "note", "valid_to"}
# The fields that identify "the same rule" across versions (rows of one identity must not overlap).
IDENTITY = {Rate: ("program", "segment", "risk_class"), Parameter: ("key", "segment"), Discount: None}


def rule_fields(model) -> list[str]:
    skip = {"id", "code", "edited", "created_at", "valid_from"} | IN_PLACE
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


def _snapshot(obj) -> dict:
    """The row's values, JSON-safe, for audit entries."""
    def safe(value):
        return value if value is None or isinstance(value, (str, int, bool, list, dict)) else str(value)

    return {f.name: safe(getattr(obj, f.name)) for f in obj._meta.concrete_fields
            if f.name not in ("id", "created_at")}


def _same_identity(obj):
    model = type(obj)
    keys = IDENTITY[model]
    if keys is None:
        return model.objects.none()
    return model.objects.filter(**{k: getattr(obj, k) for k in keys}).exclude(pk=obj.pk)


def _check(obj) -> None:
    if obj.valid_to and obj.valid_to < obj.valid_from:
        raise RuleError(_("The end date lies before the start date."), "valid_to")
    if isinstance(obj, Parameter):
        problem = validate_value(obj.key, obj.value)
        if problem:
            raise RuleError(problem, "value")


def _overlaps(obj) -> list:
    found = []
    for other in _same_identity(obj).select_for_update():
        ends = other.valid_to or dt.date.max
        mine = obj.valid_to or dt.date.max
        if other.valid_from <= mine and obj.valid_from <= ends:
            found.append(other)
    return found


def _new_code(base: str, valid_from: dt.date, model) -> str:
    stem = f"{base[:60]}-{valid_from:%Y%m%d}"
    code, n = stem, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{stem}-{n}"
    return code


def add_rule(actor, obj) -> object:
    """Add a rule row. A row of the same identity still open when this one starts is closed the day before;
    any other overlap is refused."""
    _check(obj)
    with transaction.atomic():
        for other in _overlaps(obj):
            if other.valid_from < obj.valid_from and other.valid_to is None:
                before = _snapshot(other)
                other.valid_to = obj.valid_from - dt.timedelta(days=1)
                other.edited = True
                other.save(update_fields=["valid_to", "edited"])
                audit.record(actor, audit.Action.UPDATE, other, summary=_("Rule closed by a newer row"),
                             changes=audit.diff(before, _snapshot(other)))
            else:
                raise RuleError(_("This row overlaps %(other)s; rows of the same rule may not overlap.") % {
                    "other": other.code}, "valid_from")
        if not obj.code:
            obj.code = _new_code(type(obj).__name__.lower(), obj.valid_from, type(obj))
        obj.edited = True
        obj.save()
        audit.record(actor, audit.Action.CREATE, obj, summary=_("Rule added: %(rule)s") % {"rule": obj},
                     changes=_snapshot(obj))
    return obj


def change_rule(actor, original, changes: dict, *, today: dt.date | None = None):
    """Apply ``changes`` (field → new value) to a rule row.

    Changing the rule itself needs a ``valid_from`` later than the row's own: the row is closed the day
    before and a new row holds the new values. Returns the row that now holds the change.
    """
    today = today or local_today()
    model = type(original)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=original.pk)
        before = _snapshot(current)
        rule_changes = {k: v for k, v in changes.items() if k in rule_fields(model) and getattr(current, k) != v}
        new_from = changes.get("valid_from", current.valid_from)
        if rule_changes or new_from != current.valid_from:
            if new_from <= current.valid_from:
                raise RuleError(_("A changed rule needs the date the change takes effect, after %(start)s: months "
                                  "before it keep the old values.") % {"start": current.valid_from}, "valid_from")
            if current.valid_to and new_from > current.valid_to:
                raise RuleError(_("The change takes effect after this row has ended; add a new row instead."),
                                "valid_from")
            successor = model(**{f: getattr(current, f) for f in rule_fields(model) + ["reference", "note"]})
            for k, v in changes.items():
                if k in rule_fields(model) or k in ("reference", "note"):
                    setattr(successor, k, v)
            successor.valid_from = new_from
            successor.valid_to = changes.get("valid_to", current.valid_to)
            successor.code = _new_code(current.code, new_from, model)
            successor.edited = True
            _check(successor)
            current.valid_to = new_from - dt.timedelta(days=1)
            current.edited = True
            current.save(update_fields=["valid_to", "edited"])
            audit.record(actor, audit.Action.UPDATE, current,
                         summary=_("Rule closed: superseded by %(code)s") % {"code": successor.code},
                         changes=audit.diff(before, _snapshot(current)))
            successor.save()
            audit.record(actor, audit.Action.CREATE, successor,
                         summary=_("Rule changed from %(date)s (was %(code)s)") % {
                             "date": new_from.isoformat(), "code": current.code},
                         changes=audit.diff(before, _snapshot(successor)))
            return successor
        fixes = {k: v for k, v in changes.items() if k in IN_PLACE and getattr(current, k) != v}
        if not fixes:
            return current
        if "valid_to" in fixes:
            new_to, old_to = fixes["valid_to"], current.valid_to
            shortens = new_to is not None and (old_to is None or new_to < old_to)
            if shortens and new_to < today:
                raise RuleError(_("The end date cannot be moved before today: months already past would change."),
                                "valid_to")
        for k, v in fixes.items():
            setattr(current, k, v)
        _check(current)
        if "valid_to" in fixes:
            for other in _overlaps(current):
                raise RuleError(_("This row would overlap %(other)s.") % {"other": other.code}, "valid_to")
        current.edited = True
        current.save()
        audit.record(actor, audit.Action.UPDATE, current, summary=_("Rule corrected"),
                     changes=audit.diff(before, _snapshot(current)))
        return current
