"""An import whose process died is shown as interrupted within a second and can be run again; uploads are
private (0600 in 0700 folders) and deleted after the retention period while the job's findings stay;
the job's language and attempts are columns of their own."""

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from lindung.accounts.access import Access
from lindung.cli import main
from lindung.imports import lifecycle, worker
from lindung.imports.models import ImportJob, Outcome, Status
from lindung.imports.pipeline import Options
from lindung.imports.retention import purge_uploads
from lindung.imports.services import create_job, queue_job, run_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, make_nik
from .imports_support import write_csv

HEADER = ["NIK", "Nama", "Tanggal Lahir", "L/P", "Kode Desa"]
ROWS = [[make_nik("352511", dt.date(1985, 3, 12), "M", i), f"Pekerja {i}", "12/03/1985", "L", DADAPKUNING]
        for i in range(1, 4)] + [["123", "Rusak", "12/03/1985", "L", DADAPKUNING]]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def queued_job(tmp_path, **options):
    from django.utils import translation

    access = Access.console()
    job = create_job(access, write_csv(tmp_path / "daftar.csv", [HEADER, *ROWS]), options=Options(**options))
    with translation.override("en"):  # the job's findings and messages in English
        return queue_job(access, job)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_process_died_while_saving_is_shown_interrupted_at_once_and_can_be_run_again(
        client, national_admin, tmp_path):
    job = queued_job(tmp_path)
    # `lindung import workers` was killed while saving, a second ago: its heartbeat is still fresh.
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING, heartbeat_at=timezone.now(),
                                               rows_validated=4, rows_to_write=3,
                                               claimed_by=f"{socket.gethostname()}:{dead_pid()}:cli")
    client.force_login(national_admin)
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="interrupted"' in page and "Nothing of this list was saved" in page
    assert 'id="retry-import"' in page and "hx-get" not in page  # the page stops polling
    assert client.post(f"/imports/{job.pk}/retry/").status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == Status.QUEUED
    assert worker.work("test", once=True) == 1
    job.refresh_from_db()
    assert (job.status, job.outcome, Worker.objects.count()) == (Status.DONE, Outcome.COMMITTED, 3)


def test_a_running_job_whose_process_is_alive_is_left_alone(db, tmp_path):
    job = queued_job(tmp_path)
    long_ago = timezone.now() - dt.timedelta(hours=1)  # SQLite writes no heartbeat while saving
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING, heartbeat_at=long_ago,
                                               claimed_by=lifecycle.owner_name("cli"))
    assert worker.recover_jobs() == 0
    assert lifecycle.refresh(ImportJob.objects.get(pk=job.pk)).status == Status.COMMITTING


def test_an_owner_on_another_machine_is_judged_by_its_heartbeat_within_half_a_minute(db, tmp_path):
    job = queued_job(tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING, claimed_by="other-host:4242:worker",
                                               heartbeat_at=timezone.now() - dt.timedelta(seconds=10))
    assert lifecycle.mark_interrupted() == 0
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=31))
    assert lifecycle.mark_interrupted() == 1
    assert ImportJob.objects.get(pk=job.pk).status == Status.INTERRUPTED


def test_lindung_import_retry_runs_an_interrupted_job_and_refuses_others(db, tmp_path):
    job = queued_job(tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING, claimed_by=f"{socket.gethostname()}:"
                                                                                  f"{dead_pid()}:cli")
    result = CliRunner().invoke(main, ["--lang", "en", "import", "retry", str(job.pk), "--json"])
    assert result.exit_code == 0, result.output
    assert ImportJob.objects.get(pk=job.pk).status == Status.DONE and Worker.objects.count() == 3
    again = CliRunner().invoke(main, ["--lang", "en", "import", "retry", str(job.pk)])
    assert again.exit_code == 1 and "only an interrupted import can be run again" in again.output


def test_the_language_and_the_attempts_are_columns_of_the_job(db, tmp_path):
    from django.utils import translation

    access = Access.console()
    job = create_job(access, write_csv(tmp_path / "daftar.csv", [HEADER, *ROWS]))
    with translation.override("en"):
        queue_job(access, job)
    job = run_job(job.pk)
    assert (job.language, job.attempts) == ("en", 1)
    assert not {"_language", "_attempts"} & set(job.options)
    assert job.issues.get(row=5).message == "NIK must be exactly 16 digits; this one has 3."  # in English


def test_the_migration_moves_language_and_attempts_out_of_the_options(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("imports", "0001_initial")])
    old = executor.loader.project_state([("imports", "0001_initial")]).apps.get_model("imports", "ImportJob")
    old.objects.create(original_name="a.csv", file_hash="0" * 64, file_format="csv", status="failed",
                       options={"dry_run": True, "_language": "en", "_attempts": 2})
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    job = ImportJob.objects.get()
    assert (job.language, job.attempts, job.options) == ("en", 2, {"dry_run": True})


def test_uploads_are_private_and_deleted_after_the_retention_while_the_findings_stay(client, national_admin,
                                                                                      tmp_path, settings):
    settings.UPLOAD_RETENTION_DAYS = 30
    job = run_job(queued_job(tmp_path).pk)
    upload = Path(job.file.path)
    assert oct(upload.stat().st_mode & 0o777) == "0o600" and oct(upload.parent.stat().st_mode & 0o777) == "0o700"
    fresh = run_job(queue_job(Access.console(), create_job(Access.console(), write_csv(
        tmp_path / "baru.csv", [HEADER, *ROWS]))).pk)
    abandoned = create_job(Access.console(), write_csv(tmp_path / "lupa.csv", [HEADER, *ROWS]))
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(finished_at=now - dt.timedelta(days=31))
    ImportJob.objects.filter(pk=fresh.pk).update(finished_at=now - dt.timedelta(days=29))
    ImportJob.objects.filter(pk=abandoned.pk).update(created_at=now - dt.timedelta(days=31))
    client.force_login(national_admin)
    assert client.get(f"/imports/{job.pk}/report.xlsx").status_code == 200  # builds the report file

    result = CliRunner().invoke(main, ["--lang", "en", "import", "purge-uploads"])
    assert result.exit_code == 0 and "2 uploaded file(s) deleted" in result.output
    assert not upload.exists() and Path(fresh.file.path).exists()
    job.refresh_from_db()
    assert job.file_purged_at is not None and job.issues.filter(severity="error").count() == 1
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="file-purged"' in page and 'id="download-report"' not in page and "nik_length" in page
    assert client.get(f"/imports/{job.pk}/report.xlsx").status_code == 404
    assert not list((Path(settings.MEDIA_ROOT) / "imports" / "reports").glob(f"import-{job.pk}-*"))
    assert purge_uploads() == 0  # nothing left to delete


def test_the_data_directory_and_the_database_are_readable_by_lindung_only(tmp_path):
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(data_dir))
    lindung = str(Path(sys.executable).with_name("lindung"))
    done = subprocess.run([lindung, "migrate"], env=env, capture_output=True, text=True,
                          preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    assert oct(data_dir.stat().st_mode & 0o777) == "0o700"
    database = data_dir / "lindung.sqlite3"
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    for extra in (data_dir / "lindung.sqlite3-wal", data_dir / "lindung.sqlite3-shm"):
        if extra.exists():
            assert oct(extra.stat().st_mode & 0o777) == "0o600"
