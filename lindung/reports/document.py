"""What a report produces, before it becomes a file: a title, the parameters, headline figures,
charts and tables. The XLSX and PDF renderers read only this, so every report looks the same in
both formats and a new report never touches a renderer.

Values stay typed (``int`` rupiah, ``float`` percentages, ``str`` NIKs) until a renderer writes
them: the workbook keeps numbers as numbers, the PDF writes them the Indonesian (or English) way.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# Column kinds: how a value is written.
TEXT, INT, RUPIAH, PERCENT, NIK, DATE, MONTH = "text", "int", "rupiah", "percent", "nik", "date", "month"


@dataclass
class Column:
    key: str
    label: str
    kind: str = TEXT
    width: float = 0  # share of the page width in the PDF (0: the renderer decides)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Iterable[dict]            # may be a generator: the XLSX writer streams it
    total_rows: int | None = None    # known size, for progress (None: unknown)
    pdf: bool = True                 # False: too long for paper, XLSX only


@dataclass
class Figure:
    label: str
    value: object
    kind: str = INT
    note: str = ""


@dataclass
class Chart:
    title: str
    svg: str                         # drawn by the same template code the pages use


@dataclass
class Document:
    title: str
    subtitle: str = ""
    parameters: list[tuple[str, str]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # paragraphs printed before the figures (a letter's text)
    generated_at: dt.datetime | None = None
    generated_by: str = ""
    # Member cards and letters lay out their own pages; the PDF renderer hands them the canvas.
    pdf_pages: object = None
