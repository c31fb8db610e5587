"""Consent and grants: sharing beyond the accompanying organisation rests on recorded consent."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person

from . import perms
from .models import AccessGrant, Consent, GrantOrigin
from .sections import MINIMAL_SECTIONS, Section


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    person: Person,
    sections: list[str],
    recipients: list[Organisation],
    purpose: str,
    given_on: date,
    method: str = Consent.Method.WRITTEN,
    text_version: str = "2026-1",
) -> Consent:
    """Record the person's consent and open a grant on the chosen sections for each recipient."""
    if not perms.can_share_person(actor, person.pk):
        raise PermissionDenied
    if not recipients:
        raise ValidationError({"recipients": _("Choisissez au moins une organisation destinataire.")})
    if any(r.pk == actor.organisation_id for r in recipients):
        raise ValidationError({"recipients": _("Votre organisation accompagne déjà cette personne.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Le consentement ne peut pas être daté dans le futur.")})
    if Section.HEALTH in sections and not actor.can_access_health:
        raise ValidationError({"sections": _("Vous ne pouvez pas partager le volet santé.")})
    shared = sorted(set(sections) | MINIMAL_SECTIONS)
    consent = Consent(
        person=person,
        sections=shared,
        purpose=purpose,
        given_on=given_on,
        method=method,
        text_version=text_version,
        recorded_by=actor.user,
        recorded_for_id=actor.org_id,
    )
    consent.full_clean()
    consent.save()
    consent.recipients.set(recipients)
    for organisation in recipients:
        AccessGrant.objects.create(
            person=person,
            organisation=organisation,
            sections=shared,
            origin=GrantOrigin.CONSENT,
            consent=consent,
            created_by=actor.user,
        )
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        event="consent.record",
        person_id=person.pk,
        obj=consent,
        details={"sections": shared, "recipients": [r.pk for r in recipients]},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent, withdrawn_on: date | None = None) -> Consent:
    """The person withdraws consent: every grant resting on it ends now."""
    if not perms.can_share_person(actor, consent.person_id):
        raise PermissionDenied
    if consent.withdrawn_on:
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.withdrawn_by = actor.user
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    revoked = AccessGrant.objects.filter(consent=consent, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.REVOKE,
        event="consent.withdraw",
        person_id=consent.person_id,
        obj=consent,
        details={"grants_revoked": revoked},
    )
    return consent
