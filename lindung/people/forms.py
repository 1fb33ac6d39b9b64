from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from lindung.formatting import DatePicker, RupiahField

from .models import Ecosystem, Sector, Segment, Sex


class WorkerForm(forms.Form):
    """Typed input only; the rules are checked by ``people.services`` so every door agrees."""

    nik = forms.CharField(label=_("NIK"), max_length=16, min_length=1,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    name = forms.CharField(label=_("Full name"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DatePicker,
                                 input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"])
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    village_code = forms.CharField(
        label=_("Domicile village code"), max_length=13,
        help_text=_("10-digit Kemendagri code; type a village name to look it up."),
        widget=forms.TextInput(attrs={"list": "village-options", "autocomplete": "off",
                                      "hx-get": reverse_lazy("region-lookup"),
                                      "hx-trigger": "keyup changed delay:300ms", "hx-target": "#village-options"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)
    ecosystem = forms.ChoiceField(label=_("Ecosystem"), choices=Ecosystem.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.OTHER)
    declared_income = RupiahField(label=_("Declared monthly income (Rp)"), min_value=0, initial=1_000_000)

    def clean_village_code(self):
        return self.cleaned_data["village_code"].replace(".", "").strip()

    def clean_nik(self):
        return self.cleaned_data["nik"].strip()


class WorkerSearchForm(forms.Form):
    q = forms.CharField(label=_("NIK or name"), required=False)
    region = forms.CharField(label=_("Region code"), required=False)
