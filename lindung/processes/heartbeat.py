"""Who runs a background job, whether that process still lives, and its heartbeat.

Every claimed job records its owner (``host:pid:name``) and, while it runs, a heartbeat every
``EVERY`` seconds written from a thread with its own connection. Another worker judges the job
abandoned when its owner ran on the same machine and that process no longer exists (known at once),
or when its heartbeat is older than ``STALE_AFTER`` and its owner ran elsewhere.
"""

import contextlib
import datetime as dt
import logging
import os
import socket
import threading

from django.db import connections
from django.utils import timezone

from lindung import dialect

log = logging.getLogger(__name__)

EVERY = 5  # seconds
STALE_AFTER = dt.timedelta(seconds=30)


def owner_name(name: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{name or threading.current_thread().name}"[:100]


def owner_alive(owner: str) -> bool | None:
    """True/False for an owner on this machine (its process exists or not); None when it ran elsewhere."""
    host, _sep, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def abandoned(owner: str, beat: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Whether the process that claimed a job is gone (see the module's rule)."""
    alive = owner_alive(owner or "")
    if alive is not None:
        return not alive
    now = now or timezone.now()
    return beat is None or now - beat > STALE_AFTER


@contextlib.contextmanager
def beating(queryset, field: str = "heartbeat_at"):
    """While the block runs, set ``field`` to now on the rows of ``queryset`` every ``EVERY`` seconds,
    from a thread with its own connection (PostgreSQL; SQLite allows one writer at a time, and its
    jobs run on the machine of the database, where the process check decides)."""
    if not dialect.is_postgres():
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(queryset, field, stop), name="lindung-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=EVERY * 2)


def _beat(queryset, field: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(EVERY):
            try:
                queryset.update(**{field: timezone.now()})
            except Exception:  # a missed beat is retried; the job itself must not fail for it
                log.debug("heartbeat skipped", exc_info=True)
    finally:
        connections.close_all()
