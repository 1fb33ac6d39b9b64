from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.formatting import MonthPicker
from lindung.funding.models import Funder
from lindung.funding.scope import proposable_funders
from lindung.people.models import Segment
from lindung.rules.choices import FundingSource, Program
from lindung.uploads import validate_upload_size


class UploadForm(forms.Form):
    """The list and what to do with it; the rows themselves are checked by the import pipeline."""

    file = forms.FileField(label=_("Worker list"), validators=[validate_upload_size],
                           help_text=_("XLSX, XLS, ODS or CSV (any delimiter and encoding)."))
    village_code = forms.CharField(label=_("The list is for village (code)"), max_length=13, required=False,
                                   help_text=_("Rows without a village go to this village."))
    district_code = forms.CharField(label=_("Look up village names in district (code)"), max_length=8,
                                    required=False)
    default_segment = forms.ChoiceField(label=_("Segment for rows without one"), choices=Segment.choices,
                                        initial=Segment.BPU_VULNERABLE)
    update_existing = forms.BooleanField(label=_("Update workers already registered"), required=False)
    all_or_nothing = forms.BooleanField(label=_("Save nothing if any row is rejected"), required=False)
    dry_run = forms.BooleanField(label=_("Only check the list (save nothing)"), required=False)
    funder = forms.ModelChoiceField(label=_("Propose sponsorships for funder"), queryset=None, required=False)
    programs = forms.MultipleChoiceField(label=_("Programmes"), choices=Program.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple, initial=["jkk", "jkm"])
    start_month = forms.DateField(label=_("First month"), required=False, input_formats=["%Y-%m", "%Y-%m-%d"],
                                  widget=MonthPicker)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=60, required=False, initial=12)
    funding_source = forms.ChoiceField(label=_("Funding source"), required=False,
                                       choices=[("", _("(the funder's usual source)"))] + list(FundingSource.choices))

    def __init__(self, *args, access=None, **kwargs):
        super().__init__(*args, **kwargs)

        ids = [f.pk for f in proposable_funders(access)] if access is not None and access.role else []
        self.fields["funder"].queryset = Funder.objects.filter(pk__in=ids).order_by("name")
        codes = access.region_codes if access is not None else []
        if len(codes) == 1 and len(codes[0]) == 10:  # a village operator: the list is for their village
            self.fields["village_code"].initial = codes[0]

    def clean_village_code(self):
        return self.cleaned_data["village_code"].replace(".", "").strip()

    def clean_district_code(self):
        return self.cleaned_data["district_code"].replace(".", "").strip()
