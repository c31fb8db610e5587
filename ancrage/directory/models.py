"""The territory's service directory, on the national data·inclusion schema (v1).

Every list of values comes from ``data_inclusion.schema.v1``; what refugees need is added on top
(languages and interpreting, minimum French level, protection statuses accepted, capacity, waiting time).
"""

from datetime import timedelta
from typing import Any

from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ancrage.core.enums import CEFRLevel
from ancrage.core.text import fold
from ancrage.core.validators import validate_phone, validate_siret
from ancrage.organisations.models import Organisation
from ancrage.persons.models import ProtectionType
from ancrage.territory.models import Commune

# A service not updated for this long is flagged "à actualiser".
STALE_AFTER = timedelta(days=183)


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, str(getattr(member, "label", member.value))) for member in enum]


THEMATIQUE_CHOICES = _choices(v1.Thematique)
PUBLIC_CHOICES = _choices(v1.Public)
TYPE_CHOICES = _choices(v1.TypeService)
FRAIS_CHOICES = _choices(v1.Frais)
MODE_ACCUEIL_CHOICES = _choices(v1.ModeAccueil)
MODE_MOBILISATION_CHOICES = _choices(v1.ModeMobilisation)
CATEGORIE_LABELS = {member.value: str(getattr(member, "label", member.value)) for member in v1.Categorie}


def thematique_label(code: str) -> str:
    """« Catégorie — thématique », e.g. « Santé — Accès aux soins »."""
    label = dict(THEMATIQUE_CHOICES).get(code, code)
    category = CATEGORIE_LABELS.get(code.split("--", 1)[0])
    return f"{category} — {label}" if category else label


@deconstructible
class CodeListValidator:
    """A JSON list of codes, every one of them in ``choices`` (referenced by name for migrations)."""

    def __init__(self, choices_name: str, message: Any) -> None:
        self.choices_name = choices_name
        self.message = message

    def __call__(self, value) -> None:
        allowed = {code for code, _label in _CODE_LISTS[self.choices_name]}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Une liste de codes est attendue."), code="not_a_list")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValidationError(self.message, code="unknown_code", params={"codes": ", ".join(unknown)})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.choices_name == self.choices_name


_CODE_LISTS: dict[str, list[tuple[str, Any]]] = {
    "thematiques": THEMATIQUE_CHOICES,
    "publics": PUBLIC_CHOICES,
    "types": TYPE_CHOICES,
    "modes_accueil": MODE_ACCUEIL_CHOICES,
    "modes_mobilisation": MODE_MOBILISATION_CHOICES,
    "protections": ProtectionType.choices,
}


validate_thematiques = CodeListValidator("thematiques", _("Thématique inconnue de data·inclusion : %(codes)s."))
validate_publics = CodeListValidator("publics", _("Public inconnu de data·inclusion : %(codes)s."))
validate_types = CodeListValidator("types", _("Type de service inconnu de data·inclusion : %(codes)s."))
validate_modes_accueil = CodeListValidator("modes_accueil", _("Mode d'accueil inconnu : %(codes)s."))
validate_modes_mobilisation = CodeListValidator("modes_mobilisation", _("Mode de mobilisation inconnu : %(codes)s."))
validate_protections = CodeListValidator("protections", _("Statut de protection inconnu : %(codes)s."))


def validate_languages(value) -> None:
    import pycountry

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Une liste de codes de langue est attendue."), code="not_a_list")
    unknown = sorted(code for code in value if len(code) != 3 or pycountry.languages.get(alpha_3=code) is None)
    if unknown:
        raise ValidationError(
            _("Code de langue ISO 639-3 inconnu : %(codes)s."),
            code="unknown_code",
            params={"codes": ", ".join(unknown)},
        )


