"""Who may generate which report, and what each role's report holds: role × report matrix."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from lindung.accounts.access import Access
from lindung.coverage.indicators import indicators
from lindung.reports.services import ReportRefused, request_report

from .conftest import DADAPKUNING
from .reports_support import MARCH, cell_values, gresik_members, read_xlsx, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def xlsx_of(run):
    with run.file.open("rb") as f:
        return read_xlsx(f.read())


def active_in(book) -> int:
    rows = cell_values(book.worksheets[0])
    return next(r[1] for r in rows if r[0] == "Peserta aktif")


@pytest.mark.parametrize("role, region, expected", [
    ("national_admin", "3525", 6),
    ("gresik_branch_officer", "3525", 6),
    ("gresik_regency_operator", "3525", 6),
    ("gresik_regency_operator", "352511", 5),
    ("dadapkuning_operator", DADAPKUNING, 3),
])
def test_coverage_report_for_each_role_that_may_generate_it(request, gresik_members, role, region, expected):
    user = request.getfixturevalue(role)
    access = Access(user)
    run = request_report(access, "coverage", {"region": region, "period": "2025-03", "format": "xlsx"})
    assert run.status == "done", run.error
    assert active_in(xlsx_of(run)) == expected == indicators(region, MARCH, access)["active"]


@pytest.mark.parametrize("role", ["csr_donor_user", "cerme_agent"])
def test_coverage_report_refused_for_roles_without_regional_statistics(request, gresik_members, role):
    access = Access(request.getfixturevalue(role))
    with pytest.raises(PermissionDenied):
        request_report(access, "coverage", {"region": "3525", "period": "2025-03", "format": "pdf"})


@pytest.mark.parametrize("role, region", [
    ("jambi_province_operator", "3525"),      # another province
    ("dadapkuning_operator", "352511"),       # the district above the village
    ("gresik_regency_operator", "35"),        # the province above the regency
    ("gresik_branch_officer", ""),            # Indonesia
])
def test_region_outside_the_users_area_is_refused(request, gresik_members, role, region):
    access = Access(request.getfixturevalue(role))
    with pytest.raises(ReportRefused) as refused:
        request_report(access, "coverage", {"region": region, "period": "2025-03", "format": "xlsx"})
    assert "wilayah" in str(refused.value)


def test_worker_list_refused_for_funder_users(gresik_members, csr_donor_user):
    with pytest.raises(PermissionDenied):
        request_report(Access(csr_donor_user), "workers", {"region": "3525", "format": "xlsx"})


@pytest.mark.parametrize("role, region, expected", [
    ("national_admin", "3525", 6), ("gresik_regency_operator", "3525", 6), ("dadapkuning_operator", DADAPKUNING, 3),
])
def test_worker_list_holds_the_users_workers_only(request, gresik_members, role, region, expected):
    run = request_report(Access(request.getfixturevalue(role)), "workers", {"region": region, "format": "xlsx"})
    rows = list(sheet(xlsx_of(run), "Pekerja").iter_rows(min_row=2, values_only=True))
    assert len(rows) == expected
    assert all(r[4].startswith(region) for r in rows)


def test_reports_page_offers_only_the_users_reports(gresik_members, csr_donor_user, gresik_regency_operator):
    client = Client()
    client.force_login(csr_donor_user)
    page = client.get("/reports/")
    assert page.status_code == 200 and b"report-coverage" not in page.content
    assert client.post("/reports/new/coverage/", {"region": "3525", "period": "2025-03",
                                                  "format": "pdf"}).status_code == 403
    assert client.post("/api/v1/reports/coverage", {"region": "3525", "period": "2025-03", "format": "pdf"},
                       content_type="application/json").status_code == 403
    client.force_login(gresik_regency_operator)
    assert b"report-coverage" in client.get("/reports/").content
