from django import forms
from django.contrib import admin

from lindung.accounts.admin_disclosure import DisclosingAdmin
from lindung.audit import services as audit

from .models import Worker
from .validation import check_worker, normalise_phone

CHECKED = ["nik", "name", "birth_place", "birth_date", "sex", "phone", "occupation", "segment", "ecosystem", "sector",
           "declared_income"]


class WorkerAdminForm(forms.ModelForm):
    """The back office checks a worker with the validator every other door uses (``check_worker``)."""

    class Meta:
        model = Worker
        fields = "__all__"

    def clean(self):
        data = super().clean()
        values = {name: data.get(name) for name in CHECKED}
        village = data.get("village")
        values["village_code"] = getattr(village, "code", "") or ""
        check = check_worker(values)
        for name, messages in check.errors.items():
            target = "village" if name == "village_code" else name
            if target in self.errors:  # the field itself was already refused (e.g. empty)
                continue
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
        self.nik_flags = check.flags
        return data


@admin.register(Worker)
class WorkerAdmin(DisclosingAdmin, admin.ModelAdmin):
    """Back-office view for national administrators (the only role with admin access); the list and each
    opened worker are recorded as disclosures (``DisclosingAdmin``)."""

    form = WorkerAdminForm

    list_display = ["nik", "name", "village", "segment", "declared_income", "created_at"]
    list_filter = ["segment", "ecosystem", "sector"]
    search_fields = ["nik", "name_key"]
    raw_id_fields = ["village", "registered_by"]
    readonly_fields = ["created_at", "updated_at", "nik_flags"]

    def save_model(self, request, obj, form, change):
        obj.nik_flags = getattr(form, "nik_flags", obj.nik_flags)
        obj.phone = normalise_phone(obj.phone or "")
        super().save_model(request, obj, form, change)
        changes = {f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data}
        audit.record(request.user, audit.Action.UPDATE if change else audit.Action.CREATE, obj,
                     region_code=obj.village_id, summary=f"admin: {obj.name}", changes=changes)
