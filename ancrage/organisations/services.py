"""Writes to organisations, user accounts and memberships.

Each function owns its transaction, checks the actor's permission (``access.perms``) and appends
one audit event per object written. None of them touches person data: platform administration
never reads or links case content.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.territory.models import Commune

from .actor import Actor
from .models import Membership, Organisation, Role, User

ORGANISATION_FIELDS = frozenset(
    {"name", "short_name", "kind", "siret", "email", "phone", "address", "commune", "is_active"}
)
USER_FIELDS = frozenset({"first_name", "last_name", "phone", "is_active", "is_staff"})


class StaleEditError(ValidationError):
    """Somebody saved the object after the editor loaded it; nothing was written."""


def _changed(instance: models.Model, data: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in data.items() if getattr(instance, name) != value)


def _unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")


# --- organisations ---------------------------------------------------------------------------


def siret_taken(siret: str, *, exclude_pk: int | None = None) -> bool:
    """True when another organisation already uses this (non-empty) SIRET."""
    if not siret:
        return False
    others = Organisation.objects.filter(siret=siret)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _siret_taken_error() -> ValidationError:
    return ValidationError({"siret": _("Une organisation avec ce SIRET existe déjà.")}, code="siret_unique")


def _save_organisation(organisation: Organisation) -> None:
    if siret_taken(organisation.siret, exclude_pk=organisation.pk):
        raise _siret_taken_error()
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Two administrators saved the same SIRET at once: the constraint decided.
        raise _siret_taken_error()


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    short_name: str = "",
    siret: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    commune: Commune | None = None,
    communes: Iterable[Commune] = (),
    is_active: bool = True,
) -> Organisation:
    """A new organisation, created by a platform administrator."""
    if not perms.can_manage_platform(actor):
        raise PermissionDenied
    organisation = Organisation(
        name=name,
        kind=kind,
        short_name=short_name,
        siret=siret,
        email=email,
        phone=phone,
        address=address,
        commune=commune,
        is_active=is_active,
    )
    _save_organisation(organisation)
    organisation.communes.set(list(communes))
    audit_record(actor=actor, action=AuditAction.CREATE, event="organisation.create", obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    data: dict[str, Any],
    communes: Iterable[Commune] | None = None,
    expected_updated_at: datetime | None = None,
) -> Organisation:
    """Change an organisation's own fields (``ORGANISATION_FIELDS``) and, if given, the communes it covers.

    Platform administrators only. With ``expected_updated_at``, refuses to overwrite a change saved
    since the editor loaded the page (``StaleEditError``).
    """
    if not perms.can_manage_platform(actor):
        raise PermissionDenied
    _unknown(data, ORGANISATION_FIELDS)
    if expected_updated_at is not None:
        current = Organisation.objects.select_for_update().values_list("updated_at", flat=True).get(pk=organisation.pk)
        if current != expected_updated_at:
            raise StaleEditError(
                _(
                    "Quelqu'un d'autre a modifié cette organisation pendant que vous l'éditiez. "
                    "Vos saisies sont conservées : vérifiez-les puis enregistrez à nouveau."
                ),
                code="stale",
            )
    changed = _changed(organisation, data)
    for name, value in data.items():
        setattr(organisation, name, value)
    _save_organisation(organisation)
    if communes is not None:
        communes = list(communes)
        old_ids = set(organisation.communes.values_list("pk", flat=True))
        if {c.pk for c in communes} != old_ids:
            organisation.communes.set(communes)
            changed.append("communes")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="organisation.update",
        obj=organisation,
        details={"fields": changed},
    )
    return organisation


# --- users -----------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=normalise_email(email)).first()


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """A new account, its e-mail address lowercased and unique.

    Platform administrators; organisation admins too (they create the accounts of the colleagues
    they add, see ``member_add``). Only platform administrators may create a platform administrator.
    Without ``password`` the account has an unusable password until it is set (reset by e-mail).
    """
    is_org_admin = actor.has_role(Role.ORG_ADMIN)
    if not (perms.can_manage_platform(actor) or is_org_admin):
        raise PermissionDenied
    if is_staff and not perms.can_manage_platform(actor):
        raise PermissionDenied
    email = normalise_email(email)
    if email and user_for_email(email) is not None:
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse électronique.")}, code="email_unique"
        )
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), phone=phone, is_staff=is_staff)
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse électronique.")}, code="email_unique"
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="user.create",
        obj=user,
        details={"is_staff": is_staff, "usable_password": bool(password)},
    )
    return user


@transaction.atomic
def user_update(*, actor: Actor, user: User, data: dict[str, Any]) -> User:
    """Change an account (``USER_FIELDS``): names, phone, activation, platform administrator flag.

    Platform administrators only. Nobody may deactivate their own account or drop their own
    platform administrator flag (they would lock themselves out).
    """
    if not perms.can_manage_platform(actor):
        raise PermissionDenied
    _unknown(data, USER_FIELDS)
    if user.pk == actor.user.pk:
        if data.get("is_active") is False:
            raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."), code="self_deactivate")
        if data.get("is_staff") is False:
            raise ValidationError(
                _("Vous ne pouvez pas retirer vos propres droits d'administration de la plateforme."),
                code="self_demote",
            )
    changed = _changed(user, data)
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*data.keys()] if data else None)
    audit_record(actor=actor, action=AuditAction.UPDATE, event="user.update", obj=user, details={"fields": changed})
    return user


# --- memberships -----------------------------------------------------------------------------


def _is_last_org_admin(membership: Membership) -> bool:
    """True when ``membership`` is the only active admin membership of its organisation."""
    if not (membership.is_active and membership.role == Role.ORG_ADMIN):
        return False
    return not (
        Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.ORG_ADMIN, is_active=True)
        .filter(user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_create(
    *,
    actor: Actor,
    organisation: Organisation,
    user: User,
    role: str,
    can_access_health: bool = False,
    is_active: bool = True,
) -> Membership:
    """Add ``user`` to ``organisation`` with ``role``.

    Platform administrators for any organisation; an organisation admin for their own organisation
    only. A membership never makes anyone a platform administrator.
    """
    if not perms.can_manage_organisation(actor, organisation):
        raise PermissionDenied
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            _("Cette personne est déjà membre de l'organisation : modifiez son appartenance dans la liste."),
            code="membership_exists",
        )
    membership = Membership(
        user=user, organisation=organisation, role=role, can_access_health=can_access_health, is_active=is_active
    )
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(_("Cette personne est déjà membre de l'organisation."), code="membership_exists")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="membership.create",
        obj=membership,
        details={
            "organisation_id": organisation.pk,
            "user_id": user.pk,
            "role": role,
            "can_access_health": can_access_health,
        },
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: Actor,
    membership: Membership,
    role: str | None = None,
    can_access_health: bool | None = None,
    is_active: bool | None = None,
) -> Membership:
    """Change a membership's role, health permission or activation (``None`` keeps the value).

    Platform administrators, and the organisation's own admins. Nobody may demote or deactivate
    their own membership while it is the organisation's last active admin.
    """
    organisation = membership.organisation
    if not perms.can_manage_organisation(actor, organisation):
        raise PermissionDenied
    data: dict[str, Any] = {
        name: value
        for name, value in (("role", role), ("can_access_health", can_access_health), ("is_active", is_active))
        if value is not None
    }
    # Lock the organisation's admin memberships so two admins cannot demote each other at once.
    list(Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ORG_ADMIN))
    losing_admin = data.get("role", membership.role) != Role.ORG_ADMIN or data.get("is_active") is False
    if membership.user_id == actor.user.pk and losing_admin and _is_last_org_admin(membership):
        raise ValidationError(
            _(
                "Vous êtes le dernier administrateur actif de cette organisation : désignez d'abord un autre "
                "administrateur avant de retirer ou de désactiver le vôtre."
            ),
            code="last_org_admin",
        )
    changed = _changed(membership, data)
    for name, value in data.items():
        setattr(membership, name, value)
    membership.full_clean(validate_constraints=False)
    membership.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="membership.update",
        obj=membership,
        details={"organisation_id": organisation.pk, "user_id": membership.user_id, "fields": changed},
    )
    return membership


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    organisation: Organisation,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    can_access_health: bool = False,
) -> Membership:
    """Add a colleague by e-mail address: an existing account, or a new one (names required).

    Same permission as ``membership_create``; the account and the membership are written together
    or not at all.
    """
    if not perms.can_manage_organisation(actor, organisation):
        raise PermissionDenied
    user = user_for_email(email)
    if user is None:
        errors = {}
        if not first_name.strip():
            errors["first_name"] = _("Cette adresse n'a pas encore de compte : indiquez le prénom pour le créer.")
        if not last_name.strip():
            errors["last_name"] = _("Cette adresse n'a pas encore de compte : indiquez le nom pour le créer.")
        if errors:
            raise ValidationError(errors, code="names_required")
        user = user_create(actor=actor, email=email, first_name=first_name, last_name=last_name)
    return membership_create(
        actor=actor, organisation=organisation, user=user, role=role, can_access_health=can_access_health
    )


# --- two-factor authentication and sign-in lockout (issue 12) ----------------------------------------


def _second_factor_error(message: str, code: str) -> ValidationError:
    return ValidationError({"code": message}, code=code)


def _throttle_error(device: Any) -> ValidationError | None:
    """The French "wait" error when django-otp refuses to check a code on ``device`` for now."""
    from django.utils import timezone

    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    wait = int((locked_until - timezone.now()).total_seconds()) + 1 if locked_until else 1
    return _second_factor_error(
        _("Trop de codes erronés : patientez %(seconds)s secondes avant de réessayer.") % {"seconds": max(wait, 1)},
        "throttled",
    )


def user_two_factor_enrol(*, actor: Actor, device: Any, code: str) -> list[str]:
    """Confirm the TOTP ``device`` being enrolled with a first ``code`` from the application.

    The actor enrols their own device only. Returns ten new recovery codes, to show once; any other
    TOTP device of the user is removed (one application per account). Wrong codes are throttled.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from . import two_factor

    if device.user_id != actor.user.pk or device.confirmed:
        raise PermissionDenied
    if (error := _throttle_error(device)) is not None:
        raise error
    code = two_factor.normalise_code(code)
    if not two_factor.is_totp_code(code) or not device.verify_token(code):  # a failure is counted and saved
        raise _second_factor_error(
            _("Ce code ne correspond pas : saisissez les 6 chiffres affichés en ce moment par l'application."),
            "invalid_code",
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor.user).exclude(pk=device.pk).delete()
        codes = two_factor.issue_recovery_codes(actor.user)
        audit_record(actor=actor, action=AuditAction.UPDATE, event="user.two_factor_enrol", obj=actor.user)
    return codes


