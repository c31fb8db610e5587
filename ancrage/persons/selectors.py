"""Reads of person data: always scoped to the actor, always audited."""

from django.db.models import Prefetch
from django.http import Http404

from ancrage.access import perms
from ancrage.audit.services import audit_read
from ancrage.organisations.actor import Actor

from .models import Identity, Person, PersonQuerySet


def persons_visible_to(actor: Actor) -> PersonQuerySet:
    return Person.objects.active().filter(perms.visible_persons_filter(actor))


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
