"""Finding 18 on PostgreSQL: `lindung import workers` killed with SIGKILL while saving leaves none of its
rows, and the next `lindung worker` sees at once that the owner is dead (no waiting for an old heartbeat)
and runs the import again to the end. A scratch database beside the test database, real processes."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import DADAPKUNING, make_nik
from .imports_support import write_csv

URL = os.environ.get("DATABASE_URL", "")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not URL.startswith("postgres"), reason="the PostgreSQL half of finding 18")]
LINDUNG = str(Path(sys.executable).with_name("lindung"))


@pytest.fixture
def scratch_url():
    import psycopg

    server = URL.rsplit("/", 1)[0]
    name = f"lindung_kill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _scalar(url, sql):
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
    return row[0] if row else None


def test_a_cli_import_killed_while_saving_on_postgresql_is_taken_up_again_at_once(tmp_path, scratch_url):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=scratch_url, LINDUNG_MODE="dev", LINDUNG_DATA_DIR=str(tmp_path / "data"),
               LINDUNG_LANG="en", LINDUNG_IMPORT_WORKER="off")
    for args in (["migrate"], ["regions", "load"]):
        done = subprocess.run([LINDUNG, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    rows = [[make_nik("352511", dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28), "M", 1 + i // 400), f"Pekerja {i}",
             "L", DADAPKUNING] for i in range(60_000)]
    path = write_csv(tmp_path / "besar.csv", [["NIK", "Nama", "L/P", "Kode Desa"], *rows])
    process = subprocess.Popen([LINDUNG, "import", "workers", str(path)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline, status = time.monotonic() + 300, None
        while time.monotonic() < deadline and process.poll() is None:
            status = _scalar(scratch_url, "SELECT status FROM imports_importjob ORDER BY id DESC LIMIT 1")
            if status == "committing":
                break
            time.sleep(0.05)
        assert status == "committing", f"never reached the commit (status {status}, exit {process.poll()})"
        time.sleep(0.2)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert _scalar(scratch_url, "SELECT status FROM imports_importjob") == "committing", \
        "the kill came after the commit; the test proved nothing"
    assert _scalar(scratch_url, "SELECT COUNT(*) FROM people_worker") == 0

    # No heartbeat is touched: the owner's process is gone, which the worker sees at once.
    started = time.monotonic()
    done = subprocess.run([LINDUNG, "worker", "--once"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _scalar(scratch_url, "SELECT status FROM imports_importjob") == "done"
    assert _scalar(scratch_url, "SELECT COUNT(*) FROM people_worker") == len({r[0] for r in rows})
    assert time.monotonic() - started < 300
