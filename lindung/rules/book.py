"""The rule book: every rule row, held in memory per process.

Quotes are computed tens of thousands of times in a billing run, so the rows are read once and kept.
The cache is dropped when a rule row is saved or deleted in this process (signals below); other
processes (app servers, workers, a CLI run) see the change within ``caches.CHECK_SECONDS``, because
every change bumps the shared version of the book (``lindung.processes.caches``), and at the latest
``TTL`` seconds after their copy was read. When the database holds no rule rows at all (a fresh database before ``lindung rules
load``), the shipped data file is used as it stands.
"""

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from lindung.processes import caches
from lindung.routing import PRIMARY

from .models import Discount, Holiday, Parameter, Rate
from .shipped import instances, read_data

TTL = 60.0  # seconds

_lock = threading.Lock()
_book: "RuleBook | None" = None
_read_at = 0.0
_watch = caches.Watch("rules")


@dataclass
class RuleBook:
    rates: dict = field(default_factory=lambda: defaultdict(list))        # (program, segment) → [Rate]
    parameters: dict = field(default_factory=lambda: defaultdict(list))   # (key, segment) → [Parameter]
    discounts: list = field(default_factory=list)
    holidays: frozenset = frozenset()
    from_file: bool = False
    generation: int = 0

    @classmethod
    def build(cls, rates, discounts, parameters, holidays, from_file=False, generation=0) -> "RuleBook":
        book = cls(from_file=from_file, generation=generation)
        for r in rates:
            book.rates[(r.program, r.segment)].append(r)
        for p in parameters:
            book.parameters[(p.key, p.segment)].append(p)
        book.discounts = sorted(discounts, key=lambda d: (d.valid_from, d.code))
        book.holidays = frozenset(h.date for h in holidays)
        return book

    def rate(self, program: str, segment: str, on: dt.date, risk_class: str = "") -> Rate | None:
        for r in self.rates.get((program, segment), ()):
            if r.risk_class == risk_class and r.applies_on(on):
                return r
        return None

    def has_rates(self, program: str, segment: str) -> bool:
        return bool(self.rates.get((program, segment)))

    def risk_classes(self, program: str, segment: str, on: dt.date) -> list[str]:
        return sorted({r.risk_class for r in self.rates.get((program, segment), ()) if r.applies_on(on)})

    def parameter(self, key: str, segment: str, on: dt.date) -> Parameter | None:
        """The row for ``key`` on a day: the segment's own row first, then a row for all segments."""
        for seg in ((segment, "") if segment else ("",)):
            for p in self.parameters.get((key, seg), ()):
                if p.applies_on(on):
                    return p
        return None

    def discounts_on(self, on: dt.date) -> list[Discount]:
        return [d for d in self.discounts if d.applies_on(on)]


def _read() -> RuleBook:
    _watch.start_read()
    # From the primary: a replica behind it would cache an old book under the new version.
    rates, discounts = list(Rate.objects.using(PRIMARY)), list(Discount.objects.using(PRIMARY))
    parameters, holidays = list(Parameter.objects.using(PRIMARY)), list(Holiday.objects.using(PRIMARY))
    if rates or discounts or parameters:
        return RuleBook.build(rates, discounts, parameters, holidays, generation=_next_generation())
    rows = instances(read_data())
    return RuleBook.build(rows["rates"], rows["discounts"], rows["parameters"], holidays or rows["holidays"],
                          from_file=True, generation=_next_generation())


_generation = 0


def _next_generation() -> int:
    global _generation
    _generation += 1
    return _generation


def book() -> RuleBook:
    """The current rule book (read again when any process changed the rules, or ``TTL`` seconds on)."""
    global _book, _read_at
    current = _book
    if current is not None and time.monotonic() - _read_at < TTL and not _watch.moved():
        return current
    with _lock:
        if _book is None or _book is current:
            _book, _read_at = _read(), time.monotonic()
        return _book


def clear() -> None:
    """Forget this process's copy (the next ``book()`` reads the rows again)."""
    global _book
    _book = None


def invalidate() -> None:
    """The rules changed: every process reads them again (call inside the changing transaction)."""
    caches.bump("rules")
    clear()


def _changed(sender, **kwargs):
    invalidate()
    transaction.on_commit(clear)  # also after the writing transaction ends, for reads made inside it


for _model in (Rate, Discount, Parameter, Holiday):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"rules-book-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"rules-book-{_model.__name__}-del")
