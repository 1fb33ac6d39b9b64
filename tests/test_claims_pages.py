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
