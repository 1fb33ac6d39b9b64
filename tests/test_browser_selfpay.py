"""Auto-debit, programmes and reminders in a real browser, in Indonesian, on a desktop and a phone:
the branch sees the demo's failed debit and the Sukabumi programme's village behind its target; nothing
overflows a 390-pixel screen."""

import datetime as dt
import os
from pathlib import Path

import pytest

from .browser import browser_page, log_in

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
