"""The calculator in a real browser: the quote and the budget planner update in place (htmx)."""

import pytest
from playwright.sync_api import expect

from .browser import browser_page, log_in
from .conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calculator_quotes_and_plans_in_place(live_server):
    make_user("pemprov.jambi", "regional_operator", ["15"])
    with browser_page() as page:
        log_in(page, live_server.url, "pemprov.jambi")
        page.goto(f"{live_server.url}/rules/calculator/")
        page.fill("#id_quote-month", "2026-06")
        page.select_option("#id_quote-funding_source", "csr")
        page.click("#panel button[type=submit]")
        page.wait_for_selector("#quote-total")
        assert page.inner_text("#quote-total") == "Rp8.400"
        assert "go=1" in page.url          # the result has an address

        page.select_option("#id_quote-funding_source", "apbd-regency")
        page.click("#panel button[type=submit]")
        # A locator assertion, not a page-evaluated predicate: the Content-Security-Policy forbids eval.
        expect(page.locator("#quote-total")).to_have_text("Rp16.800")

        page.fill("#id_quote-income", "900000")
        page.click("#panel button[type=submit]")
        page.wait_for_selector("[data-field=income]")
        assert "Rp1.000.000" in page.inner_text("[data-field=income]")

        page.goto(f"{live_server.url}/rules/calculator/?tool=plan")
        page.fill("#id_plan-budget", "15620000000")
        page.fill("#id_plan-start", "2023-01")
        page.click("#panel button[type=submit]")
        page.wait_for_selector("#plan-workers")
        assert page.get_attribute("#plan-workers", "data-value") == "77480"
        assert page.inner_text("#plan-remainder") == "Rp32.000"
