"""The import pages: upload, mapping, progress, report and history, each scoped by the access layer."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lindung.accounts.access import Access
from lindung.imports import services, worker
from lindung.imports.models import ImportJob, Status
from lindung.imports.services import create_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, LENGKONG, make_nik
from .imports_support import write_xlsx

B85 = dt.date(1985, 3, 12)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def nik(serial):
    return make_nik("352511", B85, "M", serial)


def village_list(tmp_path):
    return write_xlsx(tmp_path / "desa.xlsx", [
        ["NIK", "Nama", "Tgl Lahir", "L/P", "Pekerjaan"],
        [nik(1), "Budi", B85, "L", "Petani"],
        ["3.52511E+15", "Joko", B85, "L", "Petani"],
        [nik(3), "Eko", "31/02/1985", "L", "Petani"],
    ])


def upload(client, path, **fields):
    with open(path, "rb") as handle:
        return client.post("/imports/new/", {"file": handle, "default_segment": "bpu_rentan", **fields})


def test_a_village_operator_uploads_maps_and_reads_the_report(client, dadapkuning_operator, tmp_path):
    client.force_login(dadapkuning_operator)
    assert 'href="/imports/"' in client.get("/").content.decode()
    response = upload(client, village_list(tmp_path))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/mapping/"
    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()
    assert 'name="col0"' in page and "Budi" in page
    response = client.post(f"/imports/{job.pk}/mapping/", {"col0": "nik", "col1": "name", "col2": "birth_date",
                                                           "col3": "sex", "col4": "occupation"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.options["village_code"] == DADAPKUNING

    partial = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode() and "HX-Refresh" not in partial
    assert worker.work("test", once=True) == 1
    partial = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-count="created">1<' in page and 'data-count="rejected">2<' in page
    assert 'data-row="3" data-code="spreadsheet_scientific"' in page
    assert 'data-row="4" data-code="date_impossible"' in page
    assert Worker.objects.get().village_id == DADAPKUNING

    response = client.get(f"/imports/{job.pk}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["NIK", "Nama", "Tgl Lahir", "L/P", "Pekerjaan"] and f"#{job.pk}" in rows[0][5]
    assert rows[1][0] == nik(1) and (len(rows[1]) < 6 or rows[1][5] is None)
    assert rows[2][0] == "3.52511E+15" and "3.52511E+15" in rows[2][5] and rows[2][5].startswith("NIK")
    assert rows[3][5].startswith("Tgl Lahir")


def test_the_history_shows_only_the_imports_a_user_may_see(client, dadapkuning_operator, gresik_regency_operator,
                                                           tmp_path):
    mine = create_job(Access(dadapkuning_operator), village_list(tmp_path))
    other = create_job(Access.console(), village_list(tmp_path))
    client.force_login(dadapkuning_operator)
    page = client.get("/imports/").content.decode()
    assert f'href="/imports/{mine.pk}/"' in page and f'href="/imports/{other.pk}/"' not in page
    assert client.get(f"/imports/{other.pk}/").status_code == 404
    assert client.get(f"/imports/{other.pk}/report.xlsx").status_code == 404
    client.force_login(gresik_regency_operator)  # the regency sees its villages' imports
    page = client.get("/imports/").content.decode()
    assert f'href="/imports/{mine.pk}/"' in page and f'href="/imports/{other.pk}/"' not in page


def test_a_village_operator_cannot_import_into_another_village(client, dadapkuning_operator, tmp_path):
    client.force_login(dadapkuning_operator)
    response = upload(client, village_list(tmp_path), village_code=LENGKONG)
    assert response.status_code == 200 and 'class="msg error" role="alert"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_roles_without_the_import_permission_see_no_import_pages(client, csr_donor_user):
    client.force_login(csr_donor_user)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/").status_code == 403
    assert 'href="/imports/"' not in client.get("/").content.decode()


def test_a_file_that_is_not_a_list_is_refused_with_a_message(client, national_admin, tmp_path):
    client.force_login(national_admin)
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    response = upload(client, path)
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert '<div class="error">' in response.content.decode()
    path = tmp_path / "arsip.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    response = upload(client, path)
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert 'class="msg error" role="alert"' in response.content.decode()


def test_the_report_counts_add_up_and_say_what_they_count(client, national_admin, tmp_path):
    """Finding: the tile said "7 ditolak", the tab "ditolak (8)" (one row had two findings), and
    "Baris dibaca 11 / ~14" after the end. Tiles and tabs count rows; the tab says its findings too."""
    from lindung.imports.services import queue_job, run_job

    from .conftest import create_worker

    create_worker(DADAPKUNING, serial=4, name="Sudah Ada")
    path = write_xlsx(tmp_path / "daftar.xlsx", [
        ["NIK", "Nama", "Tgl Lahir", "L/P", "Kode Desa"],
        [nik(1), "Budi", B85, "L", DADAPKUNING],
        [nik(2), "Dua Kesalahan", "31/02/1985", "X", DADAPKUNING],   # two findings, one rejected row
        ["123", "Rusak", B85, "L", DADAPKUNING],
        [None, None, None, None, None],                                 # blank: skipped
        [nik(4), "Sudah Ada", B85, "L", DADAPKUNING],                   # already registered
    ])
    access = Access.console()
    job = run_job(queue_job(access, create_job(access, path)).pk)
    assert job.counts["rows"] == 4 and job.counts["rejected"] == 2 and job.unaccounted_rows == 0
    client.force_login(national_admin)
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-tab="error" data-rows="2"' in page and "ditolak: 2 baris" in page and "(3 temuan)" in page
    assert 'data-count="read">4 (dan 1 baris kosong dilewati)' in page and "/ ~" not in page
    assert "4 baris berisi data" in page or "Setiap 4 baris berisi data" in page


def test_the_reading_phase_is_shown_as_progress_and_the_estimate_waits_for_real_speed(client, national_admin,
                                                                                     tmp_path):
    from django.utils import timezone

    job = create_job(Access.console(), village_list(tmp_path))
    started = timezone.now() - dt.timedelta(seconds=16)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING, started_at=started,
                                               phase_started_at=started, rows_total=30_001, rows_read=0,
                                               claimed_by=f"{__import__('socket').gethostname()}:"
                                                          f"{__import__('os').getpid()}:test")
    client.force_login(national_admin)
    page = client.get(f"/imports/{job.pk}/progress/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'id="reading-file"' in page and "Membaca berkas" in page and "16 detik" in page
    assert "0 / ~30.001" not in page
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(rows_read=300, rows_validated=300,
                                               phase_started_at=now - dt.timedelta(seconds=2))
    assert ImportJob.objects.get(pk=job.pk).seconds_left() is None  # 1 % after 2 s: too early to tell
    ImportJob.objects.filter(pk=job.pk).update(rows_read=3000, rows_validated=3000,
                                               phase_started_at=now - dt.timedelta(seconds=10))
    assert ImportJob.objects.get(pk=job.pk).seconds_left() % 5 == 0
