"""Back-office pages that show workers' personal data record it like every other door.

A model admin that lists or opens rows about workers (the workers themselves, sponsorships, reserved
months, the waiting list, civil-registry messages) mixes in ``DisclosingAdmin``: each list page and
each change page a user opens writes one disclosure entry through ``Access.disclose`` naming the workers
shown, door ``admin:/admin/<app>/<model>/``, found again on every worker's own audit trail.

Records the services write (budgets, batches, sponsorships, the audit itself) are shown in the back
office but never added, changed or deleted there: ``ReadOnlyAdmin``.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A back-office page that shows rows and changes none."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False



class DisclosingAdmin:
    def disclosed_workers(self, request, rows):
        """The workers the rows show (workers, rows with a ``worker``, or ids); override for other shapes."""
        return rows

    def _door(self) -> str:
        meta = self.model._meta
        return f"admin:/admin/{meta.app_label}/{meta.model_name}/"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None:
            request.access.disclose(self.disclosed_workers(request, list(changelist.result_list)), door=self._door())
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", None) and response.context_data.get("original")
        if original is not None and response.status_code == 200:
            request.access.disclose(self.disclosed_workers(request, [original]), door=self._door())
        return response
