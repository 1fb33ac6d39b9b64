from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from lindung import limits
from lindung.formatting import RupiahField
from lindung.months import MonthField, next_month
from lindung.people.models import Segment
from lindung.rules.choices import FundingSource

from .matching import PACKAGES, MatchRequest, max_workers


class BudgetForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    amount = RupiahField(label=_("Allocation (Rp)"), min_value=0, max_value=limits.MAX_BUDGET)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TermsForm(forms.Form):
    """What a list pays: programmes, first month, number of months."""

    programs = forms.ChoiceField(label=_("Package"), choices=list(PACKAGES.items()))
    start_month = MonthField(label=_("First month"), initial=next_month)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=60, initial=12)


class ProposeForm(TermsForm):
    funder = forms.TypedChoiceField(label=_("Funder"), coerce=int)
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    note = forms.CharField(label=_("Note (e.g. village meeting of …)"), max_length=300, required=False)
    all_matching = forms.BooleanField(label=_("All workers matching the filter (not only the ticked ones)"),
                                      required=False)
    skip_covered = forms.BooleanField(label=_("Leave out workers who already have a payer for these months"),
                                      required=False)

    def __init__(self, *args, funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(f.pk, f"{f.name} · {f.get_kind_display()}") for f in funders]


class MatchForm(TermsForm):
    count = forms.IntegerField(label=_("How many workers"), min_value=1, initial=100)
    region = forms.CharField(label=_("Region code (any level, empty: anywhere)"), max_length=13, required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False,
                                choices=[("", _("any"))] + list(Segment.choices))
    occupation = forms.CharField(label=_("Occupation contains"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].max_value = max_workers()
        self.fields["count"].validators.append(MaxValueValidator(max_workers()))

    def request(self) -> MatchRequest:
        d = self.cleaned_data
        return MatchRequest(count=d["count"], months=d["months"], start_month=d["start_month"],
                            programs=d["programs"], region=d["region"], segment=d["segment"],
                            occupation=d["occupation"])
