import json
import re

from django import forms
from django.contrib import admin

from lindung.accounts.admin_disclosure import DisclosingAdmin
from lindung.people.models import Worker

from .dci import check_public_key
from .errors import ClaimError
from .models import RegistryMessage, TrustedSender


class TrustedSenderForm(forms.ModelForm):
    class Meta:
        model = TrustedSender
        fields = ["sender_id", "name", "public_key", "active"]

    def clean_public_key(self):
        try:
            return check_public_key(self.cleaned_data["public_key"])
        except ClaimError as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(TrustedSender)
class TrustedSenderAdmin(admin.ModelAdmin):
    """Civil registries allowed to notify deaths; an administrator enters their ed25519 public keys."""

    form = TrustedSenderForm
    list_display = ["sender_id", "name", "active", "added_at"]
    search_fields = ["sender_id", "name"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RegistryMessage)
class RegistryMessageAdmin(DisclosingAdmin, admin.ModelAdmin):
    """The raw message names people by NIK: opening one records the registered workers it names."""

    list_display = ["message_id", "sender_id", "received_at", "processed_at", "matched", "unmatched"]
    readonly_fields = [f.name for f in RegistryMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def disclosed_workers(self, request, rows):
        if len(rows) != 1:  # the list shows ids and counts only
            return []
        niks = set(re.findall(r"(?<!\d)\d{16}(?!\d)", json.dumps(rows[0].raw)))
        return list(Worker.objects.filter(nik__in=sorted(niks)).values_list("id", flat=True)) if niks else []
