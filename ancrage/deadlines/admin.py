"""Rules as dated data, maintained by platform administrators (audited like every admin write).

A rule version that already computed deadlines cannot be edited (``DeadlineRule.clean``): a change in
the law is a new version with its own ``valid_from``, so past items keep the rule they were computed with.
"""

from django.contrib import admin

from ancrage.organisations.admin import PlatformAdminMixin
from ancrage.pathways.models import ProgrammeRule
from ancrage.tracks.models import LanguageRequirementRule, LicenceReciprocity

from .models import DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["code", "valid_from", "months", "lead_months", "extension_months", "max_extensions"]
    list_filter = ["code"]


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "valid_from", "first_interview_months", "duration_months", "commitment_contract"]


@admin.register(LicenceReciprocity)
class LicenceReciprocityAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["country", "exchange_possible", "valid_from"]
    search_fields = ["country"]


@admin.register(LanguageRequirementRule)
class LanguageRequirementRuleAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["document_kind", "level", "civic_exam", "valid_from"]
