"""Contribution and benefit rules, stored as effective-dated rows.

Every row carries ``valid_from``/``valid_to`` (inclusive; open-ended when ``valid_to`` is empty) and
the legal reference it comes from. A change of regulation is a new row whose ``valid_from`` is the
first day it applies, and the old row is closed the day before: months before the change keep being
computed under the old row. Rows are never deleted by the application.

Shipped rows come from ``lindung/rules/data/rules.json`` (``lindung rules load``) and are identified
by their ``code``; rows the national administrator changes are marked ``edited`` so that reloading
the shipped data never overwrites them.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.formatting import rupiah

from .choices import FundingSource, Program
from .parameters import validate_value


class RuleSegment(models.TextChoices):
    """Rule segments. Worker segments (people.models.Segment) map onto these (see ``segments.py``)."""
    BPU = "bpu", _("BPU – non-wage earners")
    PU = "pu", _("PU – wage earners")
    CONSTRUCTION = "construction", _("Construction-project workers (jasa konstruksi)")
    MIGRANT = "migrant", _("Indonesian migrant workers (PMI)")


class Basis(models.TextChoices):
    PERCENT = "percent", _("percentage of declared income or wage")
    FLAT = "flat", _("flat amount a month")


class EffectiveDated(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True,
                            help_text=_("Stable identifier of this row (shipped rows keep the data file's code)."))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Last day the row applies; empty while it is in force."))
    reference = models.CharField(_("legal reference"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    edited = models.BooleanField(_("changed locally"), default=False, editable=False,
                                 help_text=_("Set when an administrator changed the row; reloads leave it alone."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["valid_from", "code"]

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date lies before the start date.")})


class Rate(EffectiveDated):
    """A contribution rate of one programme for one segment (and PU risk class, for JKK)."""
    program = models.CharField(_("programme"), max_length=8, choices=Program.choices)
    segment = models.CharField(_("segment"), max_length=16, choices=RuleSegment.choices)
    risk_class = models.CharField(_("risk class"), max_length=4, blank=True,
                                  help_text=_("PU work-accident risk class 1–5; empty when not by class."))
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4,
                                help_text=_("Percent (1.0000 = 1 %) or rupiah a month."))
    wage_cap = models.CharField(_("wage cap parameter"), max_length=40, blank=True,
                                help_text=_("Key of the wage-cap parameter limiting the base, e.g. wage_cap.jp."))

    class Meta(EffectiveDated.Meta):
        verbose_name = _("contribution rate")
        verbose_name_plural = _("contribution rates")
        indexes = [models.Index(fields=["program", "segment", "valid_from"], name="rate_lookup")]

    def __str__(self):
        shown = f"{self.value.normalize()} %" if self.basis == Basis.PERCENT else rupiah(self.value)
        klass = f" class {self.risk_class}" if self.risk_class else ""
        return f"{self.program.upper()} {self.segment}{klass}: {shown} from {self.valid_from}"


class Discount(EffectiveDated):
    """A relief on contributions (PP 49/2020, PP 50/2025): percent off some programmes, with conditions."""
    programs = models.JSONField(_("programmes"), default=list,
                                help_text=_("Programme codes the discount applies to, e.g. [\"jkk\", \"jkm\"]."))
    segments = models.JSONField(_("segments"), default=list,
                                help_text=_("Rule segments covered, e.g. [\"bpu\"]; empty means all."))
    sectors = models.JSONField(_("sectors"), default=list,
                               help_text=_("Worker sectors covered, e.g. [\"transport\"]; empty means all."))
    excluded_funding = models.JSONField(
        _("excluded funding sources"), default=list,
        help_text=_("Funding sources that do not get the discount, e.g. [\"apbn\", \"apbd-province\"]."))
    percent = models.DecimalField(_("percent off"), max_digits=7, decimal_places=4)

    class Meta(EffectiveDated.Meta):
        verbose_name = _("contribution discount")
        verbose_name_plural = _("contribution discounts")

    def __str__(self):
        return f"{self.percent.normalize()} % off {'+'.join(p.upper() for p in self.programs)} ({self.reference})"

    def covers(self, *, program: str, segment: str, sector: str, funding_source: str) -> bool:
        return (program in self.programs
                and (not self.segments or segment in self.segments)
                and (not self.sectors or sector in self.sectors)
                and funding_source not in self.excluded_funding)


class Parameter(EffectiveDated):
    """A named rule value: minimum income, wage cap, due-date rule, lapse rule, benefit amounts, ….

    The keys and the shape of their values are listed in ``lindung.rules.parameters.KEYS``.
    """
    key = models.CharField(_("key"), max_length=60, db_index=True)
    segment = models.CharField(_("segment"), max_length=16, choices=RuleSegment.choices, blank=True,
                               help_text=_("Empty when the value applies to every segment."))
    value = models.JSONField(_("value"))

    class Meta(EffectiveDated.Meta):
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")

    def __str__(self):
        seg = f" [{self.segment}]" if self.segment else ""
        return f"{self.key}{seg} from {self.valid_from}"

    def clean(self):

        super().clean()
        problem = validate_value(self.key, self.value)
        if problem:
            raise ValidationError({"value": problem})


class Holiday(models.Model):
    """A national public holiday: due dates falling on one move to the next working day."""
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    reference = models.CharField(_("legal reference"), max_length=300, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self):
        return f"{self.date} {self.name}"


__all__ = ["RuleSegment", "Basis", "Rate", "Discount", "Parameter", "Holiday", "FundingSource"]
