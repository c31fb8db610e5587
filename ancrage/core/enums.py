"""Code lists shared by several apps (domain.md §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CEFRLevel(models.TextChoices):
    NON_READER = "NL", _("Non lecteur, non scripteur")
    PRE_A1 = "A0", _("Infra A1")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value) if value in cls.values else -1


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Auto-évaluation")
    TESTED = "tested", _("Test de positionnement")
    CERTIFIED = "certified", _("Certification")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    OTHER = "X", _("Autre / non précisé")


class DatePrecision(models.TextChoices):
    EXACT = "day", _("Date exacte")
    MONTH = "month", _("Mois et année seulement")
    YEAR = "year", _("Année seulement")
    APPROXIMATE = "circa", _("Approximative (« vers »)")
