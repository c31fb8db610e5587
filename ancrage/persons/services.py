"""Writes to the person record. Each function owns its transaction and its audit event."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import save_versioned
from ancrage.organisations.actor import Actor

from .models import Household, HouseholdMember, Identity, Nationality, Person


def _changed_fields(instance: models.Model, data: dict[str, Any]) -> list[str]:
    return [name for name, value in data.items() if getattr(instance, name) != value]


@transaction.atomic
def person_create(
    *, actor: Actor, identity: dict[str, Any], nationalities: Sequence[str] = (), **fields: Any
) -> Person:
    """A new record, created by a referent, with its reference identity and nationalities (one
    ``person.create`` event naming them); the caller opens the pathway that grants access."""
    if not perms.can_create_person(actor):
        raise PermissionDenied
    person = Person(created_by_organisation_id=actor.org_id, **fields)
    person.full_clean(exclude=["created_by_organisation"])
    person.save()
    ident = Identity(person=person, is_reference=True, **identity)
    ident.full_clean()
    ident.save()
    items = []
    for code in nationalities:
        nationality = Nationality(person=person, code=code)
        nationality.full_clean()
        nationality.save()
        items.append(nationality.pk)
    person.refresh_search_keys()
    Person.objects.filter(pk=person.pk).update(
        search_folded=person.search_folded, search_skeleton=person.search_skeleton, display_name=person.display_name
    )
    details = {"items": {"nationality": items}} if items else {}
    audit_record(
        actor=actor, action=AuditAction.CREATE, event="person.create", person_id=person.pk, obj=person, details=details
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, expected_version: int, data: dict[str, Any]) -> Person:
    """Update the record's own fields; refuses a stale version (``ConcurrentEditError``)."""
    if not perms.can_edit_person(actor, person.pk):
        raise PermissionDenied
    changed = _changed_fields(person, data)
    for name, value in data.items():
        setattr(person, name, value)
    person.full_clean(exclude=["created_by_organisation"])
    save_versioned(person, expected_version=expected_version, update_fields=list(data))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="person.update",
        person_id=person.pk,
        obj=person,
        details={"fields": changed},
    )
    return person


def _refresh_keys(person_id: int) -> None:
    person = Person.objects.prefetch_related("identities").get(pk=person_id)
    person.refresh_search_keys()
    Person.objects.filter(pk=person_id).update(
        search_folded=person.search_folded, search_skeleton=person.search_skeleton, display_name=person.display_name
    )


@transaction.atomic
def record_item_save(*, actor: Actor, person: Person, item: models.Model, section: str) -> models.Model:
    """Create or update one item of the record's histories (identity, protection, document...)."""
    if not (perms.can_edit_person(actor, person.pk) and perms.can_view_section(actor, person.pk, section)):
        raise PermissionDenied
    creating = item.pk is None
    item.person = person  # type: ignore[attr-defined]
    if isinstance(item, Identity) and item.is_reference:
        Identity.objects.filter(person=person, is_reference=True).exclude(pk=item.pk).update(is_reference=False)
    item.full_clean()
    item.save()
    if isinstance(item, Identity):
        _refresh_keys(person.pk)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        event=f"{item._meta.model_name}.{'create' if creating else 'update'}",
        person_id=person.pk,
        obj=item,
    )
    return item


@transaction.atomic
def record_item_delete(*, actor: Actor, person: Person, item: models.Model, section: str) -> None:
    if not (perms.can_edit_person(actor, person.pk) and perms.can_view_section(actor, person.pk, section)):
        raise PermissionDenied
    if isinstance(item, Identity) and item.is_reference:
        raise ValidationError(
            _("L'identité de référence ne peut pas être supprimée : désignez d'abord une autre identité de référence.")
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        event=f"{item._meta.model_name}.delete",
        person_id=person.pk,
        obj=item,
    )
    item.delete()
    if isinstance(item, Identity):
        _refresh_keys(person.pk)


@transaction.atomic
def household_member_save(*, actor: Actor, person: Person, member: HouseholdMember) -> HouseholdMember:
    """Add or edit a member of the person's household, creating the household on first use."""
    if not (perms.can_edit_person(actor, person.pk) and perms.can_view_section(actor, person.pk, Section.FAMILY)):
        raise PermissionDenied
    household = person.household
    if household is None:
        household = Household.objects.create(label=person.display_name)
        Person.objects.filter(pk=person.pk).update(household=household)
        person.household = household
    creating = member.pk is None
    member.household = household
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        event=f"household_member.{'create' if creating else 'update'}",
        person_id=person.pk,
        obj=member,
    )
    return member
