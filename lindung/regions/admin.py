from django.contrib import admin

from .models import Population, Region, WorkingPopulation


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "semester", "total"]
    raw_id_fields = ["region"]


@admin.register(WorkingPopulation)
class WorkingPopulationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "count", "source", "entered_by", "entered_at"]
    raw_id_fields = ["region"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
