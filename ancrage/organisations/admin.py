"""Django admin for accounts, organisations, memberships and API tokens: a back office for the
platform team. The day-to-day screens are under ``/plateforme/`` (``ancrage.www.platform``).

No person or pathway model is registered anywhere in the admin: case content never shows here.

Platform administrators (``User.is_staff``, see ``perms.can_manage_platform``) may view, add and
change these objects without Django model permissions; deleting stays with superusers (deactivate
instead), and so do the superuser flag, groups and permissions. Every addition, change and
deletion made here is written to the audit log as well as to the admin's own history.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record

from .actor import Actor, actor_for_request
from .models import ApiToken, Membership, Organisation, User
from .services import normalise_email, siret_taken, user_for_email


def _admin_actor(request: HttpRequest) -> Actor:
    return actor_for_request(request) or Actor(user=request.user, membership=None)  # type: ignore[arg-type]


def _is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff)


class PlatformAdminMixin:
    """Gives platform administrators access, keeps deletion for superusers, audits every write."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_platform_admin(request) or super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request) or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def _audit(self, request: HttpRequest, obj: models.Model, action: str, verb: str, message: Any = None) -> None:
        audit_record(
            actor=_admin_actor(request),
            action=action,
            event=f"{obj._meta.model_name}.{verb}",
            obj=obj,
            details={"via": "admin", "change": message or []},
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, AuditAction.CREATE, "create", message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request, obj, message):
        self._audit(request, obj, AuditAction.UPDATE, "update", message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, AuditAction.DELETE, "delete")
        return super().log_deletions(request, queryset)  # type: ignore[misc]


# --- users -----------------------------------------------------------------------------------


def _clean_unique_email(form, email: str) -> str:
    email = normalise_email(email)
    existing = user_for_email(email)
    if existing is not None and existing.pk != form.instance.pk:
        raise ValidationError(_("Un compte existe déjà avec cette adresse électronique."), code="email_unique")
    return email


class UserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def clean_email(self) -> str:
        return _clean_unique_email(self, self.cleaned_data["email"])


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self, self.cleaned_data["email"])


class MembershipInline(admin.TabularInline):
    """The user's memberships, read-only here: change them on the membership pages (audited)."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "can_access_health", "is_active")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_platform_admin(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(PlatformAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("last_name", "first_name", "email")
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_inline_instances(self, request, obj=None):
        # A new account has no membership yet: add them from the organisation's members page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.SUPERUSER_ONLY_FIELDS
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        # A platform administrator may not take over (or reset the password of) a superuser.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


# --- organisations and memberships -----------------------------------------------------------


class OrganisationAdminForm(forms.ModelForm):
    def clean_siret(self) -> str:
        siret = self.cleaned_data.get("siret") or ""
        if siret_taken(siret, exclude_pk=self.instance.pk):
            raise ValidationError(_("Une organisation avec ce SIRET existe déjà."), code="siret_unique")
        return siret


@admin.register(Organisation)
class OrganisationAdmin(PlatformAdminMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "short_name", "kind", "siret", "commune", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "siret")
    list_select_related = ("commune",)
    filter_horizontal = ("communes",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Membership)
class MembershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "can_access_health", "is_active")
    list_filter = ("role", "can_access_health", "is_active", "organisation__kind")
    search_fields = ("user__email", "user__first_name", "user__last_name", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("created_at", "updated_at")


# --- API tokens ------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Read-only: tokens are issued to their owner (the key is shown once); only revocation here."""

    list_display = ("name", "prefix", "membership", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "membership__user__email", "membership__organisation__name")
    list_select_related = ("membership__user", "membership__organisation")
    fields = ("name", "prefix", "key_hash", "membership", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing only; the revoke action checks its own permission below.
        return False

    def has_revoke_permission(self, request) -> bool:
        return _is_platform_admin(request)

    @admin.action(description=_("Révoquer les jetons sélectionnés"), permissions=["revoke"])
    @transaction.atomic
    def revoke(self, request, queryset) -> None:
        now = timezone.now()
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            self._audit(request, token, AuditAction.REVOKE, "revoke")
            count += 1
        self.message_user(request, _("%(count)d jeton(s) révoqué(s).") % {"count": count}, messages.SUCCESS)
