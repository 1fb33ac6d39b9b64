"""Funders: whoever pays contributions for workers (governments, villages, companies, people)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Region


class FunderKind(models.TextChoices):
    PROVINCE = "province", _("Province (APBD / grants to villages)")
    REGENCY = "regency", _("Regency or city (APBD)")
    VILLAGE = "village", _("Village (village budget / ADD)")
    COMPANY = "company", _("Company (CSR/TJSL)")
    DONOR = "donor", _("Individual donor")
    SERTAKAN = "sertakan", _("SERTAKAN member")
    SELF = "self", _("Self-paying worker")


class Funder(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FunderKind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="funders",
                               help_text=_("The government's own region, or where a company or donor is based."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self):
        return self.name
