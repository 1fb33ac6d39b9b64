"""Typed, bounded fields for the API schemas: every integer, date and text an operation accepts has
its range in the OpenAPI schema and is refused with 422 before it reaches the database (see
``lindung.limits``)."""

import datetime as dt
from typing import Annotated

from django.conf import settings
from pydantic import AfterValidator, Field

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


Day = Annotated[dt.date, AfterValidator(_in_window),
                Field(json_schema_extra={"formatMinimum": settings.LINDUNG_DATE_MIN.isoformat(),
                                         "formatMaximum": settings.LINDUNG_DATE_MAX.isoformat()})]


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
