"""Back-office editing of rules, for the national administrator only.

Saving goes through ``changes.add_rule``/``changes.change_rule``: a changed rule becomes a new row
from its effective date and the old row is closed, so history is kept; nothing can be deleted.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext as _

from lindung.accounts.access import Access
from lindung.audit import services as audit

from .changes import add_rule, change_rule
from .models import Discount, Holiday, Parameter, Rate
from .services import RuleError


class _DryRun(Exception):
    pass


class RuleForm(forms.ModelForm):
    """Runs the change service in a rolled-back transaction so its refusals appear on the form."""
    actor = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                candidate = construct_instance(self, copy.copy(self.instance))
                _apply(self.actor, candidate, self)
                raise _DryRun
        except _DryRun:
            pass
        except RuleError as exc:
            field = exc.field if exc.field in self.fields else None
            raise ValidationError({field: exc.message} if field else exc.message) from None
        return cleaned


def _apply(actor, obj, form):
    if obj.pk is None:
        return add_rule(actor, obj)
    original = type(obj).objects.get(pk=obj.pk)
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
    return change_rule(actor, original, changes)


class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    date_hierarchy = "valid_from"
    readonly_fields = ("edited", "created_at")
    search_fields = ("code", "reference", "note")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return Access(request.user).can("rules.edit")

    def has_change_permission(self, request, obj=None):
        return Access(request.user).can("rules.edit")

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept: a rule ends by closing it, never by deleting it

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("code",) if obj else ())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        if "code" in form.base_fields:
            form.base_fields["code"].required = False
        return form

    def save_model(self, request, obj, form, change):
        saved = _apply(request.user, obj, form)
        if saved.pk != obj.pk:
            messages.info(request, _("The change takes effect as the new row %(code)s from %(date)s; the old row "
                                     "now ends on %(end)s.") % {"code": saved.code, "date": saved.valid_from,
                                                               "end": type(obj).objects.get(pk=obj.pk).valid_to})
        obj.pk = saved.pk


@admin.register(Rate)
class RateAdmin(RuleAdmin):
    list_display = ("code", "program", "segment", "risk_class", "basis", "value", "wage_cap", "valid_from",
                    "valid_to", "reference")
    list_filter = ("program", "segment", "basis")


@admin.register(Discount)
class DiscountAdmin(RuleAdmin):
    list_display = ("code", "percent", "programs", "segments", "sectors", "excluded_funding", "valid_from",
                    "valid_to", "reference")


@admin.register(Parameter)
class ParameterAdmin(RuleAdmin):
    list_display = ("code", "key", "segment", "value", "valid_from", "valid_to", "reference")
    list_filter = ("key", "segment")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "reference")
    date_hierarchy = "date"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return Access(request.user).can("rules.edit")

    def has_change_permission(self, request, obj=None):
        return Access(request.user).can("rules.edit")

    def has_delete_permission(self, request, obj=None):
        return Access(request.user).can("rules.edit")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(request.user, audit.Action.UPDATE if change else audit.Action.CREATE, obj,
                     summary=str(obj))

    def delete_model(self, request, obj):
        audit.record(request.user, audit.Action.DELETE, obj, summary=str(obj))
        super().delete_model(request, obj)