class Structure(models.Model):
    """A place that offers services (data·inclusion *structure*)."""

    name = models.CharField(_("nom"), max_length=150, validators=[MinLengthValidator(3)])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation qui la tient à jour"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_structures",
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("adresse électronique"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=5000)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)
    # Identity in the national base (data·inclusion ``source`` and ``id``), kept for imports.
    di_source = models.CharField(_("source data·inclusion"), max_length=100, blank=True)
    di_id = models.CharField(_("identifiant data·inclusion"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["di_source", "di_id"], condition=~Q(di_id=""), name="directory_structure_di_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def active(self) -> "ServiceQuerySet":
        return self.filter(is_active=True)

    def stale(self, now=None) -> "ServiceQuerySet":
        """Active services not updated for six months."""
        return self.active().filter(updated_at__lt=(now or timezone.now()) - STALE_AFTER)

    def matching(self, text: str) -> "ServiceQuerySet":
        """Every word of ``text`` (accents and case folded) in the name, description or structure."""
        qs = self
        for word in fold(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Service(models.Model):
    """A service a structure offers (data·inclusion *service*), with what refugees need to know."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("nom"), max_length=150, validators=[MinLengthValidator(3)])
    description = models.TextField(_("description"), max_length=10000, validators=[MinLengthValidator(5)])
    thematiques = models.JSONField(_("thématiques"), default=list, blank=True, validators=[validate_thematiques])
    publics = models.JSONField(_("publics"), default=list, blank=True, validators=[validate_publics])
    types = models.JSONField(_("types de service"), default=list, blank=True, validators=[validate_types])
    frais = models.CharField(_("frais"), max_length=20, choices=FRAIS_CHOICES, blank=True)
    modes_accueil = models.JSONField(
        _("modes d'accueil"), default=list, blank=True, validators=[validate_modes_accueil]
    )
    modes_mobilisation = models.JSONField(
        _("modes de mobilisation"), default=list, blank=True, validators=[validate_modes_mobilisation]
    )
    zone = models.ManyToManyField(Commune, verbose_name=_("communes desservies"), blank=True, related_name="+")
    # What refugees need on top of data·inclusion.
    languages = models.JSONField(
        _("langues parlées (ISO 639-3)"), default=list, blank=True, validators=[validate_languages]
    )
    interpreting = models.BooleanField(_("interprétariat possible"), default=False)
    min_french_level = models.CharField(
        _("niveau de français minimum"), max_length=2, choices=CEFRLevel.choices, blank=True
    )
    protections_accepted = models.JSONField(
        _("statuts de protection acceptés"),
        default=list,
        blank=True,
        validators=[validate_protections],
        help_text=_("Vide : tous les statuts."),
    )
    documents_required = models.TextField(_("pièces à fournir"), blank=True, max_length=2000)
    capacity = models.PositiveIntegerField(_("capacité (places)"), null=True, blank=True)
    waiting_days = models.PositiveIntegerField(_("délai d'attente actuel (jours)"), null=True, blank=True)
    opening_hours = models.TextField(_("horaires d'accueil"), blank=True, max_length=1000)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(_("contact pour les orientations"), max_length=150, blank=True)
    contact_email = models.EmailField(_("adresse électronique du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)
    search_text = models.TextField(default="", editable=False)
    # Identity in the national base (data·inclusion ``source`` and ``id``), kept for imports.
    di_source = models.CharField(_("source data·inclusion"), max_length=100, blank=True)
    di_id = models.CharField(_("identifiant data·inclusion"), max_length=200, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frais="") | Q(frais__in=[value for value, _label in FRAIS_CHOICES]),
                name="directory_service_frais_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_french_level="") | Q(min_french_level__in=CEFRLevel.values),
                name="directory_service_french_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0), name="directory_service_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(waiting_days__isnull=True) | Q(waiting_days__lte=3650),
                name="directory_service_waiting_days_bounded",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="directory_service_name_required"),
            models.UniqueConstraint(
                fields=["di_source", "di_id"], condition=~Q(di_id=""), name="directory_service_di_unique"
            ),
        ]
        indexes = [models.Index(fields=["is_active", "commune"])]

    def __str__(self) -> str:
        return self.name

    @property
    def stale(self) -> bool:
        return self.updated_at < timezone.now() - STALE_AFTER

    def refresh_search_text(self) -> None:
        self.search_text = " " + fold(" ".join([self.name, self.description, self.structure.name])) + " "

    @property
    def thematique_labels(self) -> list[str]:
        return [thematique_label(code) for code in self.thematiques]

    @property
    def public_labels(self) -> list[str]:
        labels = dict(PUBLIC_CHOICES)
        return [labels.get(code, code) for code in self.publics]

    @property
    def type_labels(self) -> list[str]:
        labels = dict(TYPE_CHOICES)
        return [labels.get(code, code) for code in self.types]

    @property
    def language_labels(self) -> list[str]:
        from ancrage.persons.models import language_name

        return [language_name(code) for code in self.languages]

    @property
    def protection_labels(self) -> list[str]:
        labels = dict(ProtectionType.choices)
        return [str(labels.get(code, code)) for code in self.protections_accepted]
