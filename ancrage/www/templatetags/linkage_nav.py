"""The « Doublons » entry of the main menu, with the number of pairs waiting for the reviewer."""

from django import template

from ancrage.access import perms
from ancrage.organisations.actor import Actor

register = template.Library()


@register.simple_tag
def pending_duplicates(actor: Actor | None) -> int | None:
    """For référents and organisation admins, the pending pairs they may review (one query, once per
    request); None for everybody else, who has no menu entry."""
    if actor is None or not perms.can_review_duplicates(actor):
        return None
    from ancrage.linkage.review import candidates_visible_to

    cached = actor.cache.get("pending_duplicates")
    if cached is None:
        cached = actor.cache["pending_duplicates"] = candidates_visible_to(actor).pending().count()
    return cached
