"""The error report: the original list, row for row, with one more column saying what is wrong.

The village fixes the marked rows in this file and sends it back; rows already saved are then
recognised by their NIK and left alone, so re-sending the whole file is safe.
"""

from collections import defaultdict
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from lindung.tabular import XlsxSheet

from .models import ImportJob, RowIssue, Severity
from .readers import open_table


def report_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "reports" / f"import-{job.pk}-report.xlsx"


def build_report(job: ImportJob) -> Path:
    """Write (once) and return the XLSX report of a finished job."""
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

    sheet = XlsxSheet(_("Checked list"))
    red, amber = Font(color="B3261E", bold=True), Font(color="B26A00")
    header_fill = PatternFill("solid", fgColor="FDECEA")
    width = len(job.headers)
    with closing(open_table(job.file.path, job.original_name).raw_rows()) as rows:
        for number, values in enumerate(rows, start=1):
            values = list(values) + [None] * (width - len(values))
            # The list's own cells, as they were (a NIK typed as text stays text; a name that looks like a
            # formula is written as a string cell, never a formula: lindung.tabular).
            cells = [sheet.cell(v) for v in values]
            if number == job.header_row:
                cells.append(sheet.cell(_("Errors (Lindung import #%(id)s)") % {"id": job.pk},
                                        font=Font(bold=True), fill=header_fill))
            elif number in notes:
                cells.append(sheet.cell("\n".join(notes[number]), font=red if number in rejected else amber, wrap=True))
            sheet.append(cells)
    tmp = path.with_suffix(".tmp")
    sheet.save(tmp)
    tmp.chmod(0o600)
    tmp.replace(path)
    return path
