"""Auto-debit, programmes and reminders in a real browser, in Indonesian, on a desktop and a phone:
the branch sees the demo's failed debit and the Sukabumi programme's village behind its target; nothing
overflows a 390-pixel screen."""

import datetime as dt
import os
from pathlib import Path

import pytest

from .browser import browser_page, log_in
from .test_programmes import gresik_programme  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("LINDUNG_SCREENSHOTS", "")) if os.environ.get("LINDUNG_SCREENSHOTS") else None


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _widest(page) -> str:
    """The elements sticking out of the screen, for the failure message."""
    return page.evaluate("""[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll')
        && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')""")


def test_failed_debits_and_programme_progress_on_desktop_and_phone(live_server):
    from lindung.demo.scenario import PASSWORD, seed
    from lindung.programmes.models import Programme

    seed(dt.date.today())
    sukabumi = Programme.objects.get(name="1 Desa 100 Pekerja Rentan")
    with browser_page() as page:
        log_in(page, live_server.url, "admin", PASSWORD)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/autodebit/failures/")
            assert "saldo tidak cukup (51)" in page.content()
            assert "berisiko nonaktif" in page.content()
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"failures-{width}.png"), full_page=True)
            assert _fits(page), _widest(page)
            page.goto(f"{live_server.url}/programmes/{sukabumi.pk}/")
            assert page.inner_text("#behind-count") == "1"
            assert "tertinggal" in page.content()
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"programme-{width}.png"), full_page=True)
            assert _fits(page), _widest(page)
            page.goto(f"{live_server.url}/autodebit/")
            assert "Mandat autodebet" in page.content()
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"mandates-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/reminders/")
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"reminders-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/agents/")
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"agents-{width}.png"), full_page=True)


def test_a_regency_operator_creates_a_programme_and_attaches_a_list_on_desktop_and_phone(live_server):
    from lindung.programmes.models import Programme

    from .billing_support import funder, month
    from .conftest import DADAPKUNING, create_worker, make_user
    from .test_programmes import listed

    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    village = funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)
    village_list = listed(village, [create_worker(DADAPKUNING, serial=1)], start=month("2027-01"))
    make_user("pemkab.gresik", "regional_operator", ["3525"])
    with browser_page() as page:
        log_in(page, live_server.url, "pemkab.gresik")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/programmes/")
            page.select_option("#id_funder", str(regency.pk))
            page.fill("#id_name", f"1 Desa 50 Pekerja Rentan ({width})")
            page.fill("#id_legal_basis", "Perbup Gresik 7/2026")
            page.fill("#id_start_month", "2027-01")
            page.fill("#id_end_month", "2027-12")
            page.fill("#id_target_workers", "50")
            page.select_option("#id_target_segment", "rt_rw")
            page.click("#programme-form button[type=submit]")
            page.wait_for_load_state()
            # Both a number and a segment: refused at the field, in Indonesian, nothing created.
            assert "sebagai segmen, tidak keduanya" in page.inner_text("#programme-form .errorlist")
            assert not Programme.objects.filter(name__endswith=f"({width})").exists()
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"programme-form-{width}.png"), full_page=True)
            assert _fits(page), _widest(page)
            page.select_option("#id_target_segment", "")
            page.click("#programme-form button[type=submit]")
            page.wait_for_url(f"{live_server.url}/programmes/*/")
            programme = Programme.objects.get(name__endswith=f"({width})")
            page.fill("#id_villages", f"{DADAPKUNING}=60")
            page.click("#villages-form button[type=submit]")
            page.wait_for_load_state()
            assert dict(programme.villages.values_list("village_id", "target")) == {DADAPKUNING: 60}
            page.select_option("#id_list_id", str(village_list.pk))
            page.click("#attach-form button[type=submit]")
            page.wait_for_load_state()
            assert "Pemerintah Desa Dadapkuning" in page.inner_text("#programme-lists")
            assert list(programme.lists.values_list("pk", flat=True)) == [village_list.pk]
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"programme-lists-{width}.png"), full_page=True)
            assert _fits(page), _widest(page)
            page.click("#programme-lists button[type=submit]")
            page.wait_for_load_state()
            assert not programme.lists.exists()


def test_coverage_dashboard_filtered_by_programme_on_desktop_and_phone(live_server, gresik_programme,
                                                                        gresik_branch_officer):
    # The scenario of test_programmes: in June 2026 Cerme has 9 covered workers, 8 of them the programme's.
    programme, _regency = gresik_programme
    with browser_page() as page:
        log_in(page, live_server.url, "cabang.gresik")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/coverage/region/352511/?month=2026-06")
            assert page.inner_text("#active-members") == "9"
            page.select_option("#filter-programme", str(programme.pk))
            page.click("form.search button[type=submit]")
            page.wait_for_url(f"**programme={programme.pk}**")
            assert page.inner_text("#active-members") == "8"
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"coverage-programme-{width}.png"), full_page=True)
            assert _fits(page), _widest(page)
