"""A village operator in a real browser uploads a list, watches the progress bar finish and downloads
the list back with its error column."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from lindung.imports import worker
from lindung.people.models import Worker

from .browser import browser_page, log_in, open_nav
from .conftest import DADAPKUNING, make_nik, make_user
from .imports_support import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_progress_and_error_report_in_the_browser(live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("desa.dadapkuning", "village_operator", [DADAPKUNING])
    born = dt.date(1985, 3, 12)
    rows = [["Daftar pekerja rentan Desa Dadapkuning"], ["NIK", "Nama", "Tgl. Lahir", "L/P", "Pekerjaan"]]
    rows += [[make_nik("352511", born, "M", i), f"Pekerja {i}", born, "L", "Petani"] for i in range(1, 41)]
    rows += [["3.52511E+15", "Rusak", born, "L", "Petani"], [make_nik("352511", born, "M", 1), "Ganda", born, "L", ""]]
    path = write_xlsx(tmp_path / "dadapkuning.xlsx", rows)

    with browser_page() as page:
        log_in(page, live_server.url, "desa.dadapkuning")
        open_nav(page, "/imports/")
        page.click("a[href='/imports/new/']")
        page.set_input_files("input[name=file]", str(path))
        page.click("#upload-form button[type=submit]")
        page.wait_for_url("**/mapping/")
        assert page.input_value("select[name=col0]") == "nik"
        assert page.input_value("select[name=col2]") == "birth_date"
        page.click("form.form button[type=submit]")
        page.wait_for_selector("#import-progress progress")
        assert page.get_attribute("#import-progress", "data-status") == "queued"

        worker.work("browser-test", once=True)  # the embedded worker's loop, run here once

        page.wait_for_selector("#import-progress[data-status=done]", timeout=20_000)
        assert page.get_attribute("#import-progress progress", "value") == "100"
        assert page.inner_text("[data-count=created]") == "40"
        assert page.inner_text("[data-count=rejected]") == "2"
        assert page.get_attribute("#issues tr[data-row='43']", "data-code") == "spreadsheet_scientific"
        assert page.get_attribute("#issues tr[data-row='44']", "data-code") == "duplicate_in_file"

        with page.expect_download() as download:
            page.click("#download-report")
        assert download.value.suggested_filename.endswith(".xlsx")
        with open(download.value.path(), "rb") as handle:
            sheet = load_workbook(handle).active
            values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:2] == ["NIK", "Nama"] and values[1][5]
    assert len(values[2]) < 6 or values[2][5] is None
    assert "3.52511E+15" in values[42][5] and values[43][5]
    assert Worker.objects.filter(village_id=DADAPKUNING).count() == 40
