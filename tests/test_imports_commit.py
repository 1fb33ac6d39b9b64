"""Saving a checked list: all of it or none of it, never half; a re-sent file adds nothing; every import
is recorded; `lindung import workers` reports the same findings as the pages."""

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.cli import main
from lindung.imports import services, worker
from lindung.imports.models import ImportJob, Outcome, Status
from lindung.imports.pipeline import Options
from lindung.imports.services import create_job, queue_job, run_job
from lindung.imports.worker import claim_next_job
from lindung.people.models import Worker

from .conftest import DADAPKUNING, LENGKONG, create_worker, make_nik
from .imports_support import issues, write_csv

B85 = dt.date(1985, 3, 12)
HEADER = ["NIK", "Nama", "Tanggal Lahir", "L/P", "Kode Desa"]


def nik(serial):
    return make_nik("352511", B85, "M", serial)


def good_rows(n, start=1):
    return [[nik(i), f"Pekerja {i}", "12/03/1985", "L", DADAPKUNING if i % 2 else LENGKONG]
            for i in range(start, start + n)]


def run_import(path, access=None, **options):
    access = access or Access.console()
    job = create_job(access, path, options=Options(**options))
    queue_job(access, job)
    return run_job(job, access=access)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cli(*args):
    return CliRunner().invoke(main, ["--lang", "en", *args])


def test_all_or_nothing_saves_nothing_when_a_row_fails(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(3), ["123", "Rusak", "12/03/1985", "L", DADAPKUNING]])
    job = run_import(path, all_or_nothing=True)
    assert (job.status, job.outcome) == (Status.DONE, Outcome.NOTHING)
    assert issues(job) == [(5, "NIK", "nik_length")]
    assert job.counts["accepted"] == 3 and Worker.objects.count() == 0


def test_a_dry_run_reports_and_saves_nothing(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(2), [nik(1), "Lagi", "12/03/1985", "L", DADAPKUNING]])
    job = run_import(path, dry_run=True)
    assert job.outcome == Outcome.DRY_RUN and issues(job) == [(4, "NIK", "duplicate_in_file")]
    assert Worker.objects.count() == 0


def test_valid_rows_are_saved_with_derived_codes_and_the_import_is_recorded(db, tmp_path, dadapkuning_operator):
    path = write_csv(tmp_path / "a.csv", [HEADER, [nik(1), "Budi  Santoso", "12/03/1985", "L", ""]])
    job = run_import(path, access=Access(dadapkuning_operator))
    worker = Worker.objects.get()
    assert (worker.village_id, worker.district_code, worker.regency_code, worker.province_code, worker.name_key) == \
        (DADAPKUNING, "352511", "3525", "35", "BUDI SANTOSO")
    assert worker.registered_by == dadapkuning_operator and worker.created_at is not None
    assert job.created_by == dadapkuning_operator and job.region_code == DADAPKUNING
    assert Path(job.file.path).is_file() and str(job.file.path).startswith(str(services.settings.MEDIA_ROOT))
    assert len(job.file_hash) == 64 and job.rows_read == 1 and job.rows_written == 1
    entry = AuditEntry.objects.get(target_type="imports.importjob", target_id=str(job.pk))
    assert entry.actor == dadapkuning_operator and entry.region_code == DADAPKUNING
    assert entry.changes["created"] == [None, 1]


def test_re_sending_the_same_file_creates_nothing_new(db, tmp_path, csr_funder):
    from lindung.funding.models import Sponsorship

    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(5)])
    sponsor = dict(funder_id=csr_funder.pk, programs=["jkk", "jkm"], start_month=dt.date(2027, 1, 1), months=6,
                   funding_source="csr")
    first = run_import(path, **sponsor)
    assert first.counts["created"] == 5 and first.counts["sponsorships"] == 5
    second = run_import(path, **sponsor)
    assert services.earlier_import_of_same_file(second) == first
    assert second.counts["created"] == 0 and second.counts["skipped"] == 5 and second.counts["rejected"] == 0
    assert second.counts.get("sponsorships", 0) == 0 and second.counts["already_sponsored"] == 5
    assert second.outcome == Outcome.EMPTY
    third = run_import(path, update_existing=True)
    assert third.counts["unchanged"] == 5 and third.counts["updated"] == 0
    assert Worker.objects.count() == 5 and Sponsorship.objects.count() == 5


