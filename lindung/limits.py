"""Bounds on what any door accepts (pages, API, CLI, imports), the same on SQLite and PostgreSQL.

A value outside these bounds is refused with a clear message instead of reaching the database, where
PostgreSQL would fail (integer overflow, NUL bytes, over-long text) and SQLite would store nonsense.
The amounts are what a month of contributions can plausibly be: the whole country's JKK + JKM for
30 million workers is about Rp1.1 trillion a month, so no single payment, statement row or collection
exceeds ``MAX_AMOUNT``; a year's budget allocation stays under ``MAX_BUDGET``.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1                       # the database's big integer
MAX_AMOUNT = 10_000_000_000_000          # Rp10 trillion: a payment, collection or statement row
MAX_BUDGET = 100_000_000_000_000         # Rp100 trillion: a fiscal year's allocation
MAX_INCOME = 10_000_000_000              # Rp10 billion: a declared monthly income
MAX_POPULATION = 1_000_000_000           # a region's working population
MAX_PAGE = 1_000_000                     # page numbers of any list
MAX_COUNT = 1_000_000                    # any other count a request may carry (months, days, workers)


def date_window() -> tuple[dt.date, dt.date]:
    """Dates any door accepts: ``LINDUNG_DATE_MIN`` … ``LINDUNG_DATE_MAX`` (1900-01-01 … 2100-12-31)."""
    return settings.LINDUNG_DATE_MIN, settings.LINDUNG_DATE_MAX


def check_date(value: dt.date) -> dt.date:
    """Refuse a date outside the configured window (ValueError with a message in the active language)."""
    low, high = date_window()
    if not low <= value <= high:
        raise ValueError(_("%(date)s is outside the dates Lindung accepts (%(low)s … %(high)s).") % {
            "date": value.isoformat(), "low": low.isoformat(), "high": high.isoformat()})
    return value


def validate_date(value: dt.date) -> None:
    """``check_date`` as a Django form validator."""
    if value is not None:
        try:
            check_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="date_window") from None
