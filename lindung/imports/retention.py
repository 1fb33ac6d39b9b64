"""Uploaded lists are personal data: they are deleted once they are no longer needed.

``LINDUNG_UPLOAD_RETENTION_DAYS`` (default 30) after an import finished (or, for a list whose columns
were never chosen, after it was uploaded), its file and its XLSX error report are deleted. The job
stays, with its counts, its findings (row, column, reason) and its audit entries, so the report page
and ``lindung import workers --json``'s report remain; the page says the file was deleted.

Run by ``lindung worker`` once a day and by ``lindung import purge-uploads`` (e.g. from cron when no
worker runs).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import ImportJob, Status
from .readers import spool_path
from .report import report_path

log = logging.getLogger(__name__)


def purge_uploads(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs past the retention period; returns how many jobs lost their file."""
    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = ImportJob.objects.filter(file_purged_at__isnull=True).filter(
        Q(status__in=(Status.DONE, Status.FAILED, Status.INTERRUPTED), finished_at__lt=cutoff)
        | Q(status=Status.MAPPING, created_at__lt=cutoff))
    purged = 0
    for job in old.iterator():
        try:
            if job.file:
                spool_path(job.file.path).unlink(missing_ok=True)
                job.file.delete(save=False)
            report_path(job).unlink(missing_ok=True)
        except OSError:
            log.warning("could not delete the upload of import %s", job.pk, exc_info=True)
            continue
        purged += ImportJob.objects.filter(pk=job.pk, file_purged_at__isnull=True).update(
            file_purged_at=timezone.now(), file="")
    return purged