def test_an_error_in_the_middle_of_saving_leaves_nothing_half_written(db, tmp_path, monkeypatch):
    create_worker(DADAPKUNING, serial=99, name="Lama")
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(40), [make_nik("352511", B85, "M", 99), "Baru", "12/03/1985",
                                                                  "L", DADAPKUNING]])
    written = {}

    def failing_update(updates, *, now):
        written["workers"] = Worker.objects.count()  # the new rows are in, inside the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "update_workers", failing_update)
    job = run_import(path, update_existing=True)
    assert written["workers"] == 41
    assert job.status == Status.FAILED and "RuntimeError" in job.error
    assert list(Worker.objects.values_list("name", flat=True)) == ["Lama"]
    assert not AuditEntry.objects.filter(target_type="imports.importjob", action="create").exists()


def test_a_queued_job_is_claimed_once(db, tmp_path):
    access = Access.console()
    job = create_job(access, write_csv(tmp_path / "a.csv", [HEADER, *good_rows(1)]))
    queue_job(access, job)
    assert claim_next_job("worker-a").pk == job.pk
    assert claim_next_job("worker-b") is None
    assert ImportJob.objects.get().claimed_by == "worker-a"


def test_an_interrupted_job_is_queued_again_once_then_left_for_a_person_to_retry(db, tmp_path):
    from django.utils import translation

    access = Access.console()
    job = create_job(access, write_csv(tmp_path / "a.csv", [HEADER, *good_rows(2)]))
    with translation.override("en"):
        queue_job(access, job)
    old = services.timezone.now() - dt.timedelta(minutes=1)  # another machine's worker, silent for a minute
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING, heartbeat_at=old, claimed_by="other:1:w")
    assert worker.recover_jobs() == 1
    assert ImportJob.objects.get().status == Status.QUEUED
    assert worker.work("test", once=True) == 1
    job = ImportJob.objects.get()
    assert job.status == Status.DONE and job.attempts == 1 and Worker.objects.count() == 2
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING, heartbeat_at=old, attempts=2,
                                               claimed_by="other:1:w")
    worker.recover_jobs()
    job = ImportJob.objects.get()
    assert job.status == Status.INTERRUPTED and job.retryable and "Nothing of this list was saved" in job.error


def test_the_cli_reports_rows_columns_codes_and_messages_as_json(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(2), ["3.52511E+15", "X", "12/03/1985", "L", DADAPKUNING]],
                     delimiter=";")
    result = cli("import", "workers", str(path), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert (report["rows"], report["accepted"], report["rejected"]) == (3, 2, 1)
    assert report["errors"] == [{"row": 4, "column": "NIK", "code": "spreadsheet_scientific", "severity": "error",
                                 "message": report["errors"][0]["message"]}]
    assert "3.52511E+15" in report["errors"][0]["message"]
    again = cli("import", "workers", str(path), "--json")
    assert again.exit_code == 1 and "already imported" in again.output
    assert Worker.objects.count() == 2


def test_the_cli_acts_in_the_scope_of_the_user_given_with_as(db, tmp_path, dadapkuning_operator):
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(2)])
    result = cli("import", "workers", str(path), "--as", "desa.dadapkuning", "--json")
    report = json.loads(result.stdout)
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(3, "outside_scope")]
    assert Worker.objects.get().registered_by == dadapkuning_operator
    refused = cli("import", "workers", str(path), "--as", "desa.dadapkuning", "--village-code", LENGKONG)
    assert refused.exit_code == 1 and "outside the regions" in refused.output


