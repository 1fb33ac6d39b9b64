"""Programme forms: a regional operator creates a programme and lets lists belong to it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.months import MonthField
from lindung.people.models import Segment


class ProgrammeForm(forms.Form):
    funder = forms.TypedChoiceField(label=_("Run by"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False,
                                  help_text=_("The regulation or agreement it rests on, e.g. Perbup 12/2026."))
    start_month = MonthField(label=_("First month"))
    end_month = MonthField(label=_("Last month"))
    target_workers = forms.IntegerField(label=_("Target per village (workers)"), min_value=1, max_value=100_000,
                                        required=False)
    target_segment = forms.ChoiceField(label=_("Or: every worker of a segment"), required=False,
                                       choices=[("", "—")] + list(Segment.choices))
    budget = forms.IntegerField(label=_("Budget (Rp)"), min_value=0, max_value=10**15, required=False)

    def __init__(self, *args, funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(f.pk, f"{f.name} ({f.region_id})") for f in funders]


class AttachForm(forms.Form):
    list_id = forms.TypedChoiceField(label=_("Sponsorship list"), coerce=int)

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_id"].choices = [(b.pk, f"#{b.pk} {b.funder.name} — {b.get_state_display()}") for b in lists]
