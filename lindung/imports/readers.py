"""Reading uploaded lists as rows of cell values, whatever the format.

- XLSX, XLS and ODS: python-calamine (Rust), which returns typed cells: text, float, date.
- CSV: any common delimiter (; , tab |) and encoding (UTF-8 with or without BOM, UTF-16 with BOM,
  otherwise Windows-1252, which is what Excel writes on Indonesian Windows); read as a stream.

Rows are yielded as ``(row_number, values)`` with spreadsheet numbering (the header row is the row
number it has in the file), so a report can point the operator at the exact line.
"""

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

FORMATS = ("xlsx", "xls", "ods", "csv")
DELIMITERS = (";", ",", "\t", "|")
HEADER_SCAN_ROWS = 10  # a title line or two above the header row is common in village lists


# The last sheet parsed, so that reading the header, estimating the size and reading the rows of
# one upload parse it once; ``forget_sheet`` drops it when the import is done.
_last_sheet: dict = {}


def forget_sheet() -> None:
    _last_sheet.clear()


class UnreadableFile(Exception):
    """The file is not a spreadsheet or CSV we can read; the message says why."""


@dataclass
class Table:
    path: Path
    file_format: str
    encoding: str = ""
    delimiter: str = ""

    def raw_rows(self) -> Iterator[list]:
        if self.file_format == "csv":
            yield from self._csv_rows()
        else:
            yield from self._sheet_rows()

    def sheet(self):
        """The first sheet, parsed once per file (calamine reads a whole sheet at a time)."""
        key = (str(self.path), self.path.stat().st_mtime_ns, self.path.stat().st_size)
        if _last_sheet.get("key") != key:
            from python_calamine import CalamineWorkbook

            _last_sheet.clear()
            try:
                sheet = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_index(0)
            except Exception as exc:  # calamine raises its own error types for damaged files
                raise UnreadableFile(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from None
            _last_sheet.update(key=key, sheet=sheet)
        return _last_sheet["sheet"]

    def _sheet_rows(self) -> Iterator[list]:
        sheet = self.sheet()
        # calamine skips leading empty rows; keep the file's own numbering.
        start = sheet.start[0] if sheet.start else 0
        for _blank in range(start):
            yield []
        yield from sheet.iter_rows()

    def _csv_rows(self) -> Iterator[list]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            yield from csv.reader(handle, delimiter=self.delimiter)

    def estimate_rows(self) -> int:
        if self.file_format == "csv":
            size = self.path.stat().st_size
            with open(self.path, "rb") as handle:
                sample = handle.read(256 * 1024)
            lines = sample.count(b"\n") or 1
            return max(1, int(size / max(len(sample) / lines, 1)))
        try:
            return self.sheet().height
        except UnreadableFile:
            return 0


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
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise UnreadableFile(_("The file is empty."))
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


