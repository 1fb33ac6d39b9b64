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
