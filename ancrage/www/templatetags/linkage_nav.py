"""The « Doublons » entry of the main menu, with the number of pairs waiting for the reviewer."""

from django import template

from ancrage.access import perms
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role

register = template.Library()


@register.simple_tag
def pending_duplicates(actor: Actor | None) -> int | None:
    """For référents, the pending pairs they may review (one query); None for everybody else (organisation
    admins review too, from /doublons/, but their menu carries no count)."""
    if actor is None or not actor.has_role(Role.REFERENT) or not perms.can_review_duplicates(actor):
        return None
    from ancrage.linkage.review import candidates_visible_to

    cached = actor.cache.get("pending_duplicates")
    if cached is None:
        cached = actor.cache["pending_duplicates"] = candidates_visible_to(actor).pending().count()
    return cached
