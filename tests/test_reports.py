"""Reports: the coverage report's figures are the coverage page's, in XLSX and PDF, on every door."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.test import Client

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.cli import main
from lindung.coverage.indicators import indicators
from lindung.reports.models import ReportRun
from lindung.reports.services import request_report, run_next

from .conftest import DADAPKUNING, create_worker
from .reports_support import MARCH, cell_values, gresik_members, pdf_text, read_xlsx, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def figures_of(book) -> dict:
    rows = cell_values(book.worksheets[0])
    start = next(i for i, r in enumerate(rows) if r[0] in ("Angka", "Figures"))
    return {r[0]: r[1] for r in rows[start + 1:] if r and r[0]}


def run_bytes(run) -> bytes:
    with run.file.open("rb") as f:
        return f.read()


def test_coverage_xlsx_holds_the_figures_of_the_coverage_page(gresik_members, gresik_regency_operator):
    access = Access(gresik_regency_operator)
    run = request_report(access, "coverage", {"region": "3525", "period": "2025-03", "format": "xlsx"})
    assert run.status == "done", run.error
    book = read_xlsx(run_bytes(run))
    page = indicators("3525", MARCH, access)
    found = figures_of(book)
    # The scenario: 6 active members of 40 → 15.00 %; the RPJMN target 43.92 % → 12 more members.
    assert found["Peserta aktif"] == 6 == page["active"]
    assert found["Penduduk bekerja"] == 40 == page["working_population"]
    assert found["Cakupan (UCJ)"] == 15.0 == page["coverage_pct"]
    assert found["Target"] == 43.92
    assert found["Peserta yang masih dibutuhkan untuk target"] == 12
    assert isinstance(found["Peserta aktif"], int)
    ranking = cell_values(sheet(book, "Peringkat wilayah di bawahnya"))
    cerme = next(r for r in ranking if r[2] == "CERME" or (r[2] or "").upper() == "CERME")
    assert cerme[0] == 1 and cerme[3] == 5
    trend = cell_values(sheet(book, "Tren per bulan"))
    assert [r[1] for r in trend[1:]][-3:] == [6, 6, 6]


def test_coverage_pdf_prints_key_figures_parameters_and_the_chart(gresik_members, gresik_regency_operator):
    run = request_report(Access(gresik_regency_operator), "coverage",
                         {"region": "3525", "period": "2025-03", "format": "pdf"})
    data = run_bytes(run)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "15,00 %" in text and "43,92 %" in text and "2025-03" in text
    assert "Dibuat" in text  # the generation time is printed
    assert "CERME" in text.upper()


def test_coverage_pdf_in_english_uses_english_number_format(gresik_members, national_admin):
    run = request_report(Access(national_admin), "coverage", {"region": "3525", "period": "2025-03",
                                                              "format": "pdf"}, language="en")
    text = pdf_text(run_bytes(run))
    assert "15.00 %" in text and "Active members" in text


def test_every_generation_and_download_is_audited(gresik_members, gresik_regency_operator):
    access = Access(gresik_regency_operator)
    run = request_report(access, "coverage", {"region": "3525", "period": "2025-03", "format": "xlsx"})
    entries = AuditEntry.objects.filter(target_type="reports.reportrun", target_id=str(run.pk))
    assert entries.count() == 1 and entries[0].actor == gresik_regency_operator
    assert entries[0].changes["params"]["region"] == "3525"


def test_worker_list_keeps_nik_as_text_and_names_as_names(gresik_members, gresik_regency_operator):
    create_worker(DADAPKUNING, serial=9, name="=HYPERLINK(\"http://x\")")
    run = request_report(Access(gresik_regency_operator), "workers", {"region": "352511", "format": "xlsx"})
    book = read_xlsx(run_bytes(run))
    ws = sheet(book, "Pekerja")
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 6  # 5 in Cerme + the one added
    niks = {r[0].value for r in rows}
    assert gresik_members["dadap"][0].nik in niks
    assert all(r[0].data_type == "s" and len(r[0].value) == 16 for r in rows)
    odd = next(r for r in rows if r[1].value.startswith("="))
    assert odd[1].data_type == "s" and odd[1].value == "=HYPERLINK(\"http://x\")"
    incomes = {r[9].value for r in rows}
    assert incomes == {1_000_000}


def test_agent_worker_list_holds_only_own_registrations(gresik_members, cerme_agent):
    mine = create_worker(DADAPKUNING, serial=10, registered_by=cerme_agent)
    run = request_report(Access(cerme_agent), "workers", {"region": "352511", "format": "xlsx"})
    rows = list(sheet(read_xlsx(run_bytes(run)), "Pekerja").iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [mine.nik]


def test_cli_writes_the_report(gresik_members, tmp_path):
    out = tmp_path / "gresik.pdf"
    result = CliRunner().invoke(main, ["report", "coverage", "--region", "3525", "--period", "2025-03",
                                       "--format", "pdf", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["file"] == str(out)
    assert "15,00 %" in pdf_text(out.read_bytes())


def test_cli_refuses_unknown_region(db):
    result = CliRunner().invoke(main, ["report", "coverage", "--region", "9999", "--period", "2025-03"])
    assert result.exit_code != 0 and "9999" in result.output


def test_api_request_and_fetch(gresik_members, gresik_branch_officer):
    client = Client()
    client.force_login(gresik_branch_officer)
    listed = client.get("/api/v1/reports").json()
    assert {r["name"] for r in listed} >= {"coverage", "workers"}
    response = client.post("/api/v1/reports/coverage", {"region": "3525", "period": "2025-03", "format": "xlsx"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "done"
    file = client.get(body["file"])
    assert file.status_code == 200
    found = figures_of(read_xlsx(b"".join(file.streaming_content)))
    assert found["Cakupan (UCJ)"] == 15.0


def test_api_explains_bad_parameters(gresik_members, gresik_branch_officer):
    client = Client()
    client.force_login(gresik_branch_officer)
    response = client.post("/api/v1/reports/coverage", {"region": "3525", "period": "March", "format": "xlsx"},
                           content_type="application/json")
    assert response.status_code == 422
    assert "YYYY-MM" in response.json()["detail"] or "TTTT-BB" in response.json()["detail"]


def test_page_lists_reports_generates_and_downloads(gresik_members, gresik_regency_operator):
    client = Client()
    client.force_login(gresik_regency_operator)
    page = client.get("/reports/")
    assert page.status_code == 200 and b"report-coverage" in page.content
    response = client.post("/reports/new/coverage/", {"region": "3525", "period": "2025-03", "format": "pdf",
                                                      "target": ""})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    detail = client.get(response["Location"])
    assert b"report-download" in detail.content
    file = client.get(f"/reports/{run.pk}/download/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    history = client.get("/reports/")
    assert f"/reports/{run.pk}/download/".encode() in history.content


def test_large_report_waits_for_the_background_worker(gresik_members, gresik_regency_operator):
    access = Access(gresik_regency_operator)
    run = request_report(access, "workers", {"region": "3525", "format": "xlsx"}, background=True)
    assert run.status == "queued" and not run.file
    assert run_next("test-worker") is True
    run.refresh_from_db()
    assert run.status == "done" and run.rows_done == 6
    assert run_next("test-worker") is False


def test_someone_elses_report_cannot_be_fetched(gresik_members, gresik_regency_operator, gresik_branch_officer):
    run = request_report(Access(gresik_regency_operator), "coverage",
                         {"region": "3525", "period": "2025-03", "format": "xlsx"})
    client = Client()
    client.force_login(gresik_branch_officer)
    assert client.get(f"/reports/{run.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/reports/runs/{run.pk}/file").status_code == 404


def test_generated_at_is_jakarta_time(gresik_members, national_admin):
    run = request_report(Access(national_admin), "coverage", {"region": "3525", "period": "2025-03",
                                                              "format": "xlsx"})
    rows = cell_values(read_xlsx(run_bytes(run)).worksheets[0])
    stamp = next(r[1] for r in rows if r[0] == "Dibuat")
    assert str(dt.date.today().year) in stamp or str(dt.date.today().year + 1) in stamp


def test_report_page_and_api_show_the_same_coverage(gresik_members, gresik_branch_officer):
    client = Client()
    client.force_login(gresik_branch_officer)
    api = client.get("/api/v1/coverage/indicators?region=3525&month=2025-03").json()
    page = client.get("/coverage/region/3525/?month=2025-03").content.decode()
    run = request_report(Access(gresik_branch_officer), "coverage",
                         {"region": "3525", "period": "2025-03", "format": "xlsx"})
    found = figures_of(read_xlsx(run_bytes(run)))
    assert found["Peserta aktif"] == api["active"] == 6
    assert found["Cakupan (UCJ)"] == api["coverage_pct"] == 15.0
    assert 'id="active-members">6<' in page and "15,00 %" in page
