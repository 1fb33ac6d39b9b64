"""What several Lindung processes (app servers, workers, commands) share through the database.

- ``CacheVersion``: one counter per process cache (the rule book, the region codes). A change bumps it
  in the writing transaction; every process compares it with the version its copy was read at, at most
  once per ``caches.CHECK_SECONDS``, and reads again when it moved.
- ``PeriodicRun``: one row per periodic job and period (the lifecycle run of a day), so that of any
  number of ``lindung worker`` processes exactly one runs it; a run whose worker died is taken over.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CacheVersion(models.Model):
    name = models.CharField(_("cache"), max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("cache version")
        verbose_name_plural = _("cache versions")

    def __str__(self):
        return f"{self.name} v{self.version}"


class PeriodicRun(models.Model):
    job = models.CharField(_("job"), max_length=40)
    period = models.CharField(_("period"), max_length=10)  # the day (YYYY-MM-DD) the run is for
    claimed_by = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("failure"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once")]
        ordering = ["-started_at", "-id"]
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self):
        return f"{self.job} {self.period}"
