"""The runs of the retention job, read-only, for platform staff (the Django admin is staff-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["today", "dry_run", "trigger", "started_at", "finished_at", "archived", "anonymised"]
    list_filter = ["dry_run", "trigger"]
    readonly_fields = ["today", "dry_run", "trigger", "started_at", "finished_at", "report"]

    @admin.display(description=_("archivées"))
    def archived(self, run: RetentionRun) -> int:
        return int(run.report.get("archived", {}).get("count", 0))

    @admin.display(description=_("anonymisées"))
    def anonymised(self, run: RetentionRun) -> int:
        return int(run.report.get("anonymised", {}).get("count", 0))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
