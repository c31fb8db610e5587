"""Writes to pathways. Each function owns its transaction and its audit event."""

import datetime as dt
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS, Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import save_versioned
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, Role
from ancrage.persons.models import Person

from .models import (
    TRANSITIONS,
    Appointment,
    DiagnosticItem,
    Note,
    Objective,
    Pathway,
    PathwayStatus,
    PathwayTransition,
    PlanAction,
)


class TransitionNotAllowed(ValidationError):
    pass


def _check_referent(pathway_operator_id: int, referent_id: int | None) -> None:
    if referent_id is None:
        return
    ok = (
        Membership.objects.active()
        .filter(user_id=referent_id, organisation_id=pathway_operator_id, role__in=[Role.REFERENT, Role.ORG_ADMIN])
        .exists()
    )
    if not ok:
        raise ValidationError({"referent": _("Le référent doit être un référent de l'organisation opératrice.")})


@transaction.atomic
def pathway_create(
    *, actor: Actor, person: Person, programme: str, entry_date: date, referent_id: int | None, oriented_by: str = ""
) -> Pathway:
    """Open a pathway in the actor's organisation; the organisation then accompanies the person."""
    if not perms.can_create_person(actor):
        raise PermissionDenied
    assert actor.organisation_id is not None
    if Pathway.objects.open().filter(person=person, operator_id=actor.organisation_id, programme=programme).exists():
        raise ValidationError(_("Cette personne a déjà un parcours ouvert dans ce programme chez vous."))
    _check_referent(actor.organisation_id, referent_id)
    pathway = Pathway(
        person=person,
        programme=programme,
        operator_id=actor.organisation_id,
        referent_id=referent_id,
        entry_date=entry_date,
        oriented_by=oriented_by,
    )
    pathway.full_clean()
    pathway.save()
    PathwayTransition.objects.create(
        pathway=pathway, name="orient", from_status="", to_status=PathwayStatus.ORIENTED, by=actor.user
    )
    AccessGrant.objects.create(
        person=person,
        organisation_id=actor.org_id,
        sections=sorted(ALL_SECTIONS),
        origin=GrantOrigin.PATHWAY,
        pathway=pathway,
        created_by=actor.user,
    )
    actor.cache.pop("grants", None)
    audit_record(actor=actor, action=AuditAction.CREATE, event="pathway.create", person_id=person.pk, obj=pathway)
    return pathway


@transaction.atomic
def pathway_update(*, actor: Actor, pathway: Pathway, expected_version: int, data: dict[str, Any]) -> Pathway:
    if not perms.can_manage_pathway(actor, pathway):
        raise PermissionDenied
    if "referent_id" in data:
        _check_referent(pathway.operator_id, data["referent_id"])
    for name, value in data.items():
        setattr(pathway, name, value)
    pathway.full_clean()
    save_versioned(pathway, expected_version=expected_version, update_fields=list(data))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="pathway.update",
        person_id=pathway.person_id,
        obj=pathway,
        details={"fields": list(data)},
    )
    return pathway


@transaction.atomic
def pathway_transition(
    *,
    actor: Actor,
    pathway: Pathway,
    name: str,
    expected_version: int,
    reason: str = "",
    exit_date: date | None = None,
    exit_reason: str = "",
) -> Pathway:
    """Apply a named transition; refuses one not allowed from the current state."""
    if not perms.can_manage_pathway(actor, pathway):
        raise PermissionDenied
    if name not in TRANSITIONS:
        raise TransitionNotAllowed(_("Cette étape n'existe pas."))
    sources, target = TRANSITIONS[name]
    if pathway.status not in sources:
        raise TransitionNotAllowed(
            _("Impossible depuis l'étape « %(status)s ».") % {"status": pathway.get_status_display()}
        )
    previous = pathway.status
    fields = ["status"]
    pathway.status = target
    if target == PathwayStatus.EXITED:
        if not exit_date or not exit_reason:
            raise ValidationError(_("Indiquez la date et le motif de sortie."))
        if exit_date < pathway.entry_date:
            raise ValidationError({"exit_date": _("La sortie ne peut pas précéder l'entrée.")})
        if exit_date > timezone.localdate():
            raise ValidationError({"exit_date": _("La date de sortie ne peut pas être dans le futur.")})
        pathway.exit_date, pathway.exit_reason = exit_date, exit_reason
        fields += ["exit_date", "exit_reason"]
    save_versioned(pathway, expected_version=expected_version, update_fields=fields)
    PathwayTransition.objects.create(
        pathway=pathway, name=name, from_status=previous, to_status=target, by=actor.user, reason=reason[:500]
    )
    if target == PathwayStatus.EXITED:
        _expire_pathway_grants(pathway)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event=f"pathway.{name}",
        person_id=pathway.person_id,
        obj=pathway,
        details={"from": previous, "to": target},
    )
    return pathway


