"""Deaths reported by list (CSV, XLSX, XLS, ODS): every row checked first, then saved together.

The file is read with the imports app's bounded reader (``lindung.imports.readers.open_table``).
Columns (header row within the first rows, any order, Indonesian or English names): ``nik``,
``tanggal_meninggal``/``death_date``, optionally ``sebab``/``cause`` (``not_work`` or
``work_accident``) and ``tempat``/``place``. Each row becomes an unconfirmed death report, exactly
as from the form; if any row is wrong nothing is saved and every error is listed by row number.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.imports.readers import HEADER_SCAN_ROWS, is_blank, open_table, text_of
from lindung.people.models import Worker

from .errors import ClaimError
from .events import report_event
from .models import DeathCause, EventKind, ReportSource

COLUMNS = {
    "nik": "nik",
    "tanggal_meninggal": "date", "death_date": "date", "tanggal": "date", "date": "date",
    "sebab": "cause", "cause": "cause",
    "tempat": "place", "place": "place",
}
CAUSES = {"not_work": DeathCause.NOT_WORK, "bukan_kerja": DeathCause.NOT_WORK, "": DeathCause.NOT_WORK,
          "work_accident": DeathCause.WORK_ACCIDENT, "kecelakaan_kerja": DeathCause.WORK_ACCIDENT}


def _key(text: str) -> str:
    return "_".join(text_of(text).lower().replace("-", " ").split())


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def import_deaths(access, path, *, today: dt.date | None = None) -> dict:
    """Report the deaths listed in ``path``; returns counts, or raises ``ClaimError`` listing the rows."""
    access.require("event.report")
    table = open_table(path)
    header, rows = None, []
    for number, values in enumerate(table.raw_rows(), start=1):
        if header is None:
            keys = [COLUMNS.get(_key(v)) for v in values]
            if "nik" in keys and "date" in keys:
                header = keys
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        if not is_blank(values):
            rows.append((number, {k: v for k, v in zip(header, values) if k}))
    if header is None:
        raise ClaimError(_("No header row with the columns nik and tanggal_meninggal (death_date) was found."))
    errors, ready = [], []
    for number, row in rows:
        nik, died = text_of(row.get("nik")), _date(row.get("date"))
        cause = CAUSES.get(_key(row.get("cause") or ""))
        worker = access.workers().filter(nik=nik).first()
        if worker is None:
            errors.append(_("row %(n)d: no worker with NIK %(nik)s in your scope") % {"n": number, "nik": nik})
        elif died is None:
            errors.append(_("row %(n)d: the date of death is not a date") % {"n": number})
        elif cause is None:
            errors.append(_("row %(n)d: the cause is not_work or work_accident") % {"n": number})
        else:
            ready.append((number, worker, died, cause, text_of(row.get("place"))))
    if errors:
        raise ClaimError("; ".join(errors), lines=errors, errors=errors)
    with transaction.atomic():
        for number, worker, died, cause, place in ready:
            try:
                report_event(access, worker, kind=EventKind.DEATH, date=died, cause=cause, place=place,
                             source=ReportSource.IMPORT, today=today)
            except ClaimError as exc:
                errors.append(_("row %(n)d: %(error)s") % {"n": number, "error": exc.message})
        if errors:
            transaction.set_rollback(True)
            raise ClaimError("; ".join(errors), lines=errors, errors=errors)
    return {"rows": len(rows), "reported": len(ready)}
