"""Reads of person data: always scoped to the actor, always audited."""

from django.db.models import Prefetch
from django.http import Http404

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_read, audit_record
from ancrage.organisations.actor import Actor

from .models import Identity, Person, PersonQuerySet


def persons_visible_to(actor: Actor) -> PersonQuerySet:
    return Person.objects.active().filter(perms.visible_persons_filter(actor))


def refuse_read(actor: Actor, pk: int, *, event: str, purpose: str = "") -> None:
    """Answer 404 to a read the actor may not make, recorded as the refused attempt it is (never as a
    read): the person may be visible to the actor while the part asked for is not."""
    audit_record(actor=actor, action=AuditAction.DENIED, event=event, person_id=pk, purpose=purpose)
    raise Http404


def get_person_for_user(actor: Actor, pk: int, *, purpose: str = "", event: str = "person.read") -> Person:
    """The person if the actor may see them, with one audit event; 404 for missing and forbidden alike."""
    if not perms.can_view_person(actor, pk):
        raise Http404
    person = (
        Person.objects.select_related("commune", "household")
        .prefetch_related(Prefetch("identities", queryset=Identity.objects.order_by("-is_reference", "id")))
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    audit_read(actor, event=event, person_id=person.pk, obj=person, purpose=purpose)
    return person
