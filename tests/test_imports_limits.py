"""Uploads that cannot take the server down: a size limit before reading, a sheet's declared area checked
before parsing, spreadsheets parsed in a memory-limited process, nothing parsed kept in the web process."""

import datetime as dt
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from lindung.accounts.access import Access
from lindung.imports.pipeline import Options
from lindung.imports.readers import UnreadableFile, open_table
from lindung.imports.services import ImportRefused, create_job, queue_job, run_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, make_nik
from .imports_support import issues, write_csv, write_ods, write_raw_xlsx, write_repeated_ods, write_xls, write_xlsx

B85 = dt.date(1985, 3, 12)
HEADER = ["NIK", "Nama", "Tanggal Lahir", "L/P", "Kode Desa"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def resident_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def refusal(path) -> str:
    with pytest.raises(ImportRefused) as caught:
        create_job(Access.console(), path)
    return str(caught.value)


def test_a_sheet_whose_last_cell_is_xfd1048576_does_not_kill_the_process_that_uploads_it(tmp_path):
    """The 1.5 KB file of the audit: a header in A1 and one cell in XFD1048576 (no <dimension>).
    The reader would allocate 16,384 × 1,048,576 cells; the uploading process (here `lindung import`,
    standing in for the web server, with 2 GiB of address space) must answer with a message, not die."""
    path = write_raw_xlsx(tmp_path / "bom.xlsx", [("A1", "NIK"), ("B1", "Nama"), ("XFD1048576", "x")])
    assert path.stat().st_size < 2000
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(data_dir), LINDUNG_LANG="en")
    lindung = str(Path(sys.executable).with_name("lindung"))
    assert subprocess.run([lindung, "migrate"], env=env, capture_output=True).returncode == 0

    def two_gib():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    done = subprocess.run([lindung, "import", "workers", str(path), "--dry-run"], env=env, capture_output=True,
                          text=True, preexec_fn=two_gib, timeout=300)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "LINDUNG_SHEET_MEMORY_MB" in done.stderr or "LINDUNG_SHEET_MAX_CELLS" in done.stderr, done.stderr


def test_a_declared_dimension_beyond_the_cell_limit_is_refused_before_anything_is_parsed(db, tmp_path):
    """<dimension ref="A1:Z1000000">: 26 million cells declared by a 1.5 KB file; refused from the
    declaration, and the web process does not grow by the 800 MB the reader would have taken."""
    path = write_raw_xlsx(tmp_path / "z.xlsx", [("A1", "NIK"), ("B1", "Nama"), ("Z1000000", "x")],
                          dimension="A1:Z1000000")
    before = resident_mib()
    message = refusal(path)
    assert resident_mib() - before < 150
    assert "1.000.000" in message and "26" in message and "2.000.000" in message  # rows, columns, limit


def test_a_lying_sheet_without_a_dimension_is_stopped_by_the_readers_memory_limit(db, tmp_path, settings):
    settings.SHEET_MEMORY_MB = 400  # the A1…Z1000000 area needs about 800 MB
    path = write_raw_xlsx(tmp_path / "z.xlsx", [("A1", "NIK"), ("B1", "Nama"), ("Z1000000", "x")])
    before = resident_mib()
    message = refusal(path)
    assert resident_mib() - before < 150
    assert "400 MB" in message and "CSV" in message


def test_a_sheet_over_the_cell_limit_is_refused_whatever_its_format(db, tmp_path, settings):
    settings.SHEET_MAX_CELLS = 5_000
    rows = [HEADER] + [[make_nik("352511", B85, "M", i), "Pekerja", "12/03/1985", "L", DADAPKUNING]
                       + [None] * 95 + ["catatan"] for i in range(1, 60)]  # 60 rows × 101 columns
    for fmt, writer in (("xlsx", write_xlsx), ("xls", write_xls), ("ods", write_ods)):
        message = refusal(writer(tmp_path / f"lebar.{fmt}", rows))
        assert "60 rows × 101 columns" in message or "60 baris × 101 kolom" in message, (fmt, message)


