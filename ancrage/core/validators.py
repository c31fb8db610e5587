"""Format validators for French identifiers. Identifiers are opaque strings: format only."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET has 14 digits and passes the Luhn check (La Poste's sites excepted)."""
    if not re.fullmatch(r"\d{14}", value or ""):
        raise ValidationError(_("Le SIRET doit comporter exactement 14 chiffres."), code="siret_format")
    # La Poste (SIREN 356000000) numbers its establishments with a different checksum.
    if value.startswith("356000000"):
        if sum(int(c) for c in value) % 5 != 0:
            raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle)."), code="siret_key")
        return
    if not luhn_ok(value):
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle)."), code="siret_key")


def validate_insee_code(value: str) -> None:
    if not re.fullmatch(r"(\d{5}|2[AB]\d{3})", value or ""):
        raise ValidationError(_("Le code INSEE doit comporter 5 caractères."), code="insee_format")


def validate_ofpra_number(value: str) -> None:
    if value and not re.fullmatch(r"[0-9A-Za-z\-/]{6,20}", value):
        raise ValidationError(
            _("Le numéro OFPRA ne doit contenir que des chiffres, des lettres, « - » ou « / »."),
            code="ofpra_format",
        )


def validate_agdref_number(value: str) -> None:
    """The foreigner's number on the residence card (AGDREF / ANEF): ten digits."""
    if value and not re.fullmatch(r"\d{10}", value):
        raise ValidationError(_("Le numéro étranger (AGDREF) compte dix chiffres."), code="agdref_format")


def validate_phone(value: str) -> None:
    cleaned = re.sub(r"[\s.\-()]", "", value or "")
    if value and not re.fullmatch(r"\+?\d{8,15}", cleaned):
        raise ValidationError(
            _("Saisissez un numéro de téléphone valide (par exemple 06 12 34 56 78 ou +33 6 12 34 56 78)."),
            code="phone_format",
        )
