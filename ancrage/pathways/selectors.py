from django.db.models import Q, QuerySet

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.organisations.actor import Actor

from .models import Appointment, Confidentiality, Note


def notes_visible_to(actor: Actor, person_id: int) -> QuerySet[Note]:
    """Shared notes, my organisation's notes, my private notes — if I see the journal at all."""
    if not perms.can_view_section(actor, person_id, Section.JOURNAL):
        return Note.objects.none()
    return (
        Note.objects.filter(person_id=person_id)
        .filter(
            Q(confidentiality=Confidentiality.SHARED)
            | Q(confidentiality=Confidentiality.ORGANISATION, organisation_id=actor.organisation_id)
            | Q(confidentiality=Confidentiality.PRIVATE, author_id=actor.user.pk)
        )
        .select_related("author", "organisation")
    )


def appointments_visible_to(actor: Actor, person_id: int) -> QuerySet[Appointment]:
    if not perms.can_view_section(actor, person_id, Section.APPOINTMENTS):
        return Appointment.objects.none()
    return Appointment.objects.filter(person_id=person_id).select_related("with_user", "organisation")
