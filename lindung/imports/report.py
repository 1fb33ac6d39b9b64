"""The error report: the original list, row for row, with one more column saying what is wrong.

The village fixes the marked rows in this file and sends it back; rows already saved are then
recognised by their NIK and left alone, so re-sending the whole file is safe.
"""

from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import ImportJob, RowIssue, Severity
from .readers import open_table


def report_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "reports" / f"import-{job.pk}-report.xlsx"


def build_report(job: ImportJob) -> Path:
    """Write (once) and return the XLSX report of a finished job."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    path = report_path(job)
    if path.exists() and path.stat().st_mtime >= job.finished_at.timestamp():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    notes: dict[int, list[str]] = defaultdict(list)
    rejected: set[int] = set()
    issues = (RowIssue.objects.filter(job=job).exclude(severity=Severity.NOTICE).order_by("row", "id")
              .values_list("row", "column", "severity", "message"))
    for row, column, severity, message in issues.iterator(chunk_size=5000):
        prefix = "" if severity == Severity.ERROR else _("[review] ")
        notes[row].append(f"{prefix}{column}: {message}" if column else f"{prefix}{message}")
        if severity == Severity.ERROR:
            rejected.add(row)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Checked list"))
    red, amber = Font(color="B3261E", bold=True), Font(color="B26A00")
    header_fill = PatternFill("solid", fgColor="FDECEA")
    table = open_table(job.file.path, job.original_name)
    width = len(job.headers)
    for number, values in enumerate(table.raw_rows(), start=1):
        values = list(values) + [None] * (width - len(values))
        if number == job.header_row:
            cell = WriteOnlyCell(sheet, value=_("Errors (Lindung import #%(id)s)") % {"id": job.pk})
            cell.font, cell.fill = Font(bold=True), header_fill
            sheet.append([_cell(v) for v in values] + [cell])
        elif number in notes:
            cell = WriteOnlyCell(sheet, value="\n".join(notes[number]))
            cell.font = red if number in rejected else amber
            sheet.append([_cell(v) for v in values] + [cell])
        else:
            sheet.append([_cell(v) for v in values])
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


def _cell(value):
    # Keep long digit strings (NIKs, phone numbers) as text so the spreadsheet cannot round them again.
    if value == "":
        return None
    return value
