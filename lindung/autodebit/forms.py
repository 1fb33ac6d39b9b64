from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.months import MonthField
from lindung.uploads import validate_upload_size

from .models import BankLayout, MandateState


def bank_choices():
    return [(b.code, str(b)) for b in BankLayout.objects.order_by("code")]


class MandateForm(forms.Form):
    worker = forms.CharField(label=_("Worker (id or NIK)"), max_length=16)
    bank = forms.ChoiceField(label=_("Bank"), choices=bank_choices)
    account_holder = forms.CharField(label=_("Account holder"), max_length=100)
    account_number = forms.CharField(label=_("Account number"), max_length=34)
    debit_day = forms.IntegerField(label=_("Debit day"), min_value=1, max_value=28, initial=20)
    programs = forms.CharField(label=_("Programmes"), initial="jkk,jkm", max_length=30)
    start_month = MonthField(label=_("First month"))
    end_month = MonthField(label=_("Last month"), required=False)


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), choices=MandateState.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ExportForm(forms.Form):
    month = MonthField(label=_("Month"))
    bank = forms.ChoiceField(label=_("Bank"), choices=bank_choices)


class ReturnFileForm(forms.Form):
    bank = forms.ChoiceField(label=_("Bank"), choices=bank_choices)
    file = forms.FileField(label=_("Return file"), validators=[validate_upload_size], help_text=_("The bank's answer to a debit file, in its layout."))


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300)
