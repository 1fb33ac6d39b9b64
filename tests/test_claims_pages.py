"""The claims pages, driven as a village operator and two branch officers would (Django test client)."""

import datetime as dt

import pytest

from lindung.claims.models import Claim, LifeEvent

from .billing_support import funder, month
from .claims_support import SUKABUMI_VILLAGE, pay_on_time, pdf
from .conftest import create_worker, make_user

pytestmark = pytest.mark.django_db


def test_report_to_payment_through_the_pages(client, settings, tmp_path):
    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    worker = create_worker(SUKABUMI_VILLAGE, serial=81, name="Ujang Sopandi")
    pay_on_time(payer, [worker], start=month("2025-01"), months=3)
    desa = make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE])
    maker = make_user("cabang.1", "branch_officer", ["3202"])
    checker = make_user("cabang.2", "branch_officer", ["3202"])

    client.force_login(desa)
    assert "Klaim" in client.get("/").content.decode()   # the navigation entry
    detail = client.get(f"/workers/{worker.pk}/").content.decode()
    assert f"/claims/report/?nik={worker.nik}" in detail
    page = client.get("/claims/report/")
    assert page.status_code == 200
    r = client.post("/claims/report/", {"nik": worker.nik, "kind": "death", "date": "2025-03-10",
                                        "cause": "not_work", "place": "Rumah"})
    event = LifeEvent.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/claims/events/{event.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "aktif pada 10 Maret 2025; 3 bulan iuran" in page
    client.post(f"/claims/events/{event.pk}/family/", {"name": "Euis", "relationship": "spouse",
                                                      "birth_date": "1988-02-02", "school_level": "none"})
    wife = worker.family.get()
    r = client.post(f"/claims/events/{event.pk}/open/", {"kind": "jkm", "heir": wife.pk, "payee": wife.pk,
                                                         "bank_name": "BJB", "bank_account": "0011223344"})
    claim = Claim.objects.get()
    assert r["Location"] == f"/claims/{claim.pk}/"
    for kind in ("death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"):
        client.post(f"/claims/{claim.pk}/upload/", {"kind": kind, "file": pdf(f"{kind}.pdf")})
    r = client.post(f"/claims/{claim.pk}/upload/", {"kind": "family_card", "file": pdf("catatan.txt")})
    claim.refresh_from_db()
    assert claim.state == "documents_complete" and claim.documents.count() == 6

    client.force_login(maker)
    client.post(f"/claims/events/{event.pk}/confirm/", {"note": "Akta kematian diperiksa"})
    client.post(f"/claims/{claim.pk}/verify/")
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "diverifikasi" in page
    client.post(f"/claims/{claim.pk}/submit/")
    claim.refresh_from_db()
    assert claim.state == "verified"   # the verifier may not submit
    client.force_login(checker)
    client.post(f"/claims/{claim.pk}/submit/")
    client.post(f"/claims/{claim.pk}/paid/", {"amount": "42.000.000", "paid_on": "2025-03-18", "reference": "JKM-9"})
    claim.refresh_from_db()
    assert (claim.state, claim.paid_amount, claim.paid_on) == ("paid", 42_000_000, dt.date(2025, 3, 18))
    assert 'id="died-on">10 Maret 2025<' in client.get(f"/workers/{worker.pk}/").content.decode()
    home = client.get("/claims/").content.decode()
    assert "Rp42.000.000" in home or "Rp42,000,000" in home
    fragment = client.get("/claims/statistics/?region=3202").content.decode()
    assert 'id="benefit-families">1<' in fragment


def test_a_scholarship_is_stopped_from_the_claim_page(client, settings, tmp_path):
    from lindung.accounts.access import Access
    from lindung.claims import workflow
    from lindung.claims.documents import upload_document
    from lindung.claims.events import confirm_event, report_event
    from lindung.claims.heirs import add_family_member

    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    worker = create_worker(SUKABUMI_VILLAGE, serial=82, name="Ahmad Fauzi")
    pay_on_time(payer, [worker], start=month("2025-01"), months=3)
    desa = Access(make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE]))
    maker = Access(make_user("cabang.1", "branch_officer", ["3202"]))
    checker = Access(make_user("cabang.2", "branch_officer", ["3202"]))
    event = report_event(desa, worker, kind="death", date=dt.date(2025, 3, 10), cause="work_accident")
    confirm_event(maker, event)
    mother = add_family_member(desa, worker, name="Ibu Aisyah", relationship="spouse", birth_date=dt.date(1980, 1, 1))
    son = add_family_member(desa, worker, name="Rafi", relationship="child", birth_date=dt.date(2005, 1, 1),
                            school_level="university", year_in_level=1)
    claim = workflow.open_claim(desa, event, "scholarship", child=son, payee=mother, bank_account="123")
    for kind in ("family_card", "heir_ktp", "savings_book"):
        upload_document(desa, claim, kind=kind, upload=pdf())
    workflow.verify(maker, claim)
    workflow.submit(checker, claim)
    workflow.record_paid(checker, claim, amount=12_000_000, paid_on=dt.date(2025, 4, 1), reference="BS-1")
    client.force_login(desa.user)
    assert 'id="stop-scholarship"' in client.get(f"/claims/{claim.pk}/").content.decode()
    client.post(f"/claims/{claim.pk}/stop/", {"reason": "working", "from_year": "2027"})
    assert sorted(claim.years.values_list("year", "state")) == [
        (2025, "paid"), (2026, "due"), (2027, "stopped")]   # 23 on 1 January 2028: nothing after 2027
