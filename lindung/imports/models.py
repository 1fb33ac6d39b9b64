"""Bulk enrolment: one ``ImportJob`` per uploaded list, its row-level findings, remembered mappings.

A job moves MAPPING → QUEUED → VALIDATING → COMMITTING → DONE (or FAILED). Its progress counters
live on the row so that any process (the web page polling, the CLI) can read them; a background
worker claims a queued job with a conditional UPDATE, so two workers never run the same job. A job
whose process died is INTERRUPTED (nothing of it was saved) and can be run again
(``lindung.imports.lifecycle``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MAPPING = "mapping", _("waiting for the column mapping")
    QUEUED = "queued", _("queued")
    VALIDATING = "validating", _("checking rows")
    COMMITTING = "committing", _("saving")
    DONE = "done", _("finished")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted")


RUNNING = (Status.VALIDATING, Status.COMMITTING)


class Outcome(models.TextChoices):
    COMMITTED = "committed", _("valid rows saved")
    NOTHING = "nothing", _("nothing saved: the list has errors and all-or-nothing was asked")
    DRY_RUN = "dry_run", _("checked only (dry run), nothing saved")
    EMPTY = "empty", _("nothing to save")


class ImportJob(models.Model):
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="import_jobs")
    # The region the list is for (a village, a district, or the uploader's region); "" = national.
    region_code = models.CharField(_("region"), max_length=10, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=8)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    # {column index as text: field key}; columns not named are ignored.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    # The findings are written in the language of the person who started the import.
    language = models.CharField(_("language"), max_length=10, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.MAPPING,
                              db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Progress, written while the job runs.
    rows_total = models.PositiveIntegerField(_("rows (estimate)"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_validated = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_to_write = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(_("rows saved"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    counts = models.JSONField(_("results"), default=dict, blank=True)
    error = models.TextField(_("failure"), blank=True)
    sponsorship_batch_id = models.BigIntegerField(null=True, blank=True)
    # The uploaded file (and its error report) are deleted after LINDUNG_UPLOAD_RETENTION_DAYS; the job,
    # its counts and its findings stay.
    file_purged_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"#{self.pk} {self.original_name}"

    @property
    def finished(self) -> bool:
        """No process works on it any more (an interrupted job may be run again)."""
        return self.status in (Status.DONE, Status.FAILED, Status.INTERRUPTED)

    @property
    def retryable(self) -> bool:
        return self.status == Status.INTERRUPTED and not self.file_purged_at

    @property
    def percent(self) -> int:
        """Overall progress: reading+checking is the first 60 %, saving the rest."""
        if self.status == Status.DONE:
            return 100
        total = max(self.rows_total, self.rows_validated, 1)
        checked = min(self.rows_validated / total, 1.0)
        if self.status not in RUNNING:
            return 0
        if self.status == Status.VALIDATING:
            return int(60 * checked)
        written = self.rows_written / self.rows_to_write if self.rows_to_write else 0
        return 60 + int(40 * min(written, 1.0))

    @property
    def reading(self) -> bool:
        """Checking has started but no row has arrived yet: the file is being read (a large sheet is
        parsed whole before its first row)."""
        return self.status == Status.VALIDATING and not self.rows_read

    def seconds_reading(self) -> int:
        return int((timezone.now() - self.started_at).total_seconds()) if self.started_at else 0

    def seconds_left(self) -> int | None:
        """An estimate from the speed so far in the current phase (the phase starts with its first row,
        so reading the file does not skew it); none before 3 % or 5 seconds of the phase, then rounded to
        5 seconds so it does not jump with every poll."""
        if self.status not in RUNNING or not self.phase_started_at or self.reading:
            return None
        elapsed = (timezone.now() - self.phase_started_at).total_seconds()
        if self.status == Status.VALIDATING:
            done, total = self.rows_validated, max(self.rows_total, self.rows_validated)
        else:
            done, total = self.rows_written, self.rows_to_write
        if done <= 0 or elapsed < 5 or not total or done / total < 0.03:
            return None
        left = (total - done) * elapsed / done
        return max(5, int(round(left / 5) * 5))

    @property
    def unaccounted_rows(self) -> int:
        """Rows counted but in no outcome (0 unless a count is wrong): the tiles must add up."""
        c = self.counts or {}
        return c.get("rows", 0) - sum(c.get(k, 0) for k in ("created", "updated", "unchanged", "skipped", "rejected"))


class Severity(models.TextChoices):
    ERROR = "error", _("rejected")
    REVIEW = "review", _("saved, needs review")
    NOTICE = "notice", _("notice")


class RowIssue(models.Model):
    """One finding about one row of an uploaded list (row numbers as the spreadsheet shows them)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices, default=Severity.ERROR)
    message = models.TextField(_("reason"))

    class Meta:
        ordering = ["job", "row", "id"]
        indexes = [models.Index(fields=["job", "severity", "row"], name="import_issue_job_row")]
        verbose_name = _("row issue")
        verbose_name_plural = _("row issues")

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "severity": self.severity,
                "message": self.message}


class RememberedMapping(models.Model):
    """How the columns of lists from one place were named last time (per uploader region or village)."""

    scope = models.CharField(max_length=60, unique=True)
    # {normalised header text: field key}
    headers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
