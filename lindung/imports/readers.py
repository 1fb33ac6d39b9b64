"""Reading uploaded lists as rows of cell values, whatever the format — bounded.

The one public entry is ``open_table(path)``: it refuses a file over the upload limit
(``LINDUNG_UPLOAD_MAX_MB``, see ``lindung.uploads``) before reading a byte of it, and returns a
``Table`` whose ``raw_rows()`` yields each row's cell values in file order (row 1 first)::

    table = open_table(path)            # UnreadableFile (with a message for the user) if it cannot be read
    for values in table.raw_rows():     # lists of str / float / int / bool / date / datetime / None
        ...

- XLSX, XLS and ODS: python-calamine (Rust), which returns typed cells: text, float, date. It reads
  a whole sheet at once, so it runs in a separate process with a memory and CPU limit, after the
  sheet's declared area has been checked against ``LINDUNG_SHEET_MAX_CELLS``
  (``lindung.imports.sheet_process``); the rows come back through a pipe. Nothing parsed is kept in
  this process.
- CSV: any common delimiter (; , tab |) and encoding (UTF-8 with or without BOM, UTF-16 with BOM,
  otherwise Windows-1252, which is what Excel writes on Indonesian Windows); read as a stream.

Row numbers are the spreadsheet's (leading blank rows count), so a report can point the operator at
the exact line.
"""

import codecs
import csv
import datetime as dt
import json
import pickle
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lindung.errors import InvalidInput
from lindung.uploads import UploadTooLarge, check_upload_size

from .sheet_process import xlsx_declared_area

FORMATS = ("xlsx", "xls", "ods", "csv")
DELIMITERS = (";", ",", "\t", "|")
HEADER_SCAN_ROWS = 10  # a title line or two above the header row is common in village lists
SHEET_CPU_SECONDS = 600


class UnreadableFile(InvalidInput):
    """The file is not a spreadsheet or CSV we can read (or is over a limit); the message says why."""


