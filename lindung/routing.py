"""Read replicas: which database a query goes to (``DATABASE_ROUTERS``; see docs/deployment.md).

Everything goes to the primary (``default``) unless a piece of work declares itself read-only —
dashboards, coverage indicators, reports, exports, API list reads — with ``replica_view`` (a view)
or ``replica_reads()`` (any block, e.g. a report built by the background worker). Inside such
work a read goes to a replica (``LINDUNG_DB_REPLICAS``) only when all of these hold:

- the model is not primary-only (sessions, accounts, login throttling, job state: a user who just
  signed in, or a worker that just claimed a job, must see it at once);
- no write happened earlier in the same work, and no transaction is open on the primary (a replica
  cannot see what the transaction has not committed);
- the user has not written in the last ``LINDUNG_READ_YOUR_WRITES_SECONDS`` (read-your-own-writes: a
  successful POST/PUT/PATCH/DELETE leaves a cookie with its time; ``ReadYourWritesMiddleware``);
- the replica answers, is a hot standby (``pg_is_in_recovery()``) and lags the primary by at most
  ``LINDUNG_REPLICA_MAX_LAG_SECONDS``; this is asked at most once per ``LINDUNG_REPLICA_CHECK_SECONDS``
  per process, so a replica that is down or behind costs one failed probe, then the primary serves.

Writes always go to the primary: ``db_for_write`` has no other answer, and a server that is not in
recovery is never used as a replica, so nothing can write to one.
"""

import contextlib
import contextvars
import functools
import logging
import random
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

from lindung import dialect

log = logging.getLogger(__name__)

PRIMARY = "default"
WROTE_COOKIE = "lindung_wrote"
# Models whose rows must be read where they were written: who is signed in, tokens, login throttling,
# the cache versions that invalidate process caches, and the job queues' state.
PRIMARY_ONLY_APPS = {"sessions", "auth", "accounts", "axes", "admin", "contenttypes", "processes", "imports",
                     "reports"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _Work:
    """One piece of read-only work in progress."""

    __slots__ = ("primary_only", "wrote")

    def __init__(self, primary_only: bool):
        self.primary_only = primary_only
        self.wrote = False


_work: contextvars.ContextVar["_Work | None"] = contextvars.ContextVar("lindung_routing_work", default=None)


@contextlib.contextmanager
def replica_reads(*, primary_only: bool = False):
    """Reads inside this block may go to a replica (see the module's rules)."""
    token = _work.set(_Work(primary_only))
    try:
        yield
    finally:
        _work.reset(token)


def wrote_recently(request) -> bool:
    """Whether the user behind ``request`` wrote within the read-your-own-writes window."""
    value = request.COOKIES.get(WROTE_COOKIE, "")
    try:
        written = float(value)
    except ValueError:
        return False
    return time.time() - written < settings.LINDUNG_READ_YOUR_WRITES_SECONDS


def replica_view(view):
    """Mark a read-only view (page, export, API list) whose reads may be served by a replica.

    A streamed response reads while it is sent, after the view returned: its iteration runs inside
    the same read-only work.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        primary_only = wrote_recently(request)
        with replica_reads(primary_only=primary_only):
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = _streamed(response.streaming_content, primary_only)
        return response

    return wrapped


def _streamed(chunks, primary_only: bool):
    with replica_reads(primary_only=primary_only):
        yield from chunks


def replicas() -> list[str]:
    return list(getattr(settings, "LINDUNG_REPLICAS", []))


def read_alias(model=None) -> str:
    """The database a read of ``model`` goes to now."""
    work = _work.get()
    if work is None or work.primary_only or work.wrote:
        return PRIMARY
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return PRIMARY
    aliases = replicas()
    if not aliases or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    healthy = [alias for alias in aliases if replica_healthy(alias)]
    return random.choice(healthy) if healthy else PRIMARY


# --- replica health, cached per process ---------------------------------------------------------------

_health_lock = threading.Lock()
_health: dict[str, tuple[float, bool]] = {}


def replica_healthy(alias: str) -> bool:
    """Up, in recovery and not lagging beyond the bound; probed at most once per check interval."""
    now = time.monotonic()
    checked = _health.get(alias)
    if checked is not None and now - checked[0] < settings.LINDUNG_REPLICA_CHECK_SECONDS:
        return checked[1]
    with _health_lock:
        checked = _health.get(alias)
        if checked is not None and now - checked[0] < settings.LINDUNG_REPLICA_CHECK_SECONDS:
            return checked[1]
        healthy = probe(alias)
        _health[alias] = (time.monotonic(), healthy)
        return healthy


def probe(alias: str) -> bool:
    """Ask the replica itself whether it may serve reads now."""
    state = replica_state(alias)
    if state["problem"] == "down":
        log.warning("replica %s unavailable, reading from the primary: %s", alias, state["error"])
    elif state["problem"] == "not_standby":
        log.warning("replica %s is not a standby (not in recovery); it is not used", alias)
    elif state["problem"] == "lagging":
        log.warning("replica %s lags %.1f s (bound %s s), reading from the primary", alias, state["lag_seconds"],
                    settings.LINDUNG_REPLICA_MAX_LAG_SECONDS)
    return state["available"]


def replica_state(alias: str) -> dict:
    """What the replica says of itself: available or why not (down, not_standby, lagging), and its lag."""
    state = {"alias": alias, "available": False, "problem": "", "lag_seconds": None, "error": ""}
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            cursor.execute(dialect.replica_state_sql())
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        with contextlib.suppress(DatabaseError):
            conn.close()
        return {**state, "problem": "down", "error": str(exc).strip().splitlines()[0] if str(exc).strip() else ""}
    state["lag_seconds"] = round(float(lag), 1)
    if not in_recovery:
        return {**state, "problem": "not_standby"}
    if lag > settings.LINDUNG_REPLICA_MAX_LAG_SECONDS:
        return {**state, "problem": "lagging"}
    return {**state, "available": True}


def forget_health() -> None:
    """Probe every replica again at its next use (tests, after a fail-over)."""
    with _health_lock:
        _health.clear()


class ReplicaRouter:
    """Reads of read-only work to a healthy replica, everything else to the primary."""

    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        work = _work.get()
        if work is not None:
            work.wrote = True  # later reads of this work see the write: they go to the primary
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReadYourWritesMiddleware:
    """After a successful write request, the user's reads go to the primary for a short window."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replicas() and request.method in UNSAFE_METHODS and response.status_code < 400:
            response.set_cookie(WROTE_COOKIE, f"{time.time():.3f}", max_age=settings.LINDUNG_READ_YOUR_WRITES_SECONDS,
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
