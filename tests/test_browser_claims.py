"""Claims in a real browser: a village operator reports a death and uploads a document; one branch
officer verifies, another submits and records BPJS's payment."""

import datetime as dt

import pytest

from lindung.claims.models import Claim, LifeEvent

from .billing_support import funder, month
from .browser import browser_page, log_in, open_nav, shot
from .claims_support import PDF, SUKABUMI_VILLAGE, pay_on_time
from .conftest import create_worker, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_upload_verify_submit_and_record_payment(live_server, settings, tmp_path):
    settings.CLAIMS_DOCUMENT_DIR = tmp_path / "docs"
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    worker = create_worker(SUKABUMI_VILLAGE, serial=91, name="Dede Kurnia")
    pay_on_time(payer, [worker], start=month("2025-01"), months=3)
    make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE])
    make_user("cabang.1", "branch_officer", ["3202"])
    make_user("cabang.2", "branch_officer", ["3202"])
    document = tmp_path / "akta-kematian.pdf"
    document.write_bytes(PDF)

    with browser_page() as page:
        log_in(page, live_server.url, "desa.plr")
        open_nav(page, "/claims/")
        page.click("a[href='/claims/report/']")
        page.fill("input[name=nik]", worker.nik)
        page.select_option("select[name=kind]", "death")
        page.fill("input[name=date]", "2025-03-10")
        page.select_option("select[name=cause]", "not_work")
        page.fill("input[name=place]", "Rumah")
        page.click("form.card button[type=submit]")
        event = LifeEvent.objects.get()
        page.wait_for_url(f"{live_server.url}/claims/events/{event.pk}/")
        assert "aktif pada 10 Maret 2025; 3 bulan iuran" in page.inner_text("#reasoning")
        page.click("details summary")
        page.fill("form[action$='/family/'] input[name=name]", "Euis Sartika")
        page.select_option("form[action$='/family/'] select[name=relationship]", "spouse")
        page.fill("form[action$='/family/'] input[name=birth_date]", "1988-02-02")
        page.click("form[action$='/family/'] button[type=submit]")
        page.select_option("#open-claim select[name=heir]", label="Euis Sartika (suami/istri)")
        page.select_option("#open-claim select[name=payee]", label="Euis Sartika (suami/istri)")
        page.fill("#open-claim input[name=bank_name]", "BJB")
        page.fill("#open-claim input[name=bank_account]", "0011223344")
        shot(page, "claims-event")
        page.click("#open-claim button[type=submit]")
        claim = Claim.objects.get()
        page.wait_for_url(f"{live_server.url}/claims/{claim.pk}/")
        for kind in ("death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"):
            form = page.locator(f"form[action$='/upload/']:has(input[name=kind][value={kind}])")
            form.locator("input[type=file]").set_input_files(str(document))
            form.locator("button[type=submit]").click()
            page.wait_for_load_state()
        assert page.inner_text("#claim-state") == "dokumen lengkap"
        shot(page, "claims-documents")

        page.context.clear_cookies()
        log_in(page, live_server.url, "cabang.1")
        page.goto(f"{live_server.url}/claims/events/{event.pk}/")
        page.click("form[action$='/confirm/'] button[type=submit]")
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        page.click("#verify")
        assert page.inner_text("#claim-state") == "diverifikasi"
        assert page.locator("#submit").count() == 1
        page.click("#submit")   # the verifier may not submit: refused with the reason
        assert "pengguna lain" in page.inner_text("main")

        page.context.clear_cookies()
        log_in(page, live_server.url, "cabang.2")
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        page.click("#submit")
        assert page.inner_text("#claim-state") == "diajukan ke BPJS"
        page.fill("#reference", "JKM-3202-77")
        page.fill("#paid_on", "2025-03-18")
        page.click("#record-paid")
        assert page.inner_text("#claim-state") == "lunas"
        shot(page, "claims-paid")
        page.goto(f"{live_server.url}/claims/")
        assert page.inner_text("#benefit-families") == "1"
        shot(page, "claims-home")
    claim.refresh_from_db()
    assert (claim.state, claim.paid_amount, claim.paid_on) == ("paid", 42_000_000, dt.date(2025, 3, 18))
    assert claim.verified_by.username == "cabang.1" and claim.submitted_by.username == "cabang.2"
