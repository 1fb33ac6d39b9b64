"""Who is running an import, whether that process is still alive, and what happens when it is not.

Every run records its owner (``host:pid:name``) and, while it runs, a heartbeat every few seconds.
A job is **interrupted** — its process was killed, the machine restarted — when

- its owner ran on this machine and that process no longer exists (known at once), or
- its heartbeat is older than ``STALE_AFTER`` (30 s) and its owner ran elsewhere.

On SQLite, which allows one writer at a time, no heartbeat can be written while the rows are saved;
an embedded SQLite database is always on the same machine, so the process check decides there.

Nothing of an interrupted job was saved (the rows are written in one transaction), so it is shown as
*interrupted* and can be run again: automatically once by the background worker
(``MAX_ATTEMPTS``), by hand from its page or with ``lindung import retry JOB``. The pages check the
job they show, so an interruption is visible within a second even when no worker runs.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung.processes import heartbeat

from .models import RUNNING, ImportJob, Status

HEARTBEAT_SECONDS = heartbeat.EVERY
STALE_AFTER = heartbeat.STALE_AFTER
owner_name, owner_alive = heartbeat.owner_name, heartbeat.owner_alive
MAX_ATTEMPTS = 2  # runs the worker starts on its own; a person may always run an interrupted job again


def is_dead(job: ImportJob, now: dt.datetime | None = None) -> bool:
    if job.status not in RUNNING:
        return False
    return heartbeat.abandoned(job.claimed_by, job.heartbeat_at or job.started_at, now)


def mark_interrupted(jobs=None) -> int:
    """Mark running jobs whose process is gone as interrupted; returns how many."""
    now = timezone.now()
    count = 0
    for job in (jobs if jobs is not None else ImportJob.objects.filter(status__in=RUNNING)):
        if not is_dead(job, now):
            continue
        with translation.override(job.language or settings.LANGUAGE_CODE):  # the language of its findings
            phase = _("checking rows") if job.status == Status.VALIDATING else _("saving")
            error = _("Interrupted while %(phase)s: the process running the import stopped. Nothing of this list "
                      "was saved; it can be run again.") % {"phase": phase}
        count += ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_by=job.claimed_by).update(
            status=Status.INTERRUPTED, finished_at=now, error=error)
    return count


def refresh(job: ImportJob) -> ImportJob:
    """The job as it is now, marked interrupted first if its process is gone (for the pages)."""
    if job.status in RUNNING and mark_interrupted([job]):
        job.refresh_from_db()
    return job


def retry(job: ImportJob) -> bool:
    """Queue an interrupted job again (the worker or ``lindung import retry`` runs it)."""
    if not job.retryable:
        return False
    return bool(ImportJob.objects.filter(pk=job.pk, status=Status.INTERRUPTED).update(
        status=Status.QUEUED, error="", finished_at=None, claimed_by=""))


def requeue_interrupted() -> int:
    """Interrupted jobs the worker may start again on its own (fewer than MAX_ATTEMPTS runs)."""
    return ImportJob.objects.filter(status=Status.INTERRUPTED, attempts__lt=MAX_ATTEMPTS,
                                    file_purged_at__isnull=True).update(
        status=Status.QUEUED, error="", finished_at=None, claimed_by="")


def running(job: ImportJob):
    """Heartbeats for a running job from a thread with its own connection (PostgreSQL).

    SQLite gets its heartbeat from the progress updates while rows are checked; while they are saved
    nothing else can write, and the process check above covers it.
    """
    return heartbeat.beating(ImportJob.objects.filter(pk=job.pk, status__in=RUNNING))
