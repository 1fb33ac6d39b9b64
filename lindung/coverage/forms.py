from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.months import MonthField


class CorrectionForm(forms.Form):
    from_month = MonthField(label=_("From month"))
    to_month = MonthField(label=_("To month"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), min_length=10,
                             help_text=_("Why these months count although they were paid after the lapse."))


class SnapshotForm(forms.Form):
    month = MonthField(label=_("Month"))
