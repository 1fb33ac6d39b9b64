"""Back office for funding. Funders and the allowed sources per kind are edited here; budgets,
lists and sponsorships change only through the workflows (pages, API, CLI), so the back office
shows them read-only."""

from django.contrib import admin

from lindung.accounts.admin_disclosure import DisclosingAdmin, ReadOnlyAdmin

from .models import Budget, ReservedMonth, Funder, FunderKindSource, Sponsorship, SponsorshipBatch, WaitingEntry


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "agent", "wadah", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "region__code", "wadah"]
    raw_id_fields = ["region", "worker", "agent"]


@admin.register(FunderKindSource)
class FunderKindSourceAdmin(admin.ModelAdmin):
    list_display = ["kind", "source", "note"]
    list_filter = ["kind"]



@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["funder", "fiscal_year", "source", "amount", "note"]
    list_filter = ["fiscal_year", "source"]
    search_fields = ["funder__name"]


@admin.register(SponsorshipBatch)
class SponsorshipBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "funder", "origin", "state", "proposed_by", "approved_by", "created_at"]
    list_filter = ["state", "origin"]
    search_fields = ["funder__name", "note"]


@admin.register(Sponsorship)
class SponsorshipAdmin(DisclosingAdmin, ReadOnlyAdmin):
    list_display = ["id", "funder", "worker", "programs", "start_month", "end_month", "state"]
    list_filter = ["state", "funding_source"]
    search_fields = ["funder__name", "worker__nik"]
    list_select_related = ["funder", "worker"]


@admin.register(ReservedMonth)
class CoveredMonthAdmin(DisclosingAdmin, ReadOnlyAdmin):
    list_display = ["month", "worker", "program", "funder", "funding_source"]
    list_filter = ["program", "funding_source"]
    list_select_related = ["funder", "worker"]
    show_full_result_count = False  # millions of rows


@admin.register(WaitingEntry)
class WaitingEntryAdmin(DisclosingAdmin, ReadOnlyAdmin):
    list_display = ["worker", "since", "proposed_by", "closed_at"]
    list_select_related = ["worker", "proposed_by"]
