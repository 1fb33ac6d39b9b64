from django.contrib import admin

from lindung.audit import services as audit

from .models import Worker


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    """Back-office view for national administrators (the only role with admin access)."""

    list_display = ["nik", "name", "village", "segment", "declared_income", "created_at"]
    list_filter = ["segment", "ecosystem", "sector"]
    search_fields = ["nik", "name_key"]
    raw_id_fields = ["village", "registered_by"]
    readonly_fields = ["created_at", "updated_at", "nik_flags"]

    def changelist_view(self, request, extra_context=None):
        """The back-office list shows full NIKs: recorded like every other list."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            request.access.disclose(changelist.result_list, door="admin:/admin/people/worker/")
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data}
        audit.record(request.user, audit.Action.UPDATE if change else audit.Action.CREATE, obj,
                     region_code=obj.village_id, summary=f"admin: {obj.name}", changes=changes)
