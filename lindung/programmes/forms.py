"""Programme forms: a regional operator creates a programme and lets lists belong to it."""

import re

from django import forms
from django.utils.translation import gettext
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


class VillagesForm(forms.Form):
    """The villages taking part, one a line: ``3202012001`` (the programme's target) or ``3202012001=120``."""

    villages = forms.CharField(label=_("Villages taking part"), widget=forms.Textarea(attrs={"rows": 5}),
                               max_length=200_000,
                               help_text=_("One village code a line; add =N for a village's own target, "
                                           "e.g. 3202012001=120."))

    def clean_villages(self) -> dict[str, int | None]:
        targets = {}
        for number, raw in enumerate(self.cleaned_data["villages"].splitlines(), start=1):
            line = raw.strip().replace(".", "")
            if not line:
                continue
            match = re.fullmatch(r"(\d{10})\s*(?:=\s*(\d{1,6}))?", line)
            if not match:
                raise forms.ValidationError(gettext("Line %(n)d: “%(line)s” is not a village code, or code=target.")
                                            % {"n": number, "line": raw.strip()[:40]})
            targets[match.group(1)] = int(match.group(2)) if match.group(2) else None
        if not targets:
            raise forms.ValidationError(gettext("Name at least one village."))
        return targets