@dataclass
class Table:
    path: Path
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    rows_declared: int = 0  # a sheet's rows, known once its reading process has loaded it

    def raw_rows(self) -> Iterator[list]:
        if self.file_format == "csv":
            yield from self._csv_rows()
        else:
            yield from self._sheet_rows()

    @property
    def spool_path(self) -> Path:
        return self.path.with_name(self.path.name + ".rows.jsonl")

    def spool(self) -> None:
        """Parse a sheet once (in the limited process) into a JSON-lines file beside it; later readings
        of this table read that file. Raises UnreadableFile as reading would."""
        if self.file_format == "csv":
            return
        for _frame in self._reading_process([str(self.spool_path)]):
            pass

    def _sheet_rows(self) -> Iterator[list]:
        spool = self.spool_path
        if spool.exists() and spool.stat().st_mtime_ns >= self.path.stat().st_mtime_ns:
            yield from self._spooled_rows(spool)
        else:
            yield from self._reading_process([])

    def _spooled_rows(self, spool: Path) -> Iterator[list]:
        with open(spool, encoding="utf-8") as handle:
            first = handle.readline()
            if first:
                self.rows_declared = json.loads(first)["shape"][0]
            for line in handle:
                values = json.loads(line)
                yield [_typed(v) if type(v) is dict else v for v in values]

    def _reading_process(self, extra: list[str]) -> Iterator[list]:
        limit_mb = settings.SHEET_MEMORY_MB
        process = subprocess.Popen(
            [sys.executable, "-m", "lindung.imports.sheet_process", str(self.path), self.file_format,
             str(settings.SHEET_MAX_CELLS), str(limit_mb), str(SHEET_CPU_SECONDS), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    frame = pickle.load(process.stdout)
                except EOFError:
                    process.wait()
                    raise UnreadableFile(_stopped_message(process.returncode, limit_mb)) from None
                kind = frame[0]
                if kind == "rows":
                    yield from frame[1]
                elif kind == "shape":
                    self.rows_declared = frame[1]
                elif kind == "end":
                    return
                else:
                    raise UnreadableFile(_refusal_message(frame[1:], limit_mb))
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
            process.wait()

    def _csv_rows(self) -> Iterator[list]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            try:
                yield from csv.reader(handle, delimiter=self.delimiter)
            except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit() (128 KiB)
                raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None

    def estimate_rows(self) -> int:
        """Rows in the file, roughly (CSV: from its size; a sheet: its declared area, else 0)."""
        if self.file_format == "csv":
            size = self.path.stat().st_size
            with open(self.path, "rb") as handle:
                sample = handle.read(256 * 1024)
            lines = sample.count(b"\n") or 1
            return max(1, int(size / max(len(sample) / lines, 1)))
        if self.rows_declared:
            return self.rows_declared
        if self.file_format == "xlsx":
            try:
                area = xlsx_declared_area(str(self.path))
            except (zipfile.BadZipFile, OSError, KeyError):
                area = None
            return area[0] if area else 0
        return 0


def spool_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".rows.jsonl")


def _typed(cell: dict):
    """A spooled cell that JSON has no type for (``sheet_process._json_cell``)."""
    if "d" in cell:
        return dt.date.fromisoformat(cell["d"])
    if "t" in cell:
        return dt.datetime.fromisoformat(cell["t"])
    if "h" in cell:
        return dt.time.fromisoformat(cell["h"])
    if "s" in cell:
        return dt.timedelta(seconds=cell["s"])
    return str(cell)


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _refusal_message(detail: tuple, limit_mb: int) -> str:
    code = detail[0]
    if code == "too_many_cells":
        rows, columns, limit = detail[1:4]
        return _("The sheet spans %(rows)s rows × %(columns)s columns (%(cells)s cells); Lindung reads at most "
                 "%(limit)s cells (LINDUNG_SHEET_MAX_CELLS). Delete the empty rows and columns after the list, "
                 "or save it as CSV.") % {"rows": _n(rows), "columns": _n(columns), "cells": _n(rows * columns),
                                          "limit": _n(limit)}
    if code == "memory":
        return _memory_message(limit_mb)
    return _("The spreadsheet cannot be read: %(error)s") % {"error": detail[1] if len(detail) > 1 else code}


def _memory_message(limit_mb: int) -> str:
    return _("Reading this spreadsheet needs more than the %(limit)s MB Lindung allows (LINDUNG_SHEET_MEMORY_MB); "
             "it probably declares far more cells than it holds. Save the list as CSV, or copy its rows into a "
             "new sheet.") % {"limit": _n(limit_mb)}


def _stopped_message(returncode: int | None, limit_mb: int) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return _("Reading this spreadsheet took too long; save the list as CSV and upload that.")
    return _memory_message(limit_mb)


def detect_format(path: Path, name: str = "") -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return "ods"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise UnreadableFile(_("The file is a ZIP archive but not an XLSX or ODS spreadsheet."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(4 * 1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        lines = [line for line in (handle.readline() for _line in range(HEADER_SCAN_ROWS)) if line.strip()]
    if not lines:
        raise UnreadableFile(_("The file is empty."))
    # The delimiter that appears most, consistently, in the first lines; commas inside quoted
    # names ("Siti, S.Pd") are rarer than the real delimiter.
    def score(d: str) -> tuple[int, int]:
        counts = [len(next(csv.reader([line], delimiter=d))) - 1 for line in lines]
        return (min(counts), sum(counts))
    best = max(DELIMITERS, key=score)
    if score(best)[1] == 0:
        return ","  # a single column: any delimiter reads it
    return best


def open_table(path: Path | str, name: str = "") -> Table:
    """The list in ``path`` as a ``Table``; refuses a file over the upload limit before reading it."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise UnreadableFile(_("The file is empty."))
    try:
        check_upload_size(path.stat().st_size)
    except UploadTooLarge as exc:
        raise UnreadableFile(str(exc)) from None
    file_format = detect_format(path, name)
    table = Table(path=path, file_format=file_format)
    if file_format == "csv":
        table.encoding = detect_encoding(path)
        table.delimiter = detect_delimiter(path, table.encoding)
    return table


def is_blank(values) -> bool:
    for v in values:
        if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
            return False
    return True


def text_of(value) -> str:
    """A cell as the operator would read it (for headers and the error report)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


