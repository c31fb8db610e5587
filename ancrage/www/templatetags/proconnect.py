"""``{% proconnect_enabled as name %}``: whether the login page offers ProConnect."""

from django import template

from ancrage.organisations.proconnect import proconnect_enabled as _enabled

register = template.Library()


@register.simple_tag
def proconnect_enabled() -> bool:
    return _enabled()
