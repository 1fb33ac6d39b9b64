"""Numbers for people: the one place that writes and reads amounts, counts and percentages.

Every page, chart, message, CLI line and export shows numbers through these functions, so a user reads
the same digits everywhere: in Indonesian ``25.848`` workers, ``Rp1.500.000``, ``3,94 %``; in English
``25,848``, ``Rp1,500,000``, ``3.94 %``. The language is the active translation (the user's on pages,
``--lang`` on the command line). Money is whole rupiah.

Entry follows the same rule in reverse: a money field accepts ``1500000``, ``1.500.000``,
``Rp 1.500.000`` and ``Rp1.500.000,00`` (and the English ``1,500,000``), never a fraction of a rupiah.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

DASH = "–"


def _separators() -> tuple[str, str]:
    """(thousands, decimal) for the active language; Indonesian unless English was chosen."""
    if (translation.get_language() or "id").startswith("en"):
        return ",", "."
    return ".", ","


def number(value, decimals: int | None = 0) -> str:
    """25848 → ``25.848`` (id) / ``25,848`` (en); with ``decimals``, 3.9412 → ``3,94`` / ``3.94``.

    ``decimals=None`` keeps the digits the value has (a rate of 0.24 → ``0,24``, 10 → ``10``).
    """
    if value is None or value == "":
        return DASH
    try:
        Decimal(str(value))
    except ArithmeticError:
        return str(value)  # already text (a dash, a label): shown as it is
    thousands, point = _separators()
    if decimals is None:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if decimals:
        quantum = Decimal(1).scaleb(-decimals)
        text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):,.{decimals}f}"
    else:
        text = f"{int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"
    return text.translate(str.maketrans({",": thousands, ".": point}))


def rupiah(amount) -> str:
    """1500000 → ``Rp1.500.000`` (id) / ``Rp1,500,000`` (en); a negative amount ``-Rp6.800``."""
    if amount is None or amount == "":
        return DASH
    amount = int(amount)
    return f"{'-' if amount < 0 else ''}Rp{number(abs(amount))}"


def percent(value, decimals: int | None = 2) -> str:
    """3.9412 → ``3,94 %`` (id) / ``3.94 %`` (en); ``–`` when there is nothing to divide by."""
    if value is None or value == "":
        return DASH
    return f"{number(value, decimals)} %"


def moment(value, seconds: bool = False) -> str:
    """A point in time as people read it: in the configured time zone (WIB by default), never UTC —
    the same clock the pages show. ``2026-12-01 08:05`` (with ``seconds``, ``08:05:09``)."""
    if value is None:
        return DASH

    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def label(choices, code) -> str:
    """A stored code shown through its label in the active language (``apbd-province`` → ``APBD provinsi``);
    ``choices`` is a Django ``TextChoices`` class or a list of (code, label) pairs. Unknown codes show as
    they are, so nothing disappears."""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return str(dict(pairs).get(code, code))


def labels(choices, codes, sep: str = ", ") -> str:
    """Several codes (a list, or ``jkk,jkm``) by their labels."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return sep.join(label(choices, c) for c in codes)


_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")      # 1.500.000 or 1.500.000,00
_COMMAS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$")    # 1,500,000 or 1,500,000.00
_DECIMAL = re.compile(r"^\d+[.,]\d{1,2}$")                     # 1500000.00 or 1500000,00


def parse_rupiah(value) -> int:
    """Whole rupiah from ``1500000``, ``1.500.000``, ``Rp 1.500.000``, ``Rp1.500.000,00``, ``1,500,000``.

    Raises ``ValueError`` for anything else, and for a fraction of a rupiah (``1.500,50``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("%(value)s is not a whole number of rupiah.") % {"value": value})
        return int(value)
    text = str(value or "").strip()
    negative = text.startswith("-")
    text = re.sub(r"(?i)^-?\s*rp\.?", "", text)
    text = text.replace(" ", "").replace("\xa0", "").replace("\u202f", "").rstrip("-").rstrip(",.")
    whole, cents = None, ""
    if text.isdigit():
        whole = text
    elif _DOTS.match(text):
        whole, _sep, cents = text.partition(",")
        whole = whole.replace(".", "")
    elif _COMMAS.match(text):
        whole, _sep, cents = text.partition(".")
        whole = whole.replace(",", "")
    elif _DECIMAL.match(text):
        whole, cents = re.split(r"[.,]", text)
    if whole is None:
        raise ValueError(_("“%(value)s” is not an amount in rupiah (write e.g. 1.500.000).") % {"value": value})
    if cents.strip("0"):
        raise ValueError(_("%(value)s is not a whole number of rupiah.") % {"value": value})
    return -int(whole) if negative else int(whole)


class RupiahInput(forms.TextInput):
    """A text box (a number box refuses ``1.500.000``) that shows its value the Indonesian way."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return number(value)
        return super().format_value(value)


class RupiahField(forms.IntegerField):
    """A money field: whole rupiah, written as people write it (see ``parse_rupiah``)."""

    widget = RupiahInput

    def widget_attrs(self, widget):
        # IntegerField would add min/max/step attributes meant for a number box.
        return {key: value for key, value in super().widget_attrs(widget).items() if key not in ("min", "max", "step")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_rupiah(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class DatePicker(forms.DateInput):
    """``<input type=date>``: the browser accepts only ISO dates (2026-12-01) whatever the language, so the
    value is written that way (Django would write the locale's 01-12-2026 and the box would stay empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthPicker(forms.DateInput):
    """``<input type=month>``: written 2026-12 whatever the language."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")
