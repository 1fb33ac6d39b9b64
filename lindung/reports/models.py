"""Generated reports: one ``ReportRun`` per request, with its parameters, progress and file.

A run moves QUEUED → RUNNING → DONE (or FAILED). Small reports run at once in the request; large
ones wait for the background worker (``lindung worker``, or the thread inside ``lindung serve``),
which claims a queued run with a conditional UPDATE. Progress counters live on the row so the page
can poll them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("generating")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Format(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ReportRun(models.Model):
    report = models.CharField(_("report"), max_length=40, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=5, default="id")
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                   on_delete=models.SET_NULL, related_name="report_runs")
    region_code = models.CharField(_("region"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("failure"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")

    def __str__(self):
        return f"#{self.pk} {self.report} {self.format}"

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == Status.DONE:
            return 100
        if self.status != Status.RUNNING or not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class RegulationKind(models.TextChoices):
    PERDA = "perda", _("Regional regulation (Perda)")
    PERGUB = "pergub", _("Governor regulation (Pergub)")
    PERBUP = "perbup", _("Regent or mayor regulation (Perbup/Perwal)")
    KEPUTUSAN = "keputusan", _("Decree (Keputusan)")
    INSTRUKSI = "instruksi", _("Instruction (Instruksi)")
    SURAT_EDARAN = "surat_edaran", _("Circular (Surat Edaran)")
    OTHER = "other", _("Other")


class Regulation(models.Model):
    """A regulation a province or regency issued for social-security cover (Inpres 2/2021), entered by its
    regional operator as evidence for the Paritrana award."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               db_column="region_code", related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=RegulationKind.choices)
    number = models.CharField(_("number"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["region", "-issued_on", "number"]
        verbose_name = _("regional regulation")
        verbose_name_plural = _("regional regulations")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
