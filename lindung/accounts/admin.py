from collections import defaultdict

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from lindung.audit.models import AuditEntry
from lindung.audit.services import WORKER

from .admin_disclosure import DisclosingAdmin, ReadOnlyAdmin
from .models import ApiToken, Role, User, validate_assignment


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "funder", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["regions"]
    raw_id_fields = ["funder"]
    autocomplete_fields = []
    fieldsets = BaseUserAdmin.fieldsets + ((_("Lindung access"), {"fields": ["role", "regions", "funder"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Lindung access"), {"fields": ["role", "funder"]}),)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        try:
            validate_assignment(user.role, list(user.regions.all()), user.funder)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="warning")
        # Only national administrators use the back office.
        staff = user.role == Role.NATIONAL_ADMIN
        if user.is_staff != staff:
            User.objects.filter(pk=user.pk).update(is_staff=staff, is_superuser=staff)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(DisclosingAdmin, ReadOnlyAdmin):
    """The audit read in the back office. An entry about a worker carries his name in its summary and
    his NIK, birth date, phone and income in its changes, so the list and each opened entry are
    disclosures of the workers the entries are about (``DisclosingAdmin``). It is registered here, by
    the access layer's app, because the audit app sits below the layer that records disclosures."""

    list_display = ["at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "summary"]

    def disclosed_workers(self, request, rows):
        """The worker each entry is about: its target when that is a worker, else the worker of its
        target (a sponsorship, claim, mandate, family member, self-paying funder…). A bulk disclosure
        entry shows only its door and count, not the workers it lists, so its subjects are not shown."""
        ids, targets = [], defaultdict(list)
        for entry in rows:
            if entry.target_type == WORKER:
                ids.append(entry.target_id)
            elif entry.target_id.isdigit():
                targets[entry.target_type].append(int(entry.target_id))
        for label, pks in targets.items():
            model = _model(label)
            if model is None:
                continue
            try:
                model._meta.get_field("worker")
            except FieldDoesNotExist:
                continue
            ids += model.objects.filter(pk__in=pks, worker__isnull=False).values_list("worker_id", flat=True)
        return [int(i) for i in ids if str(i).isdigit()]


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None
