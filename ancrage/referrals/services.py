"""Writes to referrals: each transition is one service call that owns its transaction and audit."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.access.models import AccessGrant, Consent, GrantOrigin
from ancrage.access.sections import MINIMAL_SECTIONS, Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role
from ancrage.persons.models import Person

from .models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
    Side,
)
from .notifications import notify_transition


class ReferralConflict(ValidationError):
    """The transition is not allowed from the referral's current state (answered 409 by the API)."""


def side_of(actor: Actor | None, referral: Referral, *, via_link: bool = False) -> str | None:
    """Which side of the referral the actor acts for, if any (a valid answer link speaks for the recipient)."""
    if via_link:
        return Side.RECIPIENT
    if actor is None:
        return Side.SYSTEM
    if actor.organisation_id is None:
        return None
    if actor.organisation_id == referral.sender_organisation_id and actor.has_role(Role.REFERENT, Role.ORG_ADMIN):
        return Side.SENDER
    if actor.organisation_id == referral.target_organisation_id and actor.has_role(
        Role.REFERENT, Role.PARTNER_AGENT, Role.ORG_ADMIN
    ):
        return Side.RECIPIENT
    return None


def _check_consent(consent: Consent, person: Person, sections: list[str], target_organisation_id: int | None) -> None:
    if consent.person_id != person.pk or not consent.in_force:
        raise ValidationError({"consent": _("Ce consentement n'est pas en vigueur pour cette personne.")})
    missing = set(sections) - set(consent.sections)
    if missing:
        labels = dict(Section.choices)
        raise ValidationError(
            {
                "sections": _("Le consentement ne couvre pas : %(sections)s.")
                % {"sections": ", ".join(str(labels[s]) for s in sorted(missing))}
            }
        )
    if target_organisation_id and not consent.recipients.filter(pk=target_organisation_id).exists():
        raise ValidationError({"consent": _("Le consentement ne désigne pas l'organisation destinataire.")})


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    person: Person,
    service,
    reason: str,
    sections: list[str],
    consent: Consent | None,
) -> Referral:
    """A draft referral. No consent, no referral: the person must have agreed to this sharing."""
    if not perms.can_edit_person(actor, person.pk):
        raise PermissionDenied
    if consent is None:
        raise ValidationError(
            {
                "consent": _(
                    "Pas d'orientation sans consentement : enregistrez d'abord le consentement de la personne "
                    "au partage avec cette structure (page « Partage » du dossier)."
                )
            }
        )
    shared = sorted(set(sections) | MINIMAL_SECTIONS)
    if Section.HEALTH in shared and not actor.can_access_health:
        raise ValidationError({"sections": _("Vous ne pouvez pas partager le volet santé.")})
    target_organisation_id = service.structure.organisation_id
    if target_organisation_id == actor.organisation_id:
        raise ValidationError({"service": _("Ce service appartient à votre organisation : pas besoin d'orientation.")})
    _check_consent(consent, person, shared, target_organisation_id)
    referral = Referral(
        person=person,
        sender_organisation_id=actor.org_id,
        sender=actor.user,
        service=service,
        target_organisation_id=target_organisation_id,
        reason=reason,
        sections=shared,
        consent=consent,
        pathway=person.pathways.open().filter(operator_id=actor.org_id).first(),
    )
    referral.full_clean()
    referral.save()
    ReferralTransition.objects.create(
        referral=referral, name="create", to_status=ReferralStatus.DRAFT, by=actor.user, by_organisation_id=actor.org_id
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="referral.create",
        person_id=person.pk,
        obj=referral,
        details={"sections": shared, "service": service.pk},
    )
    return referral


def _close_grants(referral: Referral, now: dt.datetime) -> None:
    AccessGrant.objects.filter(referral_id=referral.pk, revoked_at__isnull=True).update(
        expires_at=now + dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)
    )


@transaction.atomic
def referral_transition(
    *,
    actor: Actor | None,
    referral: Referral,
    name: str,
    expected_version: int,
    reason: str = "",
    refusal_reason: RefusalReason | None = None,
    outcome: str = "",
    via_link: bool = False,
) -> Referral:
    """Fire a named transition. Refused with ReferralConflict when not allowed from the current state,
    and when somebody else moved the referral first (the update is conditional on state and version)."""
    if name not in TRANSITIONS:
        raise ReferralConflict(_("Cette action n'existe pas."))
    sources, target, who = TRANSITIONS[name]
    side = side_of(actor, referral, via_link=via_link)
    if side != who:
        raise PermissionDenied
    if referral.status not in sources:
        raise ReferralConflict(
            _("Impossible : l'orientation est « %(status)s ».") % {"status": referral.get_status_display()}
        )
    if name == "refuse" and refusal_reason is None:
        raise ValidationError({"refusal_reason": _("Choisissez le motif du refus.")})
    if name == "send":
        _check_consent(referral.consent, referral.person, referral.sections, referral.target_organisation_id)
    now = timezone.now()
    previous = referral.status
    changes: dict = {"status": target}
    if name == "send":
        changes |= {"sent_at": now, "expires_at": now + dt.timedelta(days=settings.REFERRAL_EXPIRY_DAYS)}
    if target in {ReferralStatus.ACCEPTED, ReferralStatus.REFUSED} or (
        target in {ReferralStatus.DONE, ReferralStatus.ABANDONED, ReferralStatus.IN_PROGRESS}
        and referral.answered_at is None
    ):
        changes |= {"answered_at": now, "answered_by": actor.user if actor else None}
    if name == "refuse":
        changes |= {"refusal_reason": refusal_reason, "refusal_detail": reason[:1000]}
    if target in {ReferralStatus.DONE, ReferralStatus.ABANDONED}:
        changes["outcome"] = outcome or reason
    if target in CLOSED_STATUSES:
        changes["closed_at"] = now
    updated = Referral.objects.filter(pk=referral.pk, status=previous, version=expected_version).update(
        version=expected_version + 1, updated_at=now, **changes
    )
    if not updated:
        raise ReferralConflict(_("Quelqu'un a déjà répondu à cette orientation : rechargez la page."))
    referral.refresh_from_db()
    referral.full_clean()  # the state's invariants (also enforced by database constraints)
    ReferralTransition.objects.create(
        referral=referral,
        name=name,
        from_status=previous,
        to_status=target,
        by=actor.user if actor else None,
        by_organisation_id=actor.organisation_id if actor else None,
        reason=reason[:1000],
    )
    if name == "send" and referral.target_organisation_id:
        AccessGrant.objects.create(
            person_id=referral.person_id,
            organisation_id=referral.target_organisation_id,
            sections=referral.sections,
            origin=GrantOrigin.REFERRAL,
            referral_id=referral.pk,
            created_by=actor.user if actor else None,
        )
    if target in CLOSED_STATUSES:
        _close_grants(referral, now)
    notify_transition(referral, name)
    if name == "send" and referral.target_organisation_id is None:
        from .links import link_issue

        link_issue(referral=referral)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if name != "send" else AuditAction.SHARE,
        event=f"referral.{name}",
        person_id=referral.person_id,
        obj=referral,
        details={"from": previous, "to": target},
    )
    return referral
