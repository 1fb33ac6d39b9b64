"""A village operator in a real browser: logs in, finds a worker, cannot reach another village's."""

import pytest

from .browser import browser_page, log_in, open_nav
from .conftest import DADAPKUNING, LENGKONG, create_worker, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_operator_finds_own_worker_and_not_another_villages(live_server):
    make_user("desa.dadapkuning", "village_operator", [DADAPKUNING])
    own = create_worker(DADAPKUNING, serial=1, name="Siti Aminah")
    other = create_worker(LENGKONG, serial=2, name="Budi Lengkong")

    with browser_page() as page:
        log_in(page, live_server.url, "desa.dadapkuning")
        assert "Selamat datang" in page.content()

        open_nav(page, "/workers/")
        page.fill("input[name=q]", "aminah")
        page.click("button:has-text('Cari')")
        page.click("text=Siti Aminah")
        assert page.inner_text("#nik") == own.nik
        assert "Dadapkuning" in page.content()

        page.goto(f"{live_server.url}/workers/?q={other.nik}")
        assert "Budi Lengkong" not in page.content()
        assert "Tidak ada pekerja ditemukan" in page.content()
        response = page.goto(f"{live_server.url}/workers/{other.pk}/")
        assert response.status == 404
        response = page.goto(f"{live_server.url}/api/v1/workers/{other.pk}")
        assert response.status == 404


def test_registration_form_shows_errors_by_field_and_switches_to_english(live_server):
    make_user("desa.dadapkuning", "village_operator", [DADAPKUNING])
    with browser_page() as page:
        log_in(page, live_server.url, "desa.dadapkuning")
        page.goto(f"{live_server.url}/workers/new/")
        page.fill("input[name=nik]", "3525111203850000")
        page.fill("input[name=name]", "Joko")
        page.fill("input[name=birth_date]", "1985-03-12")
        page.fill("input[name=declared_income]", "900000")
        page.click("button:has-text('Simpan')")
        assert "tidak boleh 0000" in page.inner_text("[data-field=nik]")
        assert "Rp1.000.000" in page.inner_text("[data-field=declared_income]")

        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        page.goto(f"{live_server.url}/workers/new/")
        assert "Register a worker" in page.content()
