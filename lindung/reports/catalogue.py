"""The report catalogue: every report is one module in ``lindung/reports/library`` that defines a
``Report`` — its parameters, the permission it needs, and ``build`` (parameters → query through the
access layer → a ``Document``). They are registered here, in one list; the page, the API, the
command line and the docs test read the catalogue from this module.

Adding a report: write ``library/NAME.py`` with ``REPORT = Report(...)``, add it to ``CATALOGUE``,
add its permission to ``lindung/accounts/access.py`` and a section to ``docs/reports.md``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _, gettext_lazy

from lindung.funding.scope import visible_funders
from lindung.months import MonthField, this_month
from lindung.regions.models import Region

from .document import Document


@dataclass
class Report:
    name: str
    title: object                     # lazy text
    description: object               # lazy text
    permission: str                   # in lindung.accounts.access.PERMISSIONS
    params: tuple[str, ...]           # names from PARAMETERS
    build: Callable[..., Document]    # build(access, params, progress=None) -> Document
    formats: tuple[str, ...] = ("xlsx", "pdf")
    # Rows the report will hold, to decide whether it runs in the background (None: always at once).
    size: Callable[..., int] | None = None
    defaults: dict = field(default_factory=dict)
    # True: figures for a whole region (only a region inside the user's area). False: the region only
    # narrows rows that the access layer already limits to the user's scope.
    regional: bool = False
    # Checks that need the database (e.g. "a company or donor"): raise ReportRefused before anything runs.
    check: Callable[..., None] | None = None

    def form(self, access, data=None) -> forms.Form:
        return ParameterForm(self, access, data)


def default_region(access) -> str:
    return "" if access.is_national or not access.region_codes else access.region_codes[0]


class ParameterForm(forms.Form):
    """One validator for a report's parameters, used by the page, the API and the command line."""

    def __init__(self, report: Report, access, data=None):
        self.report, self.access = report, access
        initial = {"region": default_region(access), "period": this_month().strftime("%Y-%m"),
                   "year": this_month().year, **report.defaults}
        if data is not None:  # a parameter not given at all takes the default the page would show
            data = {**{k: v for k, v in initial.items() if k in report.params}, **{
                k: v for k, v in (data.dict() if hasattr(data, "dict") else data).items() if v is not None}}
        super().__init__(data, initial=initial)
        for name in report.params:
            self.fields[name] = PARAMETERS[name](access)
        self.fields["format"] = forms.ChoiceField(label=gettext_lazy("Format"),
                                                  choices=[(f, f.upper()) for f in report.formats])

    def clean_region(self):
        code = (self.cleaned_data.get("region") or "").replace(".", "").strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown region code %(code)s.") % {"code": code})
        if self.report.regional and not self.access.may_report_on(code):
            raise forms.ValidationError(_("You may only report on regions inside your own area."))
        return code


def _region(access):
    return forms.CharField(label=gettext_lazy("Region code"), required=False, max_length=13,
                           help_text=gettext_lazy("Province, regency, district or village code; empty for "
                                                  "Indonesia (national administrators only)."))


def _period(access):
    return MonthField(label=gettext_lazy("Month (YYYY-MM)"))


def _target(access):
    return forms.DecimalField(label=gettext_lazy("Coverage target (%)"), min_value=Decimal("0.01"),
                              max_value=Decimal(100), decimal_places=2, required=False,
                              help_text=gettext_lazy("Default: the RPJMN target, 43.92 % by 2029."))


def _year(access):
    return forms.IntegerField(label=gettext_lazy("Fiscal year"), min_value=2000, max_value=2100)


def _funder(access):
    return forms.ModelChoiceField(label=gettext_lazy("Funder"), required=False,
                                  queryset=visible_funders(access).order_by("name"),
                                  empty_label=gettext_lazy("all the funders you may see"))


PARAMETERS = {"region": _region, "period": _period, "target": _target, "year": _year, "funder": _funder}


def as_json(cleaned: dict) -> dict:
    """Cleaned parameters as stored on a run (and shown on the report)."""
    out = {}
    for key, value in cleaned.items():
        if key == "format":
            continue
        if isinstance(value, dt.date):
            value = value.strftime("%Y-%m")
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "pk"):
            value = value.pk
        out[key] = value
    return out


def from_json(report: Report, params: dict) -> dict:
    """Stored parameters back to the values ``build`` receives."""
    out = dict(params)
    if "period" in out and isinstance(out["period"], str):
        out["period"] = dt.date.fromisoformat(out["period"] + "-01")
    if out.get("target") not in (None, ""):
        out["target"] = Decimal(str(out["target"]))
    return out


def _catalogue() -> dict[str, Report]:
    from .library import arrears, budget, cards, claims, coverage, donor, handover, paritrana, workers

    return {r.name: r for r in (coverage.REPORT, paritrana.REPORT, budget.REPORT, arrears.REPORT, handover.REPORT,
                                claims.REPORT, donor.REPORT, workers.REPORT, cards.REPORT)}


CATALOGUE: dict[str, Report] = {}


def catalogue() -> dict[str, Report]:
    if not CATALOGUE:
        CATALOGUE.update(_catalogue())
    return CATALOGUE


def available(access) -> list[Report]:
    return [r for r in catalogue().values() if access.can(r.permission)]