def test_the_cli_dry_run_and_sponsorship_options(db, tmp_path, csr_funder):
    path = write_csv(tmp_path / "a.csv", [HEADER, *good_rows(3)])
    dry = json.loads(cli("import", "workers", str(path), "--dry-run", "--json").stdout)
    assert dry["outcome"] == "dry_run" and dry["accepted"] == 3 and Worker.objects.count() == 0
    result = cli("import", "workers", str(path), "--funder", str(csr_funder.pk), "--programs", "jkk,jkm",
                 "--start", "2027-01", "--months", "12", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sponsorships"] == 3
    bad = cli("import", "workers", str(path), "--funder", str(csr_funder.pk), "--programs", "jkk", "--force")
    assert bad.exit_code == 1 and "funder, the programmes, the first month" in bad.output


# --- a real kill -------------------------------------------------------------------------------------

def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(data_dir), LINDUNG_LANG="en")
    return env


LINDUNG = str(Path(sys.executable).with_name("lindung"))


def _lindung(*args, env, **kwargs):
    return subprocess.run([LINDUNG, *args], env=env, capture_output=True, text=True, **kwargs)


def _scalar(db_path: Path, sql: str):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute(sql).fetchone()
    return row[0] if row else None


def test_killing_the_importer_during_the_commit_leaves_none_of_the_batch(tmp_path):
    """SIGKILL while the rows are being written: none is visible afterwards; the worker runs it again."""
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    assert _lindung("migrate", env=env).returncode == 0
    assert _lindung("regions", "load", env=env).returncode == 0
    db_path = data_dir / "lindung.sqlite3"
    # 60,000 distinct NIKs (birth dates cycle every 420 rows, serials every 400); birth dates come from the NIK.
    rows = [[make_nik("352511", dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28), "M", 1 + i // 400), f"Pekerja {i}",
             "", "L", DADAPKUNING] for i in range(60_000)]
    path = write_csv(tmp_path / "besar.csv", [["NIK", "Nama", "Catatan", "L/P", "Kode Desa"], *rows])
    process = subprocess.Popen([LINDUNG, "import", "workers", str(path)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            status = _scalar(db_path, "SELECT status FROM imports_importjob ORDER BY id DESC LIMIT 1")
            if status == "committing":
                break
            time.sleep(0.05)
        assert status == "committing", f"never reached the commit (status {status}, exit {process.poll()})"
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    final_status = _scalar(db_path, "SELECT status FROM imports_importjob ORDER BY id DESC LIMIT 1")
    workers = _scalar(db_path, "SELECT COUNT(*) FROM people_worker")
    assert final_status == "committing", "the kill came after the commit; the test proved nothing"
    assert workers == 0

    # The worker notices the dead job (its heartbeat is old) and runs it again from the start.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE imports_importjob SET heartbeat_at = '2000-01-01 00:00:00'")
    done = _lindung("worker", "--once", env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _scalar(db_path, "SELECT status FROM imports_importjob") == "done"
    assert _scalar(db_path, "SELECT COUNT(*) FROM people_worker") == len({r[0] for r in rows})


def test_the_documented_command_line_matches_the_command():
    """docs/imports.md cannot drift from `lindung import workers`."""
    import re

    from lindung.imports.cli import workers

    docs = (Path(__file__).resolve().parent.parent / "docs" / "imports.md").read_text()
    synopsis = docs.split("## Command line", 1)[1].split("```", 2)[1].split("lindung worker")[0]
    documented = set(re.findall(r"--[a-z][a-z\-]*", synopsis))
    actual = {opt for param in workers.params for opt in param.opts if opt.startswith("--")}
    assert documented == actual


def test_findings_are_written_in_the_language_of_whoever_started_the_import(db, tmp_path):
    from django.utils import translation

    access = Access.console()
    job = create_job(access, write_csv(tmp_path / "a.csv", [HEADER, *good_rows(1), *good_rows(1)]))
    with translation.override("en"):
        queue_job(access, job)
    assert job.language == "en" and "_language" not in job.options
    job = run_job(job, access=access)  # the worker runs with the site's default language active
    assert job.issues.get().message == "The same NIK is already on row 2 of this file."
