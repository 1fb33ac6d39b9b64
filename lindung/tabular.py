"""The one writer of every export and report that leaves Lindung as a table (CSV or XLSX).

Every door that hands a user a file — the worker, sponsorship, invoice and invoice-line exports, the
import's error report — writes it here, so three promises hold everywhere:

1. **No formulas.** A cell a person typed (a name such as ``=HYPERLINK("http://…"&A3)``) is never a
   live formula: in CSV a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
   return gets a leading apostrophe (the OWASP advice; spreadsheets show the rest as text); in XLSX
   every text is written as a string cell, never a formula, so it reads back exactly as typed.
2. **Identifiers stay text.** A NIK, a phone number, a region code or an invoice number is written
   as text (XLSX: a string cell formatted ``@``), so no spreadsheet turns ``3525110101900001`` into
   ``3.52511E+15``. In CSV only the file's own shape helps: Excel converts long digit strings on
   opening a CSV whatever is done, which is why every export is offered as XLSX too.
3. **Opens correctly in Indonesia.** CSV is UTF-8 with a byte-order mark, semicolon-separated
   (Windows with Indonesian regional settings uses the comma as decimal separator and ``;`` as list
   separator, so Excel splits the columns) with CRLF line ends. Headers are the columns' labels in
   the user's language; callers pass labels, not codes (``get_FOO_display``).

``export_response(request, name, columns, rows)`` answers ``?format=xlsx`` with XLSX and anything
else with CSV, streaming CSV row by row and building XLSX in a temporary file (write-only mode, so
memory stays flat). Lower down, ``csv_lines`` and ``XlsxSheet`` serve writers with their own layout
(the import report keeps the uploaded list's own columns and colours its error column).
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT, ID, NUMBER, DATE, MONTH = "text", "id", "number", "date", "month"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (a label in the user's language) and what it holds.

    ``kind``: ``text`` (free text: neutralised), ``id`` (an identifier kept as text: NIK, phone, code,
    invoice number), ``number`` (integers, e.g. rupiah), ``date`` or ``month``.
    """

    header: object
    kind: str = TEXT


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert for CSV (leading apostrophe)."""
    if value and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def _csv_text(value, kind: str = TEXT) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if kind == MONTH else value.isoformat()
    if isinstance(value, (int, float)) and kind != ID:
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return neutralise(str(value))


class _Line:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[list], kinds: list[str] | None = None, *, bom: bool = True) -> Iterator[str]:
    """The rows as CSV text lines (the first with a BOM): ``;``-separated, CRLF, every text neutralised."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    first = bom
    for values in rows:
        line = writer.writerow([_csv_text(v, kinds[i] if kinds and i < len(kinds) else TEXT)
                                for i, v in enumerate(values)])
        if first:
            line, first = "\ufeff" + line, False
        yield line


class XlsxSheet:
    """A write-only XLSX workbook with one sheet; every text is a string cell, identifiers formatted ``@``."""

    def __init__(self, title: str):
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(str(title)[:31] or "Sheet")

    def cell(self, value, kind: str = TEXT, *, font=None, fill=None, wrap: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment

        if isinstance(value, str) and value == "":
            value = None
        if value is not None and kind == ID:
            value = str(value)
        elif isinstance(value, (dt.date, dt.datetime)) and kind == MONTH:
            value = value.strftime("%Y-%m")
        elif value is not None and not isinstance(value, (str, int, float, bool, dt.date, dt.datetime, dt.time)):
            value = str(value)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would take "=…" for a formula; a string cell never runs
            if kind == ID:
                cell.number_format = "@"
        elif isinstance(value, dt.datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(value, int) and not isinstance(value, bool) and kind == NUMBER:
            cell.number_format = "#,##0"
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def append(self, cells: list) -> None:
        self.sheet.append(cells)

    def new_sheet(self, title: str) -> None:
        """Go on writing on a further sheet of the same workbook (a report: a cover, then one per table)."""
        self.sheet = self.book.create_sheet(str(title)[:31] or "Sheet")

    def row(self, values: list, kinds: list[str] | None = None) -> None:
        self.append([self.cell(v, kinds[i] if kinds and i < len(kinds) else TEXT) for i, v in enumerate(values)])

    def header(self, labels: list) -> None:
        from openpyxl.styles import Font

        bold = Font(bold=True)
        self.append([self.cell(str(label), font=bold) for label in labels])

    def save(self, path) -> None:
        self.book.save(path)


def _filename(name: str, extension: str) -> str:
    return f"{name}.{extension}"


def csv_response(name: str, columns: list[Column], rows: Iterable[list]) -> StreamingHttpResponse:
    kinds = [c.kind for c in columns]

    def lines():
        yield from csv_lines([[str(c.header) for c in columns]])
        yield from csv_lines(rows, kinds, bom=False)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def xlsx_response(name: str, columns: list[Column], rows: Iterable[list], *, title: str = "") -> FileResponse:
    sheet = XlsxSheet(title or name)
    sheet.header([c.header for c in columns])
    kinds = [c.kind for c in columns]
    for values in rows:
        sheet.row(values, kinds)
    handle = tempfile.TemporaryFile()  # 0600, removed when the response is closed
    sheet.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_filename(name, "xlsx"), content_type=XLSX_TYPE)


def export_response(request, name: str, columns: list[Column], rows: Iterable[list], *, title: str = ""):
    """The export in the format the user asked for (``?format=xlsx``; CSV otherwise)."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name, columns, rows, title=title)
    return csv_response(name, columns, rows)
