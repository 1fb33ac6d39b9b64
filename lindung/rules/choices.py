"""Vocabularies shared by rules, funding, billing and imports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Program(models.TextChoices):
    JKK = "jkk", _("JKK – work-accident cover")
    JKM = "jkm", _("JKM – death cover")
    JHT = "jht", _("JHT – old-age savings")
    JP = "jp", _("JP – pension")
    JKP = "jkp", _("JKP – job-loss cover")


class FundingSource(models.TextChoices):
    """Who pays a contribution. Reliefs may depend on it (PP 50/2025 excludes APBN/APBD)."""

    APBN = "apbn", _("State budget (APBN)")
    APBD_PROVINCE = "apbd-province", _("Provincial budget (APBD provinsi)")
    APBD_REGENCY = "apbd-regency", _("Regency/city budget (APBD kabupaten/kota)")
    VILLAGE_BUDGET = "village-budget", _("Village budget (APBDes / ADD)")
    CSR = "csr", _("Company CSR/TJSL")
    DONOR = "donor", _("Individual donor or SERTAKAN member")
    SELF = "self", _("The worker himself")


class SchoolLevel(models.TextChoices):
    """A child's school level, as the scholarship rule (benefit.scholarship) pays it."""

    NONE = "none", _("not yet at school")
    TK = "tk", _("kindergarten (TK)")
    SD = "sd", _("primary (SD)")
    SMP = "smp", _("junior high (SMP)")
    SMA = "sma", _("senior high (SMA)")
    UNIVERSITY = "university", _("university (S1) or training")


# The source a funder of each kind pays from by default (funder kinds are the funding app's codes).
SOURCE_OF_FUNDER_KIND = {"province": FundingSource.APBD_PROVINCE, "regency": FundingSource.APBD_REGENCY,
                         "village": FundingSource.VILLAGE_BUDGET, "company": FundingSource.CSR,
                         "donor": FundingSource.DONOR, "sertakan": FundingSource.DONOR, "self": FundingSource.SELF}
# The source of a government user by the level of the region they are assigned to (code length).
SOURCE_OF_REGION_LEVEL = {2: FundingSource.APBD_PROVINCE, 4: FundingSource.APBD_REGENCY,
                          10: FundingSource.VILLAGE_BUDGET}


def default_funding_source(access) -> str | None:
    """What a user's calculations default to: who they pay as (their funder's kind, or their level of
    government: a regency operator plans with the regency budget, not the province's); None: no default."""
    funder = getattr(access.user, "funder", None) if access.funder_id else None
    if funder is not None:
        return SOURCE_OF_FUNDER_KIND.get(funder.kind)
    if access.role == "agent":
        return FundingSource.SELF
    codes = access.region_codes
    return SOURCE_OF_REGION_LEVEL.get(len(codes[0])) if len(codes) == 1 else None
