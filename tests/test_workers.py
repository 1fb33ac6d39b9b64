"""Several `lindung worker` processes on one PostgreSQL database share the queue: every job runs once, and
a job whose worker is killed (SIGKILL) half-way is taken over and finished by another.

The workers are real processes started here against the test database; the jobs are imports of small
worker lists queued through the same services the pages use.
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer():
    """A PgBouncer in transaction mode in front of the test server, two server connections per database
    (so that consecutive transactions of one client run on different server connections)."""
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        pytest.skip("PgBouncer is not installed (.ci/run installs Debian's pgbouncer)")
    db = connection.settings_dict
    folder = Path(tempfile.mkdtemp(prefix="lindung-pgbouncer-"))  # outside pytest's root-only folders
    port = free_port()
    (folder / "userlist.txt").write_text(f'"{db["USER"]}" ""\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={db['HOST']} port={db['PORT'] or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
auth_type = trust
auth_file = {folder / 'userlist.txt'}
logfile = {folder / 'pgbouncer.log'}
""")
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(folder, "postgres")
        for child in folder.iterdir():
            shutil.chown(child, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _accepts(port), 20, "PgBouncer to listen")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def worker_env(tmp_path, files):
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(tmp_path / "data"), LINDUNG_FILES_DIR=str(files),
               LINDUNG_LANG="en",
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    return env


@pytest.fixture
def start_worker(worker_env):
    env = worker_env
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


def test_workers_behind_a_transaction_mode_pgbouncer_share_the_queue(tmp_path, pgbouncer, worker_env, start_worker):
    """No session state: claims (SKIP LOCKED), heartbeats, advisory locks and the rows' COPY all work when
    every transaction may land on another server connection."""
    db = connection.settings_dict
    worker_env.update(DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{pgbouncer}/{db['NAME']}",
                      LINDUNG_DB_POOLER="transaction")
    periodic.forget()
    first, second = start_worker(), start_worker()
    jobs = [queue(tmp_path, f"list-{n}", worker_rows(n * 300, 300)) for n in range(6)]
    wait_for(lambda: not ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).exclude(status=Status.DONE).exists(),
             180, "the six imports")
    done = list(ImportJob.objects.filter(pk__in=[j.pk for j in jobs]))
    assert {(j.status, j.outcome, j.attempts, j.error) for j in done} == {(Status.DONE, Outcome.COMMITTED, 1, "")}
    assert {pid_of(j) for j in done} <= {first.pid, second.pid}
    assert Worker.objects.count() == 6 * 300
