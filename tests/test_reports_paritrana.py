"""The Paritrana evidence pack and the regulations a region enters for it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.coverage.indicators import trend
from lindung.errors import InvalidInput
from lindung.funding import budget as budgets
from lindung.funding.models import Budget, Funder
from lindung.reports.models import Regulation
from lindung.reports.regulations import add_regulation
from lindung.reports.services import ReportRefused, request_report

from .reports_support import cell_values, gresik_members, pdf_text, read_xlsx, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def file_bytes(run) -> bytes:
    assert run.status == "done", run.error
    with run.file.open("rb") as f:
        return f.read()


@pytest.fixture
def gresik_evidence(gresik_members, gresik_regency_operator):
    regency = Funder.objects.get(name="Pemerintah Kabupaten Gresik")
    budget = Budget.objects.create(funder=regency, fiscal_year=2025, source="apbd-regency", amount=10_000_000)
    add_regulation(Access(gresik_regency_operator), region_code="3525", kind="perbup", number="12 Tahun 2024",
                   title="Perlindungan Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan",
                   issued_on=dt.date(2024, 11, 4))
    return budget


def test_pack_prints_regulations_budget_and_coverage(gresik_evidence, gresik_regency_operator):
    access = Access(gresik_regency_operator)
    run = request_report(access, "paritrana", {"region": "3525", "year": 2025, "format": "pdf"})
    text = pdf_text(file_bytes(run))
    assert "12 Tahun 2024" in text and "Pekerja Rentan" in text
    summary = budgets.summary(gresik_evidence)
    assert "Rp10.000.000" in text and f"Rp{summary['spent']:,}".replace(",", ".") in text
    assert "43,92 %" in text


def test_pack_xlsx_trend_is_the_coverage_service(gresik_evidence, national_admin):
    access = Access(national_admin)
    run = request_report(access, "paritrana", {"region": "3525", "year": 2025, "format": "xlsx"})
    book = read_xlsx(file_bytes(run))
    regulations = cell_values(sheet(book, "Peraturan"))
    assert regulations[1][2] == "12 Tahun 2024"
    found = {r[0]: r[1] for r in cell_values(book.worksheets[0]) if r and r[0]}
    assert found["Peraturan yang diterbitkan"] == 1 and found["Anggaran untuk iuran"] == 10_000_000
    march = next(t for t in trend("3525", [dt.date(2025, 3, 1)], access))
    assert march["active"] == 6  # the scenario: six Gresik members paid in March 2025


def test_pack_only_for_a_province_or_regency_in_the_users_area(gresik_evidence, gresik_regency_operator,
                                                               jambi_province_operator, csr_donor_user):
    with pytest.raises(ReportRefused):
        request_report(Access(gresik_regency_operator), "paritrana", {"region": "352511", "year": 2025,
                                                                      "format": "pdf"})
    with pytest.raises(ReportRefused):
        request_report(Access(jambi_province_operator), "paritrana", {"region": "3525", "year": 2025,
                                                                      "format": "pdf"})
    with pytest.raises(PermissionDenied):
        request_report(Access(csr_donor_user), "paritrana", {"region": "3525", "year": 2025, "format": "pdf"})


def test_regulations_entered_on_the_page_and_the_api_are_audited(gresik_members, gresik_regency_operator):
    client = Client()
    client.force_login(gresik_regency_operator)
    response = client.post("/reports/regulations/", {"region_code": "3525", "kind": "perda", "number": "3/2023",
                                                     "title": "Jaminan sosial", "issued_on": "2023-05-02"})
    assert response.status_code == 302
    api = client.post("/api/v1/reports/regulations", {"region_code": "3525", "kind": "instruksi", "number": "1/2025",
                                                      "title": "Instruksi Bupati", "issued_on": "2025-01-10"},
                      content_type="application/json")
    assert api.status_code == 201, api.content
    assert Regulation.objects.filter(region_id="3525").count() == 2
    assert AuditEntry.objects.filter(target_type="reports.regulation", action="create").count() == 2
    listed = client.get("/api/v1/reports/regulations").json()
    assert {r["number"] for r in listed} == {"3/2023", "1/2025"}
    row = Regulation.objects.get(number="3/2023")
    assert client.delete(f"/api/v1/reports/regulations/{row.pk}").status_code == 204
    assert AuditEntry.objects.filter(target_type="reports.regulation", action="delete").count() == 1


def test_regulations_refused_outside_the_area_and_for_other_roles(gresik_members, jambi_province_operator,
                                                                  gresik_branch_officer):
    with pytest.raises(InvalidInput):
        add_regulation(Access(jambi_province_operator), region_code="3525", kind="perda", number="1",
                       title="x", issued_on=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        add_regulation(Access(gresik_branch_officer), region_code="3525", kind="perda", number="1",
                       title="x", issued_on=dt.date(2025, 1, 1))
    client = Client()
    client.force_login(gresik_branch_officer)
    assert client.post("/api/v1/reports/regulations", {"region_code": "3525", "kind": "perda", "number": "1",
                                                       "title": "x", "issued_on": "2025-01-01"},
                       content_type="application/json").status_code == 403
