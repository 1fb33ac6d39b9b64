"""The calendar: months as values, spans, parsing at every door, "this month", due dates and working days.

A month is a ``datetime.date`` on the first of that month — the form every model stores and every rule
takes. "Today" and "this month" are read in the configured time zone (``TIME_ZONE``, Asia/Jakarta), never
from the machine's clock. The due-date rule itself is rules data (the ``due_date`` parameter and the
holiday list); ``due_day`` applies it.

The doors parse with the same functions: the API calls ``parse_month``, forms use ``MonthField``, the
``lindung`` command uses ``lindung.cli.MONTH``; a malformed month is an ``InvalidInput`` naming its field.
"""

import datetime as dt
from collections.abc import Collection

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.errors import InvalidInput

# --- values --------------------------------------------------------------------------------------


def month_index(month: dt.date) -> int:
    """Months since year 0: consecutive months have consecutive indexes (SQL uses the same numbering)."""
    return month.year * 12 + month.month - 1


def month_from_index(value: int) -> dt.date:
    return dt.date(value // 12, value % 12 + 1, 1)


def first_of_month(value) -> dt.date:
    """The month of a date, a datetime or a text ('2026-06', '2026-06-15')."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return parse_month(value)


def add_months(month: dt.date, n: int) -> dt.date:
    """The month ``n`` months after (before, when negative) the month of ``month``."""
    return month_from_index(month_index(month) + n)


def month_span(start, count: int) -> list[dt.date]:
    """``count`` consecutive months from the month of ``start``."""
    first = month_index(first_of_month(start))
    return [month_from_index(first + i) for i in range(count)]


def months_between(first: dt.date, last: dt.date) -> int:
    """Months from ``first`` to ``last`` inclusive (0 when last is before first)."""
    return max(0, month_index(last) - month_index(first) + 1)


def last_month(start: dt.date, count: int) -> dt.date:
    """The last month of ``count`` months from ``start``."""
    return add_months(first_of_month(start), count - 1)


def month_label(month: dt.date) -> str:
    """'2026-06': how months are written in files, URLs, the API and the command line."""
    return month.strftime("%Y-%m")


# --- now, in the configured time zone --------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def this_month() -> dt.date:
    return today().replace(day=1)


def next_month() -> dt.date:
    return add_months(this_month(), 1)


# --- parsing -------------------------------------------------------------------------------------


def parse_month(text, field: str = "month") -> dt.date:
    """'2026-06' (or a full ISO date) → 2026-06-01; ``InvalidInput`` naming ``field`` when malformed."""
    if isinstance(text, dt.date):
        return first_of_month(text)
    value = str(text or "").strip()
    try:
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value).replace(day=1)
    except ValueError:
        raise InvalidInput(_("“%(month)s” is not a month; write it as YYYY-MM, e.g. 2026-06.") % {"month": text},
                           field) from None


def parse_day(text, field: str = "date", *, month_means_first: bool = False) -> dt.date:
    """'2026-06-15' → that day (with ``month_means_first``, '2026-06' → 2026-06-01 too); ``InvalidInput``
    naming ``field`` when malformed."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text or "").strip()
    try:
        if month_means_first and len(value) == 7:
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text},
                           field) from None


class MonthField(forms.DateField):
    """A form's month (``<input type=month>``, YYYY-MM), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}, format="%Y-%m")
    default_error_messages = {"invalid": gettext_lazy("Write the month as YYYY-MM, e.g. 2026-06.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except InvalidInput:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- due dates and working days (the rule is data: the due_date parameter and the holiday list) -----


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def due_day(month: dt.date, *, month_offset: int, day: int, roll: str, holidays: Collection[dt.date]) -> dt.date:
    """The day a month's contribution is due: ``day`` of the month ``month_offset`` months later, moved to
    the next working day when ``roll`` is ``next_working_day`` and that day is a weekend or holiday."""
    due = add_months(first_of_month(month), month_offset).replace(day=day)
    if roll == "next_working_day":
        while not is_working_day(due, holidays):
            due += dt.timedelta(days=1)
    return due
