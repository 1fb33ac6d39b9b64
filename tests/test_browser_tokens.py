"""The API tokens page in a real browser: a branch officer finds an agent's token through the menu,
revokes it, and the token no longer opens the API; he issues a new one for the agent, copies the secret
shown once, and it opens the API; the page fits a phone."""

import pytest

from lindung.accounts.models import ApiToken

from .browser import browser_page, log_in, open_nav, shot
from .conftest import JAMBI_VILLAGE, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_branch_officer_revokes_an_agents_token(live_server):
    officer = make_user("cabang.gresik", "branch_officer", ["3525"])
    agent = make_user("agen.cerme", "agent", ["352511"])
    outsider = make_user("desa.jambi", "village_operator", [JAMBI_VILLAGE])
    ApiToken.issue(officer, "laporan harian")
    key = ApiToken.issue(agent, "aplikasi lapangan")
    ApiToken.issue(outsider, "skrip jambi")

    with browser_page() as page:
        log_in(page, live_server.url, "cabang.gresik")
        open_nav(page, "/account/tokens/")
        table = page.inner_text("#tokens")
        assert "aplikasi lapangan" in table and "laporan harian" in table and "skrip jambi" not in table
        shot(page, "tokens")
        row = page.locator("tr", has_text="aplikasi lapangan")
        with page.expect_navigation():
            row.locator("button:has-text('Cabut')").click()
        assert "dicabut" in page.inner_text("[role=status]")
        assert "dicabut" in page.locator("tr", has_text="aplikasi lapangan").inner_text()
        shot(page, "tokens-revoked")
        # the page fits a phone: nothing wider than the screen except inside the scrolling table
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    response = page_status(live_server.url, key)
    assert response == 401


def page_status(base, key):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{base}/api/v1/workers", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_branch_officer_issues_a_token_and_it_opens_the_api(live_server):
    make_user("cabang.gresik", "branch_officer", ["3525"])
    make_user("agen.cerme", "agent", ["352511"])

    with browser_page() as page:
        log_in(page, live_server.url, "cabang.gresik")
        open_nav(page, "/account/tokens/")
        page.fill("#id_owner", "agen.cerme")
        page.fill("#id_name", "aplikasi lapangan")
        page.fill("#id_days", "30")
        with page.expect_navigation():
            page.click("#issue-form button[type=submit]")
        notice = page.inner_text("#new-token")
        assert "hanya ditampilkan sekali ini" in notice and "agen.cerme" in notice
        key = page.inner_text("#new-token-key").strip()
        assert key.startswith("lin_")
        assert "aplikasi lapangan" in page.locator("tr", has_text="agen.cerme").inner_text()
        shot(page, "tokens-issued")
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/account/tokens/")   # shown once: not on the page again
        assert key not in page.content()

    assert page_status(live_server.url, key) == 200
