from django import forms
from django.contrib import admin

from .layouts import check_layout
from .models import BankLayout


class BankLayoutForm(forms.ModelForm):
    class Meta:
        model = BankLayout
        fields = ["code", "name", "layout"]

    def clean_layout(self):
        layout = self.cleaned_data["layout"]
        problems = check_layout(layout)
        if problems:
            raise forms.ValidationError(problems)
        return layout


@admin.register(BankLayout)
class BankLayoutAdmin(admin.ModelAdmin):
    """A bank's file layout is data: add or correct one here (checked on save) or with
    ``lindung autodebit banks --load FILE``."""

    form = BankLayoutForm
    list_display = ["code", "name", "updated_at"]
