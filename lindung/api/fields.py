"""Typed, bounded fields for the API schemas: every integer, date and text an operation accepts has
its range in the OpenAPI schema and is refused with 422 before it reaches the database (see
``lindung.limits``)."""

import calendar
import datetime as dt
import re
from typing import Annotated, Literal

from django.conf import settings
from pydantic import AfterValidator, BeforeValidator, Field

from lindung import limits

NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=limits.MAX_ID)]
Page = Annotated[int, Field(ge=1, le=limits.MAX_PAGE)]
Count = Annotated[int, Field(ge=0, le=limits.MAX_COUNT)]
Amount = Annotated[int, Field(ge=0, le=limits.MAX_AMOUNT, description="Whole rupiah")]
Budget = Annotated[int, Field(ge=0, le=limits.MAX_BUDGET, description="Whole rupiah")]
Income = Annotated[int, Field(ge=0, le=limits.MAX_INCOME, description="Whole rupiah a month")]
Year = Annotated[int, Field(ge=settings.LINDUNG_DATE_MIN.year, le=settings.LINDUNG_DATE_MAX.year)]


def _in_window(value: dt.date) -> dt.date:
    low, high = limits.date_window()
    if not low <= value <= high:
        raise ValueError(f"date outside {low.isoformat()} … {high.isoformat()}")
    return value


def _alternatives(values) -> str:
    return "|".join(str(v) for v in values)


_LOW, _HIGH = settings.LINDUNG_DATE_MIN.year, settings.LINDUNG_DATE_MAX.year
_YEARS = _alternatives(range(_LOW, _HIGH + 1))
_LEAP_YEARS = _alternatives(y for y in range(_LOW, _HIGH + 1) if calendar.isleap(y))
# A calendar date of a year inside the window, written YYYY-MM-DD: the schema's pattern is as strict as the
# validation (the window's whole years; a window that starts or ends mid-year is still checked exactly).
DATE = (rf"(?:{_YEARS})-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
        rf"|(?:0[13578]|1[02])-31)|(?:{_LEAP_YEARS})-02-29")
MONTH = rf"(?:{_YEARS})-(?:0[1-9]|1[0-2])"
# Kemendagri region codes: province (2 digits), regency (4), district (6), village (10), dots allowed.
REGION = r"\d{2}(?:\.?\d{2}(?:\.?\d{2}(?:\.?\d{4})?)?)?"
VILLAGE = r"^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$"


def _date_text(value):
    """Only what the schema describes: a date object, or a YYYY-MM-DD string (no timestamps, no numbers)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(DATE, value):
        return value
    raise ValueError("a date written YYYY-MM-DD inside the accepted window")


Day = Annotated[dt.date, BeforeValidator(_date_text), AfterValidator(_in_window),
                Field(json_schema_extra={"pattern": f"^(?:{DATE})$",
                                         "formatMinimum": settings.LINDUNG_DATE_MIN.isoformat(),
                                         "formatMaximum": settings.LINDUNG_DATE_MAX.isoformat()})]
# Text parameters where "" means "today" / "this month" / "everywhere".
DayText = Annotated[str, Field(max_length=10, pattern=f"^(?:{DATE})?$", description="YYYY-MM-DD (empty: today)")]
MonthText = Annotated[str, Field(max_length=7, pattern=f"^(?:{MONTH})?$", description="YYYY-MM (empty: this month)")]
MonthRequired = Annotated[str, Field(max_length=7, pattern=f"^(?:{MONTH})$", description="YYYY-MM")]
RegionText = Annotated[str, Field(max_length=13, pattern=f"^(?:{REGION})?$",
                                  description="Kemendagri region code (empty: all of yours)")]
RegionCode = Annotated[str, Field(max_length=13, pattern=f"^(?:{REGION})$", description="Kemendagri region code")]


# Programme codes (JKK, JKM, JHT): a short list of lower-case codes, each checked against the rules.
Programs = Annotated[list[Annotated[str, Field(max_length=10, pattern=r"^[a-z]{2,10}$")]], Field(max_length=5)]


def choice(values):
    """One of these codes (an enumeration in the schema)."""
    return Literal[tuple(values)]


def ids(maximum: int = limits.MAX_COUNT):
    """A list of record ids, at most ``maximum`` of them."""
    return Annotated[list[Id], Field(max_length=maximum)]


def text(max_length: int, *, min_length: int = 0, description: str | None = None):
    """A string of at most ``max_length`` characters (the column's size) without NUL bytes."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL,
                                description=description)]


def page_size(maximum: int):
    return Annotated[int, Field(ge=1, le=maximum)]


Code = text(16)        # region codes, NIKs, months and other short codes
Query = text(150)      # free-text search
Limit = Annotated[int, Field(ge=1, le=5000)]        # rows of a list without pages
Days = Annotated[int, Field(ge=1, le=366)]
Months = Annotated[int, Field(ge=1, le=120)]
