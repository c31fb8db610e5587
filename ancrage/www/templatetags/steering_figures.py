"""Figures of the contract pages: amounts in euros and percentages, French style."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def euros(value: Decimal | int | float | None) -> str:
    """« 12 345 € » (cents only when there are some); an empty amount is « — »."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)}\xa0€"


@register.filter
def percent(value: float | Decimal | None) -> str:
    """« 42,5 % »; a share that cannot be shown (nothing granted, hidden base) is « — »."""
    if value is None:
        return "—"
    number = float(value)
    places = 0 if number == int(number) else 1
    return f"{number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)}\xa0%"


@register.filter
def days(value: float | None) -> str:
    """A median delay in days; hidden (statistical secret) or missing is « non affiché »."""
    if value is None:
        return _("non affiché")
    places = 0 if float(value) == int(value) else 1
    return _("%(n)s jours") % {"n": number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)}