def _expire_pathway_grants(pathway: Pathway) -> None:
    """The operator keeps the record for the retention period after the exit, then loses it."""
    assert pathway.exit_date is not None
    exit_moment = timezone.make_aware(dt.datetime.combine(pathway.exit_date, dt.time(23, 59)))
    AccessGrant.objects.filter(pathway=pathway, revoked_at__isnull=True).update(
        expires_at=exit_moment + dt.timedelta(days=settings.ACCESS_AFTER_EXIT_DAYS)
    )


def _save_pathway_item(actor: Actor, pathway: Pathway, item, event: str):
    if not perms.can_manage_pathway(actor, pathway):
        raise PermissionDenied
    creating = item.pk is None
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        event=f"{event}.{'create' if creating else 'update'}",
        person_id=pathway.person_id,
        obj=item,
    )
    return item


@transaction.atomic
def diagnostic_item_save(*, actor: Actor, item: DiagnosticItem) -> DiagnosticItem:
    return _save_pathway_item(actor, item.pathway, item, "diagnostic")


@transaction.atomic
def objective_save(*, actor: Actor, objective: Objective) -> Objective:
    return _save_pathway_item(actor, objective.pathway, objective, "objective")


@transaction.atomic
def plan_action_save(*, actor: Actor, action: PlanAction) -> PlanAction:
    if action.status == "done" and action.done_on is None:
        action.done_on = timezone.localdate()
    if action.status != "done":
        action.done_on = None
    return _save_pathway_item(actor, action.objective.pathway, action, "plan_action")


@transaction.atomic
def note_create(
    *, actor: Actor, person: Person, body: str, confidentiality: str, pathway: Pathway | None = None
) -> Note:
    """A journal entry; its confidentiality decides who reads it (see notes_visible_to)."""
    if not perms.can_write_note(actor, person.pk):
        raise PermissionDenied
    note = Note(
        person=person,
        pathway=pathway,
        author=actor.user,
        organisation_id=actor.org_id,
        confidentiality=confidentiality,
        body=body,
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="note.create",
        person_id=person.pk,
        obj=note,
        details={"confidentiality": confidentiality},
    )
    return note


@transaction.atomic
def appointment_save(*, actor: Actor, appointment: Appointment, expected_version: int | None = None) -> Appointment:
    creating = appointment.pk is None
    if creating:
        if not perms.can_plan_appointment(actor, appointment.person_id):
            raise PermissionDenied
        appointment.organisation_id = actor.org_id
    elif not perms.can_edit_appointment(actor, appointment):
        raise PermissionDenied
    if not Membership.objects.active().filter(user_id=appointment.with_user_id, organisation_id=actor.org_id).exists():
        raise ValidationError({"with_user": _("Choisissez un professionnel de votre organisation.")})
    appointment.full_clean()
    if creating:
        appointment.save()
    else:
        save_versioned(appointment, expected_version=expected_version or appointment.version)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        event=f"appointment.{'create' if creating else 'update'}",
        person_id=appointment.person_id,
        obj=appointment,
    )
    return appointment


__all__ = ["Section", "TransitionNotAllowed"]