def test_an_ods_repeating_one_cell_a_million_times_is_refused_from_its_declaration(db, tmp_path):
    path = write_repeated_ods(tmp_path / "ulang.ods", HEADER, rows_repeated=1_000_000, columns_repeated=26)
    assert path.stat().st_size < 2000
    before = resident_mib()
    message = refusal(path)
    assert resident_mib() - before < 150
    assert "1.000.001" in message and "26" in message


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(db, tmp_path, settings):
    settings.UPLOAD_MAX_MB = 1
    rows = [HEADER] + [[make_nik("352511", B85, "M", i % 9999 + 1), "Pekerja Dengan Nama Panjang Sekali", "12/03/1985",
                        "L", DADAPKUNING] for i in range(30_000)]
    path = write_csv(tmp_path / "besar.csv", rows)
    assert path.stat().st_size > 1024 * 1024
    message = refusal(path)
    assert "1 MB" in message and "LINDUNG_UPLOAD_MAX_MB" in message
    with pytest.raises(UnreadableFile):
        open_table(path)


def test_the_upload_pages_refuse_a_file_over_the_limit_with_a_message_in_indonesian(client, national_admin,
                                                                                    tmp_path, settings):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(national_admin)
    path = tmp_path / "besar.csv"
    path.write_bytes(b"NIK;Nama\n" + b"3525110101900001;Budi\n" * 60_000)
    for url, fields in (("/imports/new/", {"default_segment": "bpu_rentan"}), ("/billing/statements/", {}),
                        ("/regions/working-population/upload/", {})):
        with open(path, "rb") as handle:
            response = client.post(url, {"file": handle, **fields}, HTTP_ACCEPT_LANGUAGE="id")
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "Lindung menerima berkas hingga 1 MB" in page, url


def test_leading_blank_rows_keep_the_spreadsheets_row_numbers(db, tmp_path):
    path = write_raw_xlsx(tmp_path / "kosong-atas.xlsx", [
        ("A3", "NIK"), ("B3", "Nama"), ("C3", "Tanggal Lahir"), ("D3", "L/P"), ("E3", "Kode Desa"),
        ("A4", "123"), ("B4", "Rusak"), ("C4", "12/03/1985"), ("D4", "L"), ("E4", DADAPKUNING),
        ("A5", make_nik("352511", B85, "M", 1)), ("B5", "Budi"), ("C5", "12/03/1985"), ("D5", "L"),
        ("E5", DADAPKUNING)])
    access = Access.console()
    job = create_job(access, path, options=Options())
    assert job.header_row == 3
    queue_job(access, job)
    job = run_job(job, access=access)
    assert issues(job) == [(4, "NIK", "nik_length")]
    assert Worker.objects.count() == 1


def test_a_spreadsheet_is_parsed_once_per_import_and_its_parsed_rows_are_not_kept(client, national_admin,
                                                                                   tmp_path, monkeypatch):
    """The header (at upload), the mapping page's preview and the run read the rows the reading process
    spooled at upload; the spool (0600) is deleted when the job has run."""
    from lindung.imports import readers
    from lindung.imports.readers import spool_path

    launched = []
    real_popen = readers.subprocess.Popen
    monkeypatch.setattr(readers.subprocess, "Popen", lambda *a, **k: launched.append(a) or real_popen(*a, **k))
    path = write_xlsx(tmp_path / "daftar.xlsx", [HEADER, [make_nik("352511", B85, "M", 1), "Budi", B85, "L",
                                                          DADAPKUNING]])
    access = Access.console()
    job = create_job(access, path, options=Options())
    spool = spool_path(job.file.path)
    assert spool.exists() and oct(spool.stat().st_mode & 0o777) == "0o600"
    client.force_login(national_admin)
    assert "Budi" in client.get(f"/imports/{job.pk}/mapping/").content.decode()
    queue_job(access, job)
    job = run_job(job, access=access)
    assert job.counts["created"] == 1 and len(launched) == 1
    assert not spool.exists()
