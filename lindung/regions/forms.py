from django import forms
from django.utils.translation import gettext_lazy as _

from lindung import limits
from lindung.uploads import validate_upload_size


class WorkingPopulationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    count = forms.IntegerField(label=_("Working population"), min_value=0, max_value=limits.MAX_POPULATION)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class WorkingPopulationUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file with columns code, year, count, source"),
                           validators=[validate_upload_size])
