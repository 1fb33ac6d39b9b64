"""Several `lindung worker` processes on one PostgreSQL database share the queue: every job runs once, and
a job whose worker is killed (SIGKILL) half-way is taken over and finished by another.

The workers are real processes started here against the test database; the jobs are imports of small
worker lists queued through the same services the pages use.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from lindung.accounts.access import Access
from lindung.imports.models import ImportJob, Outcome, Status
from lindung.imports.services import create_job, queue_job
from lindung.people.models import Worker
from lindung.processes import periodic
from lindung.processes.models import PeriodicRun

from .conftest import DADAPKUNING, make_nik
from .imports_support import write_csv

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several worker processes need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

LINDUNG = str(Path(sys.executable).with_name("lindung"))
HEADER = ["NIK", "Nama", "Catatan", "L/P", "Kode Desa"]


def worker_rows(first: int, count: int) -> list[list]:
    """``count`` distinct workers of Dadapkuning numbered from ``first`` (birth dates and serials vary)."""
    return [[make_nik("352511", dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28), "M", 1 + i // 420),
             f"Pekerja {i}", "", "L", DADAPKUNING] for i in range(first, first + count)]


def queue(tmp_path: Path, name: str, rows: list[list]) -> ImportJob:
    access = Access.console()
    job = create_job(access, write_csv(tmp_path / f"{name}.csv", [HEADER, *rows]))
    return queue_job(access, job)


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"  # the shared folder of every process (LINDUNG_FILES_DIR)
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(tmp_path, files):
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(tmp_path / "data"), LINDUNG_FILES_DIR=str(files),
               LINDUNG_LANG="en",
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    started = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen([LINDUNG, "worker", "--poll", "0.2"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        assert "worker" in process.stdout.readline()  # it is up and polling
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def pid_of(job: ImportJob) -> int:
    return int(job.claimed_by.split(":")[1])


def test_two_workers_share_the_queue_and_run_every_job_once(tmp_path, start_worker):
    periodic.forget()
    first, second = start_worker(), start_worker()
    jobs = [queue(tmp_path, f"list-{n}", worker_rows(n * 300, 300)) for n in range(12)]
    wait_for(lambda: not ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).exclude(status=Status.DONE).exists(),
             180, "the twelve imports")
    done = list(ImportJob.objects.filter(pk__in=[j.pk for j in jobs]))
    assert {(j.status, j.outcome, j.attempts) for j in done} == {(Status.DONE, Outcome.COMMITTED, 1)}
    assert {pid_of(j) for j in done} == {first.pid, second.pid}, "one worker ran every job"
    assert Worker.objects.count() == 12 * 300
    # The daily lifecycle run: one of the two workers ran it, once.
    runs = list(PeriodicRun.objects.filter(job="sponsorship-lifecycle"))
    assert len(runs) == 1 and runs[0].attempts == 1 and runs[0].finished_at is not None
    assert int(runs[0].claimed_by.split(":")[1]) in {first.pid, second.pid}


def test_a_job_whose_worker_is_killed_is_finished_by_another_worker(tmp_path, start_worker):
    periodic.forget()
    big = queue(tmp_path, "besar", worker_rows(0, 40_000))
    doomed = start_worker()
    job = wait_for(lambda: ImportJob.objects.filter(pk=big.pk, status__in=[Status.VALIDATING, Status.COMMITTING])
                   .first(), 60, "the first worker to claim the import")
    assert pid_of(job) == doomed.pid
    survivor = start_worker()
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert ImportJob.objects.get(pk=big.pk).status != Status.DONE, "the import ended before the kill"
    job = wait_for(lambda: ImportJob.objects.filter(pk=big.pk, status=Status.DONE).first(), 300,
                   "the second worker to finish the import")
    assert (job.outcome, job.attempts, pid_of(job)) == (Outcome.COMMITTED, 2, survivor.pid)
    assert Worker.objects.count() == 40_000  # saved once, by the survivor