def user_two_factor_verify(*, actor: Actor, code: str) -> Any:
    """The device that accepts ``code`` (a 6-digit TOTP code or a recovery code, used up), else a French error.

    Wrong codes are throttled per device by django-otp (1, 2, 4, 8… seconds between attempts); each
    failure and each success is written to the audit log.
    """
    from django_otp import verify_token
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from . import two_factor

    code = two_factor.normalise_code(code)
    model = TOTPDevice if two_factor.is_totp_code(code) else StaticDevice
    devices = list(model.objects.filter(user=actor.user, confirmed=True))
    for device in devices:
        if (error := _throttle_error(device)) is not None:
            raise error
    for device in devices:
        verified = verify_token(actor.user, device.persistent_id, code)
        if verified is not None:
            factor = "totp" if model is TOTPDevice else "recovery_code"
            audit_record(
                actor=actor, action=AuditAction.LOGIN, event="user.login", obj=actor.user, details={"factor": factor}
            )
            return verified
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.LOGIN_FAILED, event="user.two_factor_failed", obj=actor.user)
    if model is StaticDevice:
        message = _("Ce code de secours n'est pas valable (ou a déjà servi).")
    else:
        message = _("Ce code ne correspond pas. Saisissez le code à 6 chiffres affiché en ce moment par l'application.")
    raise _second_factor_error(message, "invalid_code")


