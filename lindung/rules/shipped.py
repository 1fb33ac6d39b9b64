"""The rule data shipped with Lindung (``data/rules.json``): read and checked into unsaved model rows.

The loader writes them to the database; the rule book falls back on them while the database holds no
rules (a fresh installation before ``lindung rules load``).
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from lindung.errors import InvalidInput

from .models import Discount, Holiday, Parameter, Rate
from .parameters import validate_value

DATA_FILE = Path(__file__).resolve().parent / "data" / "rules.json"

MODELS = {"rates": Rate, "discounts": Discount, "parameters": Parameter}


class RuleDataError(InvalidInput):
    """The shipped or edited rule data contradicts itself (a rule that ends before it starts, a bad value)."""


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
