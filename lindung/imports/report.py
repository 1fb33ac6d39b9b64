"""The error report: the original list, row for row, with one more column saying what is wrong.

The village fixes the marked rows in this file and sends it back; rows already saved are then
recognised by their NIK and left alone, so re-sending the whole file is safe.

The report repeats every row of the list — NIKs, names, birth dates — so each download is a disclosure
(``Access.disclose``): the workers whose NIK a row carries are its subjects, found again on their own
trail, and the rows that match no registered worker (rejected, or a dry run) are counted.
"""

from collections import defaultdict
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from lindung.tabular import XlsxSheet

from lindung.people.models import Worker

from .columns import CellError, clean_nik
from .models import ImportJob, RowIssue, Severity
from .readers import open_table

BATCH = 5000


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


def people_shown(job: ImportJob) -> tuple[list[int], int]:
    """(worker ids, rows matching nobody): who the report of ``job`` shows. A row is matched by the NIK in
    the column mapped to NIK, read as the import reads it; a row without a readable NIK, or whose NIK is
    no registered worker's, is counted as unregistered. Workers are looked up 5,000 NIKs at a time."""
    column = next((int(index) for index, field in job.mapping.items() if field == "nik"), None)
    niks, rows = [], 0
    with closing(open_table(job.file.path, job.original_name).raw_rows()) as table:
        for number, values in enumerate(table, start=1):
            if number <= job.header_row or not any(v not in (None, "") for v in values):
                continue
            rows += 1
            try:
                nik = clean_nik(values[column]) if column is not None and column < len(values) else ""
            except CellError:
                nik = ""
            if nik:
                niks.append(nik)
    ids, matched = set(), 0
    for start in range(0, len(niks), BATCH):
        batch = niks[start:start + BATCH]
        found = dict(Worker.objects.filter(nik__in=set(batch)).order_by().values_list("nik", "id"))
        matched += sum(1 for nik in batch if nik in found)
        ids.update(found.values())
    return sorted(ids), rows - matched