@transaction.atomic
def user_recovery_codes_regenerate(*, actor: Actor) -> list[str]:
    """Ten new recovery codes for the actor (the previous ones stop working), to show once."""
    from . import two_factor

    if two_factor.confirmed_totp_device(actor.user) is None:
        raise PermissionDenied
    codes = two_factor.issue_recovery_codes(actor.user)
    audit_record(actor=actor, action=AuditAction.UPDATE, event="user.recovery_codes_regenerate", obj=actor.user)
    return codes


def _check_member_security(actor: Actor, membership: Membership) -> None:
    """Platform administrators, and admins of the member's organisation (``perms.can_manage_organisation``).

    Only a platform administrator may act on a platform administrator's account.
    """
    if not perms.can_manage_organisation(actor, membership.organisation):
        raise PermissionDenied
    if membership.user.is_staff and not perms.can_manage_platform(actor):
        raise PermissionDenied


@transaction.atomic
def user_two_factor_reset(*, actor: Actor, membership: Membership) -> int:
    """Remove the member's second-factor devices: they enrol again at their next sign-in.

    Their open sessions lose their verification at the next request. Returns the number of devices removed.
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _check_member_security(actor, membership)
    user = membership.user
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="user.two_factor_reset",
        obj=user,
        details={"organisation_id": membership.organisation_id, "user_id": user.pk},
    )
    return removed


@transaction.atomic
def user_lockout_clear(*, actor: Actor, membership: Membership) -> int:
    """Unlock a member's account after too many wrong passwords (the failed attempts are forgotten)."""
    from . import lockout

    _check_member_security(actor, membership)
    cleared = lockout.clear_account_attempts(membership.user.email)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="user.lockout_clear",
        obj=membership.user,
        details={"organisation_id": membership.organisation_id, "user_id": membership.user_id, "attempts": cleared},
    )
    return cleared
