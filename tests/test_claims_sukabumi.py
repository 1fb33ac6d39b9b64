"""Seed 003, Sukabumi: a vulnerable worker with over 3 years of contributions dies; his heirs receive
JKM Rp42 million and his two children scholarships — walked end to end through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.claims import workflow
from lindung.claims.documents import open_document, upload_document
from lindung.claims.errors import ClaimError
from lindung.claims.events import confirm_event, report_event
from lindung.claims.heirs import add_family_member
from lindung.claims.models import ClaimState, ScholarshipYear
from lindung.claims.scholarships import record_year_paid, renewals_due, stop

from .billing_support import funder, month
from .claims_support import PDF, SUKABUMI_VILLAGE, pay_on_time, pdf
from .conftest import create_worker, make_user

pytestmark = pytest.mark.django_db

JKM_DOCUMENTS = ["death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"]


@pytest.fixture
def users(db):
    return {
        "desa": make_user("desa.palabuhanratu", "village_operator", [SUKABUMI_VILLAGE]),
        "maker": make_user("cabang.sukabumi.1", "branch_officer", ["3202"]),
        "checker": make_user("cabang.sukabumi.2", "branch_officer", ["3202"]),
        "pemkab": make_user("pemkab.sukabumi", "regional_operator", ["3202"]),
        "other_branch": make_user("cabang.gresik", "branch_officer", ["3525"]),
    }


@pytest.fixture
def worker(db):
    """Paid on time by the regency from January 2022 to May 2025: 41 contribution months."""
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    w = create_worker(SUKABUMI_VILLAGE, serial=41, name="Dede Suryana", birth=dt.date(1982, 4, 2))
    pay_on_time(payer, [w], start=month("2022-01"), months=41)
    return w


@pytest.fixture
def family(worker, users):
    access = Access(users["desa"])
    return {
        "wife": add_family_member(access, worker, name="Neneng", relationship="spouse", nik="3202014505850001",
                                  birth_date=dt.date(1985, 5, 5)),
        "mother": add_family_member(access, worker, name="Enok", relationship="parent",
                                    birth_date=dt.date(1960, 1, 1)),
        "rina": add_family_member(access, worker, name="Rina", relationship="child", birth_date=dt.date(2016, 8, 1),
                                  school_level="sd", year_in_level=3),
        "ujang": add_family_member(access, worker, name="Ujang", relationship="child",
                                   birth_date=dt.date(2020, 9, 1), school_level="tk", year_in_level=1),
    }


def test_sukabumi_jkm_from_report_to_payment(worker, family, users):
    desa, maker, checker = (Access(users[k]) for k in ("desa", "maker", "checker"))
    death = report_event(desa, worker, kind="death", date=dt.date(2025, 5, 12), cause="not_work",
                         place="Palabuhanratu", today=dt.date(2025, 5, 14))
    claim = workflow.open_claim(desa, death, "jkm", heir=family["wife"], payee=family["wife"], bank_name="BRI",
                                bank_account="0123-01-000123-50-1", account_holder="Neneng",
                                today=dt.date(2025, 5, 14))
    assert claim.state == ClaimState.DRAFT and claim.expected_amount == 42_000_000
    assert claim.eligibility["reasoning"] == "aktif pada 12 Mei 2025; 41 bulan iuran; beasiswa memenuhi syarat"

    # The mother comes after the wife and children: not the entitled heir.
    with pytest.raises(ClaimError):
        workflow.open_claim(desa, death, "jkm", heir=family["mother"], today=dt.date(2025, 5, 14))

    for kind in JKM_DOCUMENTS:
        upload_document(desa, claim, kind=kind, upload=pdf(f"{kind}.pdf"))
    claim.refresh_from_db()
    assert claim.state == ClaimState.DOCUMENTS_COMPLETE

    # Verification waits for the death to be confirmed.
    with pytest.raises(ClaimError):
        workflow.verify(maker, claim)
    confirm_event(maker, death)
    workflow.return_for_documents(maker, claim, note="Surat keterangan ahli waris belum ditandatangani")
    claim.refresh_from_db()
    assert claim.state == ClaimState.DOCUMENTS_MISSING
    upload_document(desa, claim, kind="heir_statement", upload=pdf("ahli-waris-ttd.pdf"))
    claim.refresh_from_db()
    assert claim.state == ClaimState.DOCUMENTS_COMPLETE

    with pytest.raises(PermissionDenied):
        workflow.verify(desa, claim)
    workflow.verify(maker, claim)
    with pytest.raises(ClaimError):   # maker–checker: not the verifier
        workflow.submit(maker, claim)
    workflow.submit(checker, claim)
    claim.refresh_from_db()
    assert claim.snapshot["worker"]["name"] == "Dede Suryana"
    assert claim.snapshot["cover"]["contribution_months"] == 41

    # Later registry edits do not change the submitted claim.
    worker.name = "Dede Suryana Putra"
    worker.save()
    claim.refresh_from_db()
    assert claim.snapshot["worker"]["name"] == "Dede Suryana"

    workflow.record_paid(checker, claim, amount=42_000_000, paid_on=dt.date(2025, 5, 20), reference="JKM-3202-0001")
    claim.refresh_from_db()
    assert (claim.state, claim.paid_amount, claim.bpjs_reference) == (ClaimState.PAID, 42_000_000, "JKM-3202-0001")
    steps = list(claim.steps.values_list("to_state", "by__username"))
    assert steps[0] == ("draft", "desa.palabuhanratu")
    assert ("verified", "cabang.sukabumi.1") in steps and ("submitted", "cabang.sukabumi.2") in steps
    assert steps[-1] == ("paid", "cabang.sukabumi.2")


def test_sukabumi_two_children_receive_scholarships_year_by_year(worker, family, users):
    desa, maker, checker = (Access(users[k]) for k in ("desa", "maker", "checker"))
    death = report_event(desa, worker, kind="death", date=dt.date(2025, 5, 12), today=dt.date(2025, 5, 14))
    confirm_event(maker, death)
    claims = {}
    for child in ("rina", "ujang"):
        claim = workflow.open_claim(desa, death, "scholarship", child=family[child], payee=family["wife"],
                                    bank_name="BRI", bank_account="012301000123501", today=dt.date(2025, 5, 14))
        for kind in ("family_card", "heir_ktp", "savings_book"):
            upload_document(desa, claim, kind=kind, upload=pdf())
        upload_document(desa, claim, kind="enrolment_letter", year=2025, upload=pdf())
        workflow.verify(maker, claim)
        workflow.submit(checker, claim)
        claims[child] = claim
    # Rina: SD year 3 in 2025 → SD 3–6 (4 × 1.5), SMP 3 × 2, SMA 3 × 3, university 5 × 12 million.
    assert claims["rina"].expected_amount == 4 * 1_500_000 + 3 * 2_000_000 + 3 * 3_000_000 + 5 * 12_000_000
    # Ujang: TK from year 1 — the whole path, Rp87 million.
    assert claims["ujang"].expected_amount == 87_000_000
    first = ScholarshipYear.objects.get(claim=claims["rina"], year=2025)
    assert (first.level, first.amount) == ("sd", 1_500_000)

    workflow.record_paid(checker, claims["rina"], amount=1_500_000, paid_on=dt.date(2025, 6, 2), reference="BS-1")
    workflow.record_paid(checker, claims["ujang"], amount=1_500_000, paid_on=dt.date(2025, 6, 2), reference="BS-2")
    due = list(renewals_due(checker, 2026, "3202"))
    assert sorted(r.claim.child.name for r in due) == ["Rina", "Ujang"]
    assert list(renewals_due(Access(users["other_branch"]), 2026)) == []

    second = ScholarshipYear.objects.get(claim=claims["rina"], year=2026)
    with pytest.raises(ClaimError):  # no payment without that year's evidence
        record_year_paid(checker, second, paid_on=dt.date(2026, 6, 1))
    upload_document(desa, claims["rina"], kind="enrolment_letter", year=2026, upload=pdf())
    record_year_paid(checker, second, paid_on=dt.date(2026, 6, 1))
    assert [r.claim.child.name for r in renewals_due(checker, 2026)] == ["Ujang"]

    # Rina marries at 19: no payments from 2035 on.
    stopped = stop(desa, claims["rina"], reason="married", from_year=2035)
    assert stopped == ScholarshipYear.objects.filter(claim=claims["rina"], year__gte=2035).count() > 0
    assert not ScholarshipYear.objects.filter(claim=claims["rina"], year__gte=2035).exclude(state="stopped").exists()
    with pytest.raises(ClaimError):
        stop(desa, claims["ujang"], reason="moved away", from_year=2030)


def test_documents_are_checked_by_content_and_every_view_is_audited(worker, family, users, settings, tmp_path):
    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    settings.CLAIMS_DOCUMENT_MAX_BYTES = 1000
    desa = Access(users["desa"])
    death = report_event(desa, worker, kind="death", date=dt.date(2025, 5, 12), today=dt.date(2025, 5, 14))
    claim = workflow.open_claim(desa, death, "jkm", heir=family["wife"], today=dt.date(2025, 5, 14))
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ClaimError):  # a text file named .pdf
        upload_document(desa, claim, kind="family_card",
                        upload=SimpleUploadedFile("kk.pdf", b"not really a pdf", content_type="application/pdf"))
    with pytest.raises(ClaimError):  # too large
        upload_document(desa, claim, kind="family_card", upload=SimpleUploadedFile("kk.pdf", PDF + b"0" * 2000))
    with pytest.raises(ClaimError):  # not on the checklist
        upload_document(desa, claim, kind="report_card", upload=pdf())
    document = upload_document(desa, claim, kind="family_card", upload=pdf("kk.pdf"))
    stored = list(tmp_path.rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == PDF and "kk" not in stored[0].name

    row, content = open_document(Access(users["maker"]), document.pk)
    assert content == PDF and row.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="view", target_type="claims.claimdocument",
                                     target_id=str(document.pk), actor=users["maker"]).count() == 1
    for outsider in ("pemkab", "other_branch"):
        with pytest.raises(PermissionDenied):
            open_document(Access(users[outsider]), document.pk)


def test_a_death_during_a_lapse_is_refused_with_the_reason(users, db):
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    w = create_worker(SUKABUMI_VILLAGE, serial=42, name="Asep")
    pay_on_time(payer, [w], start=month("2024-01"), months=6)  # paid January–June 2024, nothing after
    desa = Access(users["desa"])
    death = report_event(desa, w, kind="death", date=dt.date(2024, 11, 3), today=dt.date(2024, 11, 5))
    claim = workflow.open_claim(desa, death, "jkm", today=dt.date(2024, 11, 5))
    assert claim.expected_amount == 0
    assert [r["code"] for r in claim.eligibility["reasons"]] == ["membership_inactive"]
    assert claim.eligibility["reasoning"].startswith("tidak aktif pada 3 November 2024")
    workflow.withdraw(desa, claim, note="Kepesertaan tidak aktif pada tanggal meninggal")
    claim.refresh_from_db()
    assert claim.state == ClaimState.WITHDRAWN
