"""Who may read and maintain the service directory."""

from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role

from .models import Service, Structure


def can_view_directory(actor: Actor | None) -> bool:
    """Every signed-in user working for an organisation, and platform administrators (no person data)."""
    return actor is not None and (actor.membership is not None or actor.is_platform_admin)


def can_edit_structure(actor: Actor, structure: Structure | None) -> bool:
    """Platform administrators, and org admins or referents of the organisation that maintains it."""
    if actor.is_platform_admin:
        return True
    return (
        structure is not None
        and structure.organisation_id is not None
        and actor.has_role(Role.ORG_ADMIN, Role.REFERENT)
        and actor.organisation_id == structure.organisation_id
    )


def can_edit_service(actor: Actor, service: Service) -> bool:
    """Platform administrators, and org admins or referents of ``service.structure.organisation``."""
    return can_edit_structure(actor, service.structure)
