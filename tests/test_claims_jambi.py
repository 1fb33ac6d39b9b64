"""Seed 002, Jambi: the governor hands death benefits and scholarships to 6 heirs of workers the
province's BKBK grant put under cover — walked end to end through the services."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.claims import workflow
from lindung.claims.documents import upload_document
from lindung.claims.events import confirm_event, report_event
from lindung.claims.heirs import add_family_member
from lindung.claims.stats import paid_statistics
from lindung.funding.budget import summary
from lindung.funding.models import Budget

from .billing_support import funder, month
from .claims_support import JAMBI_VILLAGE, pay_on_time, pdf
from .conftest import create_worker, make_user

pytestmark = pytest.mark.django_db

JKM = 42_000_000          # RULES.md §4
JKK_DEATH = 70_000_000    # 48 × Rp1,000,000 + Rp10,000,000 funeral + Rp12,000,000 periodic
MONTHLY = 16_800          # RULES.md §3


def test_six_heirs_of_bkbk_funded_workers_receive_their_benefits(db):
    province = funder("province", "Pemerintah Provinsi Jambi", "15")
    Budget.objects.create(funder=province, fiscal_year=2025, source="apbd-province", amount=100_000_000)
    workers = [create_worker(JAMBI_VILLAGE, serial=100 + i, name=f"Pekerja Jambi {i}") for i in range(8)]
    pay_on_time(province, workers, start=month("2025-01"), months=12)
    assert summary(Budget.objects.get(funder=province))["committed"] == 8 * 12 * MONTHLY

    maker = Access(make_user("cabang.jambi", "branch_officer", ["1501"]))
    checker = Access(make_user("cabang.jambi.2", "branch_officer", ["1501"]))
    pemprov = Access(make_user("pemprov.jambi", "regional_operator", ["15"]))
    for i, worker in enumerate(workers[:6]):
        work_accident = i >= 4
        died = dt.date(2025, 3 + i, 10)
        event = report_event(maker, worker, kind="death", date=died,
                             cause="work_accident" if work_accident else "not_work", today=dt.date(2025, 10, 1))
        confirm_event(maker, event)
        wife = add_family_member(maker, worker, name=f"Istri {i}", relationship="spouse",
                                 birth_date=dt.date(1985, 1, 1))
        kind = "jkk_death" if work_accident else "jkm"
        claim = workflow.open_claim(maker, event, kind, heir=wife, payee=wife, bank_account="0123456",
                                    bank_name="Bank Jambi", today=dt.date(2025, 10, 1))
        documents = ["death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"]
        for kind_code in documents + (["accident_report"] if work_accident else []):
            upload_document(maker, claim, kind=kind_code, upload=pdf())
        workflow.verify(maker, claim, today=dt.date(2025, 10, 1))
        workflow.submit(checker, claim)
        workflow.record_paid(checker, claim, amount=claim.expected_amount, paid_on=dt.date(2025, 10, 10),
                             reference=f"GUB-JMB-{i}")
        if work_accident:   # through JKK a scholarship needs no minimum of contribution months
            child = add_family_member(maker, worker, name=f"Anak {i}", relationship="child",
                                      birth_date=dt.date(2016, 1, 1), school_level="sd", year_in_level=4)
            scholarship = workflow.open_claim(maker, event, "scholarship", child=child, payee=wife,
                                              bank_account="0123456", today=dt.date(2025, 10, 1))
            for kind_code in ("family_card", "heir_ktp", "savings_book"):
                upload_document(maker, scholarship, kind=kind_code, upload=pdf())
            workflow.verify(maker, scholarship, today=dt.date(2025, 10, 1))
            workflow.submit(checker, scholarship)
            workflow.record_paid(checker, scholarship, amount=1_500_000, paid_on=dt.date(2025, 10, 10),
                                 reference=f"GUB-JMB-BS-{i}")

    stats = paid_statistics(pemprov, "15", 2025)
    assert stats["families"] == 6
    assert stats["by_programme"] == {"jkm": 4 * JKM, "jkk_death": 2 * JKK_DEATH, "scholarship": 2 * 1_500_000}
    assert stats["amount"] == 4 * JKM + 2 * JKK_DEATH + 2 * 1_500_000
    assert {r["region_code"] for r in stats["rows"]} == {"1501"}
    # The province's commitment for the months after each death is released: deaths in March–August
    # keep 3, 4, 5, 6, 7 and 8 months; the two survivors keep all 12.
    assert summary(Budget.objects.get(funder=province))["committed"] == (3 + 4 + 5 + 6 + 7 + 8 + 24) * MONTHLY
