"""Helpers shared by every figure about persons (the contract's indicators, the shared diagnosis, the
employment results, the coverage of the tracks): age bands and medians, defined once."""

from __future__ import annotations

import statistics

from django.utils.translation import gettext_lazy

from .disclosure import Cell

UNKNOWN = "unknown"
AGE_BANDS = (
    ("lt26", gettext_lazy("Moins de 26 ans")),
    ("26_35", gettext_lazy("26 à 35 ans")),
    ("36_45", gettext_lazy("36 à 45 ans")),
    ("46", gettext_lazy("46 ans et plus")),
)


def age_band(age: int | None) -> str:
    """The band of ``AGE_BANDS`` an age falls in; ``UNKNOWN`` without an age."""
    if age is None:
        return UNKNOWN
    if age < 26:
        return "lt26"
    if age <= 35:
        return "26_35"
    if age <= 45:
        return "36_45"
    return "46"


def median(values: list[int], persons: Cell) -> float | None:
    """The median of ``values`` to one decimal, hidden (None) when the number of persons behind it is."""
    if not values or persons.suppressed:
        return None
    return round(float(statistics.median(values)), 1)
