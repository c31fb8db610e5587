"""Whether to show the carrier's entry « Mes actions du contrat » in the main menu."""

from django import template

from ancrage.organisations.actor import Actor
from ancrage.steering.bilans import carries_any_action

register = template.Library()


@register.simple_tag
def carries_contract_actions(actor: Actor | None) -> bool:
    """True when the actor's organisation carries at least one *fiche action* (one query, memoised)."""
    return actor is not None and carries_any_action(actor)
