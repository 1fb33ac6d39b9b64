"""Programmes with targets: a funder's commitment to cover workers village by village.

A programme (Kabupaten Sukabumi's "1 Desa 100 Pekerja Rentan", Gresik's Perbup on ADD for RT/RW heads,
Jambi's BKBK 10 %) is run by a funder under a legal basis for a period, sets a target per village — a
number of workers, or a segment such as "all RT/RW heads" (the target is then the number of such workers
the registry holds in the village) — and groups the sponsorship lists that carry it out. Its progress
(covered workers against targets, budget used) is computed from coverage and billing.

Its own app above coverage: it only reads funding (lists), billing (money paid) and coverage (cover), and
funding stays unaware of it — a list belongs to a programme through ``Programme.lists``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.funding.models import Funder, SponsorshipBatch
from lindung.people.models import Segment
from lindung.regions.models import Region


class Programme(models.Model):
    funder = models.ForeignKey(Funder, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"))
    target_workers = models.PositiveIntegerField(_("target per village (workers)"), null=True, blank=True)
    target_segment = models.CharField(_("target segment"), max_length=20, choices=Segment.choices, blank=True,
                                      help_text=_("Every worker of this segment in the village, e.g. all RT/RW heads."))
    budget = models.PositiveBigIntegerField(_("budget (Rp)"), null=True, blank=True)
    lists = models.ManyToManyField(SponsorshipBatch, verbose_name=_("sponsorship lists"), blank=True,
                                   related_name="programmes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_month", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class ProgrammeVillage(models.Model):
    """A village taking part, with its own target when it differs from the programme's."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    target = models.PositiveIntegerField(_("target (workers)"), null=True, blank=True)

    class Meta:
        ordering = ["village_id"]
        verbose_name = _("programme village")
        verbose_name_plural = _("programme villages")
        constraints = [models.UniqueConstraint(fields=["programme", "village"], name="programme_village_once")]
