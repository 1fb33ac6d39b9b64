"""Values written for people, in the active language, through the one formatter (``lindung.formatting``)."""

import datetime as dt

from django.utils import formats

from lindung.formatting import DASH, number, percent, rupiah

from . import document as d


def display(value, kind: str) -> str:
    """A cell as the PDF shows it."""
    if value is None or value == "":
        return DASH if kind in (d.INT, d.RUPIAH, d.PERCENT) else ""
    if kind == d.INT:
        return number(value)
    if kind == d.RUPIAH:
        return rupiah(value)
    if kind == d.PERCENT:
        return percent(value, 2)
    if kind == d.MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if kind == d.DATE and isinstance(value, dt.date):
        return formats.date_format(value, "j N Y") if not isinstance(value, dt.datetime) else \
            formats.date_format(value, "j N Y H:i")
    return str(value)
