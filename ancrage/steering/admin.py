from django.contrib import admin

from .models import (
    Action,
    Amendment,
    Application,
    BudgetLine,
    CallForProjects,
    Contract,
    IndicatorDefinition,
    PriorityAxis,
)


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0


class AxisInline(admin.TabularInline):
    model = PriorityAxis
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "starts_on", "ends_on"]
    inlines = [AxisInline, AmendmentInline]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "contract", "axis", "carrier", "status"]
    list_filter = ["status", "contract"]
    list_select_related = ["contract", "axis", "carrier"]
    raw_id_fields = ["carrier"]
    inlines = [BudgetLineInline]


@admin.register(CallForProjects)
class CallForProjectsAdmin(admin.ModelAdmin):
    list_display = ["title", "contract", "year", "opens_on", "closes_on"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "organisation", "decision"]
    raw_id_fields = ["organisation", "action"]


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "population", "is_active"]
    list_filter = ["kind", "is_active"]
