"""Budget, hand-over and member-card reports: figures from the funding services, scoped, on paper."""

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.funding import budget as budgets
from lindung.funding.models import Budget, Funder, Sponsorship
from lindung.funding.impact import graduation_report
from lindung.reports.services import request_report

from .billing_support import funder, month, sponsor
from .conftest import create_worker
from .reports_support import cell_values, gresik_members, pdf_text, read_xlsx, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


def file_bytes(run) -> bytes:
    assert run.status == "done", run.error
    with run.file.open("rb") as f:
        return f.read()


def figures(book) -> dict:
    rows = cell_values(book.worksheets[0])
    start = next(i for i, r in enumerate(rows) if r[0] == "Angka")
    return {r[0]: r[1] for r in rows[start + 1:] if r and r[0]}


@pytest.fixture
def gresik_budget(gresik_members):
    regency = Funder.objects.get(name="Pemerintah Kabupaten Gresik")
    return Budget.objects.create(funder=regency, fiscal_year=2025, source="apbd-regency", amount=10_000_000)


def test_budget_report_matches_the_funder_pages_summary(gresik_budget, gresik_regency_operator):
    run = request_report(Access(gresik_regency_operator), "budget", {"year": 2025, "format": "xlsx"})
    book = read_xlsx(file_bytes(run))
    summary = budgets.summary(gresik_budget)
    lines = cell_values(sheet(book, "Baris anggaran"))
    header, rows = lines[0], lines[1:]
    row = next(r for r in rows if r[0] == "Pemerintah Kabupaten Gresik")
    as_dict = dict(zip(header, row))
    assert as_dict["Alokasi"] == 10_000_000 == summary["amount"]
    assert as_dict["Dicadangkan"] == summary["committed"] > 0
    assert as_dict["Realisasi"] == summary["spent"] > 0
    assert as_dict["Pendanaan"] == 3  # Dadapkuning's two workers and Dukun's one
    assert figures(book)["Pagu"] == 10_000_000


def test_budget_report_for_a_funder_user_shows_only_its_funder(gresik_budget, csr_funder, csr_donor_user):
    Budget.objects.create(funder=csr_funder, fiscal_year=2025, source="csr", amount=5_000_000)
    run = request_report(Access(csr_donor_user), "budget", {"year": 2025, "format": "pdf"})
    text = pdf_text(file_bytes(run))
    assert "Rp5.000.000" in text and "Sinar" in text
    assert "Kabupaten Gresik" not in text and "Rp10.000.000" not in text


def test_budget_report_refused_for_agents(gresik_budget, cerme_agent):
    with pytest.raises(PermissionDenied):
        request_report(Access(cerme_agent), "budget", {"year": 2025, "format": "pdf"})


def test_handover_report_matches_the_graduation_service(gresik_members, csr_funder, national_admin):
    ended = Sponsorship.objects.filter(funder=csr_funder)
    ended.update(state="ended")
    worker = ended[0].worker
    self_payer = funder("self", worker.name, worker.village_id, worker=worker)
    follow = sponsor(self_payer, [worker], start=month("2025-07"), months=12)[0]
    ended.filter(worker=worker).update(continued_by=follow)
    access = Access(national_admin)
    run = request_report(access, "handover", {"region": "3525", "format": "xlsx"})
    book = read_xlsx(file_bytes(run))
    found = figures(book)
    # Lengkong's two CSR sponsorships ended; one worker continued paying himself → 50 %.
    assert found["Sponsor selesai"] == 2 and found["Lanjut membayar sendiri"] == 1
    assert found["Tingkat kelulusan"] == 50.0
    service = [r for r in graduation_report(access) if r["funder_id"] == csr_funder.pk]
    assert service[0]["rate_percent"] == 50.0


def test_member_cards_print_masked_nik_funder_and_cover_period(gresik_members, gresik_regency_operator):
    run = request_report(Access(gresik_regency_operator), "cards", {"region": "352511", "format": "pdf"})
    text = pdf_text(file_bytes(run))
    worker = gresik_members["lengkong"][0]
    assert worker.masked_nik in text and worker.nik not in text
    assert "PT Sinar Gresik Lestari" in text and "01/2025 – 06/2025" in text
    assert text.count("KARTU PESERTA") == 5  # Cerme's five members


def test_member_cards_refused_for_funder_users(gresik_members, csr_donor_user):
    with pytest.raises(PermissionDenied):
        request_report(Access(csr_donor_user), "cards", {"region": "", "format": "pdf"})


def test_member_card_qr_holds_the_status_page_address(gresik_members, settings):
    from lindung.reports.library.cards import status_url, status_urls

    settings.PUBLIC_URL = "https://lindung.gresikkab.go.id/"
    worker = create_worker("3525112001", serial=42)
    assert status_url(worker.pk) == f"https://lindung.gresikkab.go.id/coverage/workers/{worker.pk}/"
    assert status_urls()(worker.pk) == status_url(worker.pk)
