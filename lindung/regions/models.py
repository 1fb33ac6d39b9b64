"""The Kemendagri region tree and its population denominators.

Codes are the official Kemendagri codes, digits only: province 2, regency/city 4, district 6,
village/kelurahan 10. A child's code always starts with its parent's code, so "everything inside a
region" is a prefix test, and the ancestors of any code are its 2/4/6-digit prefixes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village")


CODE_LENGTH = {Level.PROVINCE: 2, Level.REGENCY: 4, Level.DISTRICT: 6, Level.VILLAGE: 10}
LEVEL_NAMES = {"province": Level.PROVINCE, "regency": Level.REGENCY, "district": Level.DISTRICT,
               "village": Level.VILLAGE}


CODE_LENGTHS = (2, 4, 6, 10)

# Rows that carry a domicile (the worker, and rows copied from it) keep each level's code in these
# fields, so a region at any level is one equality filter on an indexed column.
REGION_FIELDS = {2: "province_code", 4: "regency_code", 6: "district_code", 10: "village_id"}


def is_region_code(code: str) -> bool:
    return code.isdigit() and len(code) in CODE_LENGTHS


def ancestor_codes(code: str) -> list[str]:
    """The codes of a region and all its ancestors, province first."""
    return [code[:n] for n in CODE_LENGTHS if n <= len(code)]


def parent_code(code: str) -> str | None:
    """The code of the region one level up ("" above a province, None for a malformed code)."""
    if len(code) not in CODE_LENGTHS:
        return None
    return ancestor_codes(code)[-2] if len(code) > 2 else ""


def region_field(code: str, village_field: str = "village_id") -> str | None:
    """The denormalised field holding codes of ``code``'s level (None for a malformed code)."""
    field = REGION_FIELDS.get(len(code)) if code.isdigit() else None
    return village_field if field == "village_id" else field


def derived_codes(village_code: str) -> dict[str, str]:
    """A village's district, regency and province codes, as a worker stores them beside its village."""
    code = village_code or ""
    return {"province_code": code[:2], "regency_code": code[:4], "district_code": code[:6]}


def dotted(code: str) -> str:
    """Kemendagri's dotted notation: 3525112001 → 35.25.11.2001."""
    parts = [code[:2], code[2:4], code[4:6], code[6:]]
    return ".".join(p for p in parts if p)


class Region(models.Model):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.name} ({dotted(self.code)})"

    @property
    def dotted_code(self) -> str:
        return dotted(self.code)

    def ancestors(self) -> list["Region"]:
        codes = ancestor_codes(self.code)[:-1]
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]


class Population(models.Model):
    """Dukcapil total population of a province or regency (shipped data, not workers)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    semester = models.PositiveSmallIntegerField(_("semester"), default=2)
    male = models.PositiveIntegerField(_("male"))
    female = models.PositiveIntegerField(_("female"))
    total = models.PositiveIntegerField(_("total population"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "semester"],
                                               name="population_once_per_period")]
        verbose_name = _("population")
        verbose_name_plural = _("populations")


class WorkingPopulation(models.Model):
    """Working population of a region in a year: the UCJ coverage denominator.

    Not published as an open file, so authorised users enter or import it per region and year.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="working_populations")
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("working population"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"],
                                               name="working_population_once_per_year")]
        ordering = ["region_id", "-year"]
        verbose_name = _("working population")
        verbose_name_plural = _("working populations")

    def __str__(self):
        return f"{self.region_id} {self.year}: {self.count}"

    @classmethod
    def latest_for(cls, region_code: str, year: int) -> "WorkingPopulation | None":
        """The figure for ``year``, or the most recent earlier one."""
        return cls.objects.filter(region_id=region_code, year__lte=year).order_by("-year").first()
