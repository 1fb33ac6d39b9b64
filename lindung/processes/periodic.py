"""Daily (or monthly) jobs that the background workers run: each once on its day, whatever the number of
workers.

An app registers a job (``register``); every ``lindung worker`` asks ``run_due`` on each turn of its
loop. The first worker to insert the ``PeriodicRun`` row of (job, day) runs it — the unique constraint
decides, on SQLite and PostgreSQL alike — and the others skip it. While it runs, the row has a
heartbeat; a worker that finds a run whose owner died (``heartbeat.abandoned``) takes it over, at most
``MAX_ATTEMPTS`` times in all. A job must be idempotent, because a run that died half-way may have
done part of its work (the sponsorship lifecycle is: it moves states by date).
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lindung.months import today as today_in_zone

from . import heartbeat
from .models import PeriodicRun

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
jobs: dict = {}          # name → callable(day) returning a JSON-able summary
due_on: dict = {}        # name → callable(day): whether the job runs that day (default: every day)
_settled: set = set()    # (name, day) this process knows are taken: no query for them again


def register(name: str, job, due=None) -> None:
    jobs[name] = job
    if due is not None:
        due_on[name] = due


def run_due(worker_name: str, day=None) -> int:
    """Run the registered jobs not yet run (or abandoned) today; returns how many this worker ran."""
    day = day or today_in_zone()
    ran = 0
    for name, job in list(jobs.items()):
        key = (name, day.isoformat())
        if key in _settled:
            continue
        if name in due_on and not due_on[name](day):
            _settled.add(key)
            continue
        run = _claim(name, key[1], worker_name)
        if run is None:
            continue
        ran += 1
        mine = PeriodicRun.objects.filter(pk=run.pk, claimed_by=run.claimed_by)
        try:
            with heartbeat.beating(mine):
                result = job(day)
        except Exception as exc:  # recorded on the run; tomorrow's run tries again
            log.exception("periodic job %s failed", name)
            mine.update(finished_at=timezone.now(), error=str(exc)[:2000] or exc.__class__.__name__)
        else:
            mine.update(finished_at=timezone.now(), heartbeat_at=timezone.now(), result=result or {})
        _settled.add(key)
    return ran


def _claim(name: str, period: str, worker_name: str) -> PeriodicRun | None:
    now = timezone.now()
    owner = worker_name[:100]
    existing = PeriodicRun.objects.filter(job=name, period=period).first()
    if existing is None:
        try:
            with transaction.atomic():
                return PeriodicRun.objects.create(job=name, period=period, claimed_by=owner, attempts=1,
                                                  started_at=now, heartbeat_at=now)
        except IntegrityError:  # another worker inserted it first: it runs the job
            return None
    if existing.finished_at is not None or existing.attempts >= MAX_ATTEMPTS:
        _settled.add((name, period))
        return None
    if not heartbeat.abandoned(existing.claimed_by, existing.heartbeat_at or existing.started_at, now):
        return None  # another worker runs it now
    taken = PeriodicRun.objects.filter(pk=existing.pk, claimed_by=existing.claimed_by, finished_at__isnull=True).update(
        claimed_by=owner, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, error="")
    if not taken:
        return None
    log.warning("periodic job %s %s taken over from %s", name, period, existing.claimed_by)
    return PeriodicRun.objects.get(pk=existing.pk)


def forget() -> None:
    """Forget what this process knows about today's runs (tests)."""
    _settled.clear()
