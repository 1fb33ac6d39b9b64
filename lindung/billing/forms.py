from django import forms
from django.utils.translation import gettext_lazy as _

from lindung import limits
from lindung.formatting import DatePicker, RupiahField
from lindung.months import MonthField, today
from lindung.uploads import validate_upload_size

from .models import Channel, Resolution


class RunForm(forms.Form):
    month = MonthField(label=_("Month to bill"))


class PaymentForm(forms.Form):
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=limits.MAX_AMOUNT)
    reference = forms.CharField(label=_("Reference"), max_length=80,
                                help_text=_("Virtual-account payment id or transfer number."))
    paid_on = forms.DateField(label=_("Paid on"), initial=today,
                              widget=DatePicker)
    channel = forms.ChoiceField(label=_("Channel"), choices=[(Channel.TRANSFER, Channel.TRANSFER.label),
                                                             (Channel.VIRTUAL_ACCOUNT, Channel.VIRTUAL_ACCOUNT.label)])


class CollectForm(forms.Form):
    amount = RupiahField(label=_("Amount collected (Rp)"), min_value=1, max_value=limits.MAX_AMOUNT)
    reference = forms.CharField(label=_("Receipt number"), max_length=80)
    paid_on = forms.DateField(label=_("Collected on"), initial=today,
                              widget=DatePicker)


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Statement (CSV)"), validators=[validate_upload_size],
                           help_text=_("Columns: date, reference, amount, account (virtual account or invoice "
                                       "number), description."))


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices)
    invoice = forms.CharField(label=_("Invoice number"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PlanForm(forms.Form):
    prepay_months = forms.TypedChoiceField(label=_("Bill in advance"), coerce=int,
                                           choices=[(1, _("every month")), (3, _("3 months")), (6, _("6 months")),
                                                    (12, _("12 months"))])
