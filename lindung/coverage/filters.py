"""Filters that apps above coverage offer its indicators: today, "only this programme's workers".

Coverage counts whatever workers the access object it is handed lets through (``worker_q``). An app higher
up (``lindung.programmes``) registers a filter here when Django starts: the choices a user may pick from,
and how a choice narrows the user's access. The dashboard, the API and the console then offer the filter
without coverage importing the app that provides it (the layers stay as they are).
"""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _

from lindung.errors import InvalidInput


@dataclass(frozen=True)
class Filter:
    name: str  # the query parameter / option, e.g. "programme"
    label: Callable[[], str]  # shown above the selector, in the user's language
    choices: Callable[[object], list[tuple[str, str]]]  # (value, label) the user may pick, for an access
    narrow: Callable[[object, str], object]  # (access, value) → narrowed access; None when not in scope


FILTERS: dict[str, Filter] = {}


def register(flt: Filter) -> None:
    FILTERS[flt.name] = flt


def narrowed(access, values: dict[str, str]):
    """The access narrowed by every filter given a value; raises InvalidInput for a value out of scope.
    Returns (access, {name: value applied})."""
    applied = {}
    for name, flt in FILTERS.items():
        value = (values.get(name) or "").strip()
        if not value:
            continue
        narrower = flt.narrow(access, value)
        if narrower is None:
            raise InvalidInput(_("No %(filter)s “%(value)s” in your scope.") % {"filter": flt.label().lower(),
                                                                                 "value": value[:40]}, name)
        access, applied[name] = narrower, value
    return access, applied


def offered(access) -> list[dict]:
    """The filters to show a user: each with its label and choices (filters without choices are left out)."""
    out = []
    for name, flt in FILTERS.items():
        choices = flt.choices(access)
        if choices:
            out.append({"name": name, "label": flt.label(), "choices": choices})
    return out
