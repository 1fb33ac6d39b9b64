"""A regency operator in a real browser requests a large report, watches it finish in the background
and downloads it."""

import os
import tempfile

import pytest
from openpyxl import load_workbook

from lindung.imports import worker

from .browser import browser_page, log_in, open_nav
from .conftest import DADAPKUNING, LENGKONG, create_worker, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LINDUNG_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "lindung-screens"))


def test_background_report_in_the_browser(live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_BACKGROUND_ROWS = 10  # so that a list of 24 workers counts as large
    make_user("pemkab.gresik", "regional_operator", ["3525"])
    for i in range(1, 25):
        create_worker(DADAPKUNING if i % 2 else LENGKONG, serial=i)

    with browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        log_in(page, live_server.url, "pemkab.gresik")
        open_nav(page, "/reports/")
        page.wait_for_selector("#report-workers")
        assert page.input_value("#report-workers input[name=region]") == "3525"
        page.screenshot(path=f"{SHOTS}/reports-desktop.png", full_page=True)
        page.click("#report-workers button[type=submit]")
        page.wait_for_selector("#report-progress")
        assert page.get_attribute("#report-progress", "data-status") == "queued"

        worker.work("browser-test", once=True)  # the background worker's loop (imports and reports), once

        page.wait_for_selector("#report-progress[data-status=done]", timeout=20_000)
        assert page.get_attribute("#report-progress progress", "value") == "100"
        page.screenshot(path=f"{SHOTS}/report-done-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/report-done-390.png", full_page=True)
        with page.expect_download() as download:
            page.click("#report-download")
        assert download.value.suggested_filename == "lindung-workers-3525.xlsx"
        with open(download.value.path(), "rb") as handle:
            book = load_workbook(handle)
        page.goto(f"{live_server.url}/reports/")
        page.screenshot(path=f"{SHOTS}/reports-390.png", full_page=True)
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 24 and all(isinstance(r[0], str) and len(r[0]) == 16 for r in rows)
