"""The donor's impact letter and the claims report: the funder's own figures, masked NIKs, scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.impact import funder_paid
from lindung.claims import workflow
from lindung.claims.documents import upload_document
from lindung.claims.events import confirm_event, report_event
from lindung.claims.heirs import add_family_member
from lindung.reports.services import ReportRefused, request_report

from .billing_support import funder, month
from .claims_support import SUKABUMI_VILLAGE, pay_on_time, pdf
from .conftest import create_worker, make_user
from .reports_support import cell_values, gresik_members, pdf_text, read_xlsx  # noqa: F401

pytestmark = pytest.mark.django_db


def file_bytes(run) -> bytes:
    assert run.status == "done", run.error
    with run.file.open("rb") as f:
        return f.read()


def test_donor_letter_prints_the_funders_own_figures_with_masked_niks(gresik_members, csr_funder, csr_donor_user):
    run = request_report(Access(csr_donor_user), "donor", {"year": 2025, "format": "pdf"})
    text = pdf_text(file_bytes(run))
    figures = funder_paid(Access(csr_donor_user), csr_funder, year=2025)
    # Lengkong's two workers, paid by the company for January–March 2025.
    assert (figures["workers"], figures["worker_months"]) == (2, 6)
    assert "PT Sinar Gresik Lestari" in text
    assert f"Rp{figures['amount']:,}".replace(",", ".") in text
    for worker in gresik_members["lengkong"]:
        assert worker.masked_nik in text and worker.nik not in text
    assert "Pekerja 1" not in text  # Dadapkuning's workers are paid by others


def test_national_admin_writes_the_same_letter_for_a_funder(gresik_members, csr_funder, national_admin,
                                                            csr_donor_user):
    run = request_report(Access(national_admin), "donor", {"year": 2025, "funder": csr_funder.pk, "format": "pdf"})
    text = pdf_text(file_bytes(run))
    amount = funder_paid(Access(csr_donor_user), csr_funder, year=2025)["amount"]
    assert f"Rp{amount:,}".replace(",", ".") in text
    assert gresik_members["lengkong"][0].nik not in text


def test_donor_letter_needs_a_company_or_donor(gresik_members, national_admin):
    with pytest.raises(ReportRefused):
        request_report(Access(national_admin), "donor", {"year": 2025, "format": "pdf"})


@pytest.mark.parametrize("role", ["gresik_regency_operator", "cerme_agent", "gresik_branch_officer"])
def test_donor_letter_refused_for_other_roles(request, gresik_members, role):
    with pytest.raises(PermissionDenied):
        request_report(Access(request.getfixturevalue(role)), "donor", {"year": 2025, "format": "pdf"})


@pytest.fixture
def sukabumi_claim(db, settings, tmp_path):
    """One JKM claim paid (Rp42.000.000, 20 March 2025) for a worker a company funds, one still open."""
    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    donor = funder("company", "PT Peduli Sukabumi (CSR)", "3202")
    regency = funder("regency", "Pemkab Sukabumi", "3202")
    funded = create_worker(SUKABUMI_VILLAGE, serial=71, name="Dibiayai Donor")
    public = create_worker(SUKABUMI_VILLAGE, serial=72, name="Dibiayai Pemkab")
    pay_on_time(donor, [funded], start=month("2025-01"), months=3)
    pay_on_time(regency, [public], start=month("2025-01"), months=3)
    users = {"desa": make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE]),
             "cabang": make_user("cabang.smi", "branch_officer", ["3202"]),
             "cabang2": make_user("cabang.smi2", "branch_officer", ["3202"]),
             "donor": make_user("csr.peduli", "funder_user", funder=donor),
             "pemprov_jambi": make_user("pemprov.jambi", "regional_operator", ["15"])}
    desa, cabang, cabang2 = Access(users["desa"]), Access(users["cabang"]), Access(users["cabang2"])
    claims = []
    for worker in (funded, public):
        event = report_event(desa, worker, kind="death", date=dt.date(2025, 3, 10), today=dt.date(2025, 3, 12))
        confirm_event(cabang, event)
        wife = add_family_member(desa, worker, name=f"Istri {worker.name}", relationship="spouse",
                                 birth_date=dt.date(1980, 1, 1))
        claim = workflow.open_claim(desa, event, "jkm", heir=wife, payee=wife, bank_account="123",
                                    today=dt.date(2025, 3, 12))
        for kind in ["death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"]:
            upload_document(desa, claim, kind=kind, upload=pdf())
        claims.append(claim)
    workflow.verify(cabang, claims[0])
    workflow.submit(cabang2, claims[0])
    workflow.record_paid(cabang2, claims[0], amount=42_000_000, paid_on=dt.date(2025, 3, 20), reference="JKM-1")
    return users


@pytest.mark.parametrize("user, families, amount", [("cabang", 1, 42_000_000), ("donor", 1, 42_000_000),
                                                     ("pemprov_jambi", 0, 0)])
def test_claims_report_counts_the_benefits_the_user_may_see(sukabumi_claim, user, families, amount):
    region = "" if user in ("donor", "pemprov_jambi") else "3202"
    if user == "pemprov_jambi":
        region = "15"
    run = request_report(Access(sukabumi_claim[user]), "claims", {"region": region, "year": 2025, "format": "xlsx"})
    rows = cell_values(read_xlsx(file_bytes(run)).worksheets[0])
    found = {r[0]: r[1] for r in rows if r and r[0]}
    assert found["Keluarga penerima manfaat"] == families
    assert found["Manfaat dibayar"] == amount


def test_claims_report_refused_for_agents(sukabumi_claim):
    agent = make_user("agen.smi", "agent", ["3202"])
    with pytest.raises(PermissionDenied):
        request_report(Access(agent), "claims", {"region": "3202", "year": 2025, "format": "pdf"})
