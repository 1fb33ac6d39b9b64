"""The worker registry, keyed by NIK.

Sized for millions of rows: the domicile's district/regency/province codes are stored beside the
village code (they are its prefixes) so that scope filters and per-region counts are plain indexed
equality tests and GROUP BYs, never joins up the region tree.
"""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Region, derived_codes

from .nik import FLAG_LABELS, mask_nik


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Segment(models.TextChoices):
    """Membership segments. The first four are BPU (non-wage earners), PU are wage earners."""

    BPU_VULNERABLE = "bpu_rentan", _("BPU – vulnerable worker (pekerja rentan)")
    VILLAGE_OFFICIAL = "perangkat_desa", _("BPU – village official (perangkat desa)")
    RT_RW = "rt_rw", _("BPU – RT/RW head")
    BPU_OTHER = "bpu_lain", _("BPU – other informal worker")
    PU = "pu", _("PU – wage earner")

    @classmethod
    def bpu(cls) -> set[str]:
        return {cls.BPU_VULNERABLE, cls.VILLAGE_OFFICIAL, cls.RT_RW, cls.BPU_OTHER}


class Ecosystem(models.TextChoices):
    VILLAGE = "desa", _("Village")
    MARKET = "pasar", _("Market")
    UMKM = "umkm", _("E-commerce / UMKM")
    VULNERABLE = "rentan", _("Vulnerable workers")


class Sector(models.TextChoices):
    """Economic sector, where a regulation treats sectors differently (PP 50/2025: transport)."""

    TRANSPORT = "transport", _("Transport (ride-hailing, drivers, couriers, logistics)")
    OTHER = "other", _("Other sectors")


def normalise_name(name: str) -> str:
    """Upper-case ASCII with single spaces: the key for search and possible-duplicate checks."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def age_band(birth_date, on) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))  # as age_on
    low = max(age, 0) // 10 * 10
    return f"{low}–{low + 9}"


class Worker(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_key = models.CharField(max_length=150, db_index=True, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    village = models.ForeignKey(Region, verbose_name=_("domicile village"), on_delete=models.PROTECT,
                                db_column="village_code", related_name="+")
    district_code = models.CharField(max_length=6, editable=False)
    regency_code = models.CharField(max_length=4, editable=False)
    province_code = models.CharField(max_length=2, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices,
                               default=Segment.BPU_VULNERABLE)
    ecosystem = models.CharField(_("ecosystem"), max_length=10, choices=Ecosystem.choices,
                                 default=Ecosystem.VULNERABLE)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices, default=Sector.OTHER)
    declared_income = models.PositiveBigIntegerField(_("declared monthly income (Rp)"))
    # NIK warnings and flags kept for review (codes from lindung.people.nik), e.g. ["prefix_unknown"].
    nik_flags = models.JSONField(_("NIK flags"), default=list, blank=True)
    # Set only when a reported death is confirmed by an authorised user (lindung.claims): billing
    # creates nothing for the months after it and derived cover stops at its month. Distinct from a
    # lapse, which is derived from payments.
    died_on = models.DateField(_("date of death (confirmed)"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="registered_workers")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        indexes = [
            # Each serves "inside this region" and "count per child region" from the index alone.
            models.Index(fields=["province_code", "regency_code"], name="worker_province_regency"),
            models.Index(fields=["regency_code", "district_code"], name="worker_regency_district"),
            models.Index(fields=["district_code", "village"], name="worker_district_village"),
            models.Index(fields=["village", "name_key"], name="worker_village_name"),
            models.Index(fields=["regency_code", "birth_date", "name_key"], name="worker_possible_dupe"),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_nik})"

    @property
    def is_deceased(self) -> bool:
        return self.died_on is not None

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def age_band(self) -> str:
        """Ten-year age band today, e.g. "30–39": what a donor may know of a worker's age."""
        return age_band(self.birth_date, timezone.localdate()) if self.birth_date else ""

    @property
    def nik_flag_labels(self) -> list[str]:
        """The NIK flags as people read them (codes only in data and exports for machines)."""
        return [str(FLAG_LABELS.get(code, code)) for code in self.nik_flags or []]

    def fill_derived(self) -> None:
        for field, value in derived_codes(self.village_id).items():
            setattr(self, field, value)
        self.name_key = normalise_name(self.name)

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)
