"""Values written for people, in the active language (Indonesian unless English was chosen)."""

import datetime as dt

from django.utils import formats, translation

from lindung.rules.formatting import rupiah

from . import document as d

DASH = "–"


def _separators() -> tuple[str, str]:
    return (",", ".") if (translation.get_language() or "id").startswith("en") else (".", ",")


def number(value, decimals: int = 0) -> str:
    if value is None:
        return DASH
    thousands, point = _separators()
    text = f"{value:,.{decimals}f}" if decimals else f"{int(value):,}"
    return text.translate(str.maketrans({",": thousands, ".": point}))


def display(value, kind: str) -> str:
    """A cell as the PDF shows it."""
    if value is None or value == "":
        return DASH if kind in (d.INT, d.RUPIAH, d.PERCENT) else ""
    if kind == d.INT:
        return number(value)
    if kind == d.RUPIAH:
        return rupiah(value)
    if kind == d.PERCENT:
        return f"{number(value, 2)} %"
    if kind == d.MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind == d.DATE and isinstance(value, dt.date):
        return formats.date_format(value, "j N Y") if not isinstance(value, dt.datetime) else \
            formats.date_format(value, "j N Y H:i")
    return str(value)
