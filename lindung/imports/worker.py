"""The background worker: claims queued imports one at a time and runs them.

``lindung worker`` runs it as its own process (production); ``lindung serve`` and ``lindung demo``
start it as a daemon thread in the web process for the embedded setup. Each turn of its loop first
marks jobs whose process died as interrupted and queues them again once (``lindung.imports.lifecycle``).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from lindung import dialect
from lindung.processes import periodic

from . import lifecycle
from .models import ImportJob, Status
from .retention import purge_uploads
from .services import run_job

log = logging.getLogger(__name__)


def recover_jobs() -> int:
    """Mark dead jobs interrupted and queue those the worker may run again; returns how many were marked."""
    marked = lifecycle.mark_interrupted()
    lifecycle.requeue_interrupted()
    return marked


def claim_next_job(worker_name: str) -> ImportJob | None:
    """Take the oldest queued job no other worker is taking (``dialect.claim_next``: SKIP LOCKED)."""
    now = timezone.now()
    job_id = dialect.claim_next(ImportJob.objects.filter(status=Status.QUEUED).order_by("created_at", "id"),
                                status=Status.VALIDATING, claimed_by=worker_name[:100], heartbeat_at=now,
                                started_at=now)
    return None if job_id is None else ImportJob.objects.get(pk=job_id)


PURGE_EVERY = 24 * 3600  # seconds between two purges of old uploads

# Other background queues sharing this worker (e.g. large reports): callables taking the worker's
# name and returning True when they ran something.
other_queues: list = []


def work(worker_name: str, *, stop: threading.Event | None = None, poll: float = 1.0, once: bool = False,
         periodic_jobs: bool = False) -> int:
    """Run queued imports (and the other registered queues) until ``stop`` is set (or, with ``once``,
    until they are empty); once a day,
    delete the uploads past their retention (``lindung.imports.retention``). With ``periodic_jobs``
    (``lindung worker``), also the daily jobs, each run by one worker of all (``processes.periodic``)."""
    done = 0
    last_purge = None
    while stop is None or not stop.is_set():
        try:
            if last_purge is None or time.monotonic() - last_purge > PURGE_EVERY:
                last_purge = time.monotonic()
                purge_uploads()
            recover_jobs()
            if periodic_jobs:
                periodic.run_due(worker_name)
            job = claim_next_job(worker_name)
            if job is not None:
                run_job(job)
                done += 1
                continue
            if any(queue(worker_name) for queue in other_queues):
                done += 1
                continue
        except Exception:
            log.exception("import worker error")
        finally:
            if not connection.in_atomic_block:  # (a test's transaction must stay open)
                close_old_connections()
        if once:
            break
        if stop is not None:
            stop.wait(poll)
        else:
            time.sleep(poll)
    return done


_thread: threading.Thread | None = None


def start_worker_thread(name: str = "serve") -> threading.Thread:
    """The embedded worker: a daemon thread inside `lindung serve` / `lindung demo`."""
    global _thread
    if _thread is None or not _thread.is_alive():
        _thread = threading.Thread(target=work, args=(lifecycle.owner_name(name),),
                                   kwargs={"stop": threading.Event()}, name="lindung-import-worker", daemon=True)
        _thread.start()
    return _thread


def embedded_worker_enabled() -> bool:
    """On by default for the embedded setup (SQLite, demo/dev); production runs `lindung worker`."""
    value = settings.IMPORT_WORKER
    if value in ("thread", "off"):
        return value == "thread"
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") or settings.MODE in ("demo", "dev")
