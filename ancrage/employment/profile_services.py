"""Writes of the socio-professional profile: each in one transaction, checked and audited.

The caller (web view or API) checks visibility first (404); these services refuse an actor who may not
edit (``PermissionDenied``) and raise ``ValidationError`` with French messages on bad input.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import ConcurrentEditError, save_versioned
from ancrage.core.dates import add_months, age_on
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person
from ancrage.rome.models import RomeAppellation

from .models import Diploma, EmploymentProfile, LicenceStatus, TargetOccupation, WorkExperience

MAX_TARGET_OCCUPATIONS = 5
# The Contrat d'engagement jeune is open to persons under 26.
CEJ_AGE_LIMIT = 26


# --- computed facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFacts:
    age: int | None
    cej_eligible: bool | None
    licence_exchange_deadline: dt.date | None
    licence_exchange_late: bool
    france_travail_registered: bool


def profile_facts(person: Person, profile: EmploymentProfile | None, today: dt.date) -> ProfileFacts:
    """What the record says without anyone ticking it: CEJ eligibility, licence exchange deadline."""
    age = age_on(person.birth_date, today)
    deadline = None
    late = False
    if profile is not None and profile.licence_first_receipt_on:
        deadline = add_months(profile.licence_first_receipt_on, 12)
        late = profile.licence_status == LicenceStatus.TO_EXCHANGE and today > deadline
    return ProfileFacts(
        age=age,
        cej_eligible=None if age is None else age < CEJ_AGE_LIMIT,
        licence_exchange_deadline=deadline,
        licence_exchange_late=late,
        france_travail_registered=bool(profile and profile.france_travail_registered_on),
    )


# --- the profile -----------------------------------------------------------------------------------


def profile_save(
    *, actor: Actor, person: Person, profile: EmploymentProfile, expected_version: int | None
) -> EmploymentProfile:
    """Create the person's profile, or update it if the stored version is still ``expected_version``."""
    perms.require(perms.can_edit_employment(actor, person.pk), visible=True)
    with transaction.atomic():
        profile.person = person
        profile.full_clean(exclude=["person", "version"], validate_unique=False)
        if profile.pk is None:
            existing = EmploymentProfile.objects.filter(person=person).first()
            if existing is not None:
                # Somebody created it meanwhile: never overwrite silently.
                raise ConcurrentEditError(existing)
            profile.save()
            action = AuditAction.CREATE
        else:
            save_versioned(profile, expected_version=expected_version or 0)
            action = AuditAction.UPDATE
        audit_record(actor=actor, action=action, event="employment.profile.save", person_id=person.pk, obj=profile)
    return profile


# --- diplomas, experiences, target occupations ----------------------------------------------------


def _save_item(actor: Actor, person: Person, item: Diploma | WorkExperience, event: str) -> Any:
    perms.require(perms.can_edit_employment(actor, person.pk), visible=True)
    with transaction.atomic():
        if item.person_id != person.pk:
            raise PermissionDenied
        creating = item.pk is None
        item.full_clean()
        item.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            event=event,
            person_id=person.pk,
            obj=item,
        )
    return item


def _delete_item(actor: Actor, person: Person, item: Diploma | WorkExperience | TargetOccupation, event: str) -> None:
    perms.require(perms.can_edit_employment(actor, person.pk), visible=True)
    with transaction.atomic():
        if item.person_id != person.pk:
            raise PermissionDenied
        audit_record(actor=actor, action=AuditAction.DELETE, event=event, person_id=person.pk, obj=item)
        item.delete()


def diploma_save(*, actor: Actor, person: Person, diploma: Diploma) -> Diploma:
    return _save_item(actor, person, diploma, "employment.diploma.save")


def diploma_delete(*, actor: Actor, person: Person, diploma: Diploma) -> None:
    _delete_item(actor, person, diploma, "employment.diploma.delete")


def experience_save(*, actor: Actor, person: Person, experience: WorkExperience) -> WorkExperience:
    return _save_item(actor, person, experience, "employment.experience.save")


def experience_delete(*, actor: Actor, person: Person, experience: WorkExperience) -> None:
    _delete_item(actor, person, experience, "employment.experience.delete")


def target_add(*, actor: Actor, person: Person, appellation: RomeAppellation) -> TargetOccupation:
    perms.require(perms.can_edit_employment(actor, person.pk), visible=True)
    with transaction.atomic():
        # Lock the person's row so two concurrent additions cannot both pass the limit.
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
        targets = TargetOccupation.objects.filter(person=person)
        if targets.filter(appellation=appellation).exists():
            raise ValidationError({"appellation": _("Ce métier est déjà dans les métiers visés.")})
        if targets.count() >= MAX_TARGET_OCCUPATIONS:
            raise ValidationError(
                {
                    "appellation": _("%(max)d métiers visés au plus : retirez-en un avant d'en ajouter un autre.")
                    % {"max": MAX_TARGET_OCCUPATIONS}
                }
            )
        target = TargetOccupation(person=person, appellation=appellation)
        target.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, event="employment.target.add", person_id=person.pk, obj=target
        )
    return target


def target_delete(*, actor: Actor, person: Person, target: TargetOccupation) -> None:
    _delete_item(actor, person, target, "employment.target.delete")
