from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
