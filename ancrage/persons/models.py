"""The shared record of a person (domain.md §3 and §7).

Never a field for the asylum story or the grounds of protection: only types and dates.
"""

import datetime as dt
import functools
import gettext as gettext_module
from functools import cached_property

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from ancrage.core.enums import AssessmentKind, CEFRLevel, DatePrecision, Sex
from ancrage.core.models import TimestampedModel, VersionedModel
from ancrage.core.text import fold, search_keys
from ancrage.core.validators import validate_agdref_number, validate_ofpra_number, validate_phone
from ancrage.organisations.models import Organisation
from ancrage.territory.models import Commune

STATELESS = "XXA"
UNKNOWN_NATIONALITY = "XXX"


@functools.lru_cache(maxsize=8)
def _catalogue(domain: str, language: str) -> gettext_module.NullTranslations:
    """pycountry's own translations of ISO names (French names for a French interface)."""
    return gettext_module.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _localised(domain: str, name: str) -> str:
    return _catalogue(domain, get_language() or "fr").gettext(name)


@functools.lru_cache(maxsize=8)
def _nationality_choices(language: str) -> list[tuple[str, str]]:
    countries = sorted(
        ((c.alpha_2, _localised("iso3166-1", c.name)) for c in pycountry.countries), key=lambda item: fold(item[1])
    )
    return [(STATELESS, str(_("Apatride"))), (UNKNOWN_NATIONALITY, str(_("Indéterminée / inconnue"))), *countries]


def nationality_choices() -> list[tuple[str, str]]:
    return _nationality_choices(get_language() or "fr")


# ISO 639-3 codes of the languages most spoken by the persons accompanied, shown first in forms.
COMMON_LANGUAGES = [
    "fra",
    "ara",
    "prs",
    "pus",
    "fas",
    "tir",
    "amh",
    "som",
    "ful",
    "sus",
    "bam",
    "lin",
    "ukr",
    "rus",
    "tur",
    "kmr",
    "ckb",
    "eng",
    "urd",
    "ben",
    "sqi",
    "kat",
    "hye",
    "tam",
    "swa",
    "mnk",
]


@functools.lru_cache(maxsize=8)
def _language_choices(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    def label(lang) -> str:
        return _localised("iso639-3", lang.name)

    common = [
        (code, label(pycountry.languages.get(alpha_3=code)))
        for code in COMMON_LANGUAGES
        if pycountry.languages.get(alpha_3=code) is not None
    ]
    # Other living languages with a two-letter code (~180): a usable list, unlike all 7,000 of ISO 639-3.
    others = sorted(
        (
            (lang.alpha_3, label(lang))
            for lang in pycountry.languages
            if getattr(lang, "type", "") == "L" and hasattr(lang, "alpha_2") and lang.alpha_3 not in COMMON_LANGUAGES
        ),
        key=lambda item: fold(item[1]),
    )
    return [(str(_("Langues les plus parlées")), common), (str(_("Autres langues")), others)]


def language_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return _language_choices(get_language() or "fr")


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_3=code)
    return _localised("iso639-3", language.name) if language else code


def country_name(code: str) -> str:
    if code == STATELESS:
        return str(_("Apatride"))
    if code == UNKNOWN_NATIONALITY:
        return str(_("Indéterminée"))
    country = pycountry.countries.get(alpha_2=code)
    return _localised("iso3166-1", country.name) if country else code


class Household(TimestampedModel):
    """The persons who live together; some members have their own record, others not."""

    label = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")

    def __str__(self) -> str:
        return self.label or f"Foyer {self.pk}"


class PersonQuerySet(models.QuerySet["Person"]):
    def matching(self, query: str) -> "PersonQuerySet":
        """Accent-, case- and transliteration-tolerant search on every known spelling of the name."""
        from ancrage.core.text import fold, skeleton

        folded, skel = fold(query), skeleton(query)
        if not folded:
            return self
        condition = Q()
        for word, key in zip(folded.split(), skel.split(), strict=True):
            condition &= Q(search_folded__contains=f" {word}") | Q(search_skeleton__contains=f" {key}")
        return self.filter(condition)

    def active(self) -> "PersonQuerySet":
        """Records not archived by the retention job (ADR 9): the only ones any list or search shows."""
        return self.filter(archived_at__isnull=True)


class Person(VersionedModel):
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("précision de la date de naissance"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    birth_date_conventional = models.BooleanField(
        _("date de naissance conventionnelle"),
        default=False,
        help_text=_("Un 1er janvier attribué faute de date connue (souvent par l'OFPRA) : gardé tel quel, signalé."),
    )
    birth_country = models.CharField(_("pays de naissance"), max_length=3, blank=True)
    birth_place = models.CharField(_("lieu de naissance"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("adresse électronique"), blank=True)
    agdref_number = models.CharField(
        _("numéro étranger (AGDREF)"),
        max_length=10,
        blank=True,
        validators=[validate_agdref_number],
        help_text=_("Les dix chiffres du numéro inscrit sur le titre de séjour."),
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune de résidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
    )
    cir_signed_on = models.DateField(
        _("CIR signé le"),
        null=True,
        blank=True,
        help_text=_("Contrat d'intégration républicaine : il ouvre l'accompagnement AGIR."),
    )
    cir_ofii_directorate = models.CharField(_("direction territoriale de l'OFII"), max_length=100, blank=True)
    interpreting_needed = models.BooleanField(_("besoin d'interprétariat"), default=False)
    interpreting_language = models.CharField(_("langue d'interprétariat"), max_length=3, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
    )
    created_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("créé par")
    )
    # Set when a référent merged this record into another (linkage.merge): the record is kept for the
    # audit trail and for undoing, but it is shown nowhere and counted nowhere.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records", editable=False
    )
    # Denormalised search keys over every identity (see core.text); kept up to date by services.
    search_folded = models.TextField(default="", editable=False)
    search_skeleton = models.TextField(default="", editable=False)
    # Denormalised display name of the reference identity.
    display_name = models.CharField(max_length=400, default="", editable=False)
    # Retention (ADR 9, ``ancrage.retention``): archived two years after the last contact (shown in no
    # list, search or grant any more), anonymised after a grace period. Set only by the retention job.
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["search_folded", "search_skeleton", "display_name", "archived_at", "anonymised_at"]
    )
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        indexes = [models.Index(fields=["display_name"])]

    def __str__(self) -> str:
        return self.display_name or f"Personne {self.pk}"

    @cached_property
    def reference_identity(self) -> "Identity | None":
        identities = list(self.identities.all())
        return next((i for i in identities if i.is_reference), identities[0] if identities else None)

    def refresh_search_keys(self) -> None:
        names: list[str] = []
        reference = None
        for identity in self.identities.all():
            names += [identity.last_name, identity.first_names]
            if identity.is_reference:
                reference = identity
        self.search_folded, self.search_skeleton = search_keys(*names)
        self.display_name = reference.full_name if reference else ""

    @property
    def birth_date_display(self) -> str:
        if not self.birth_date:
            return ""
        if self.birth_date_precision == DatePrecision.YEAR:
            return str(self.birth_date.year)
        if self.birth_date_precision == DatePrecision.APPROXIMATE:
            return _("vers %(year)s") % {"year": self.birth_date.year}
        if self.birth_date_precision == DatePrecision.MONTH:
            return self.birth_date.strftime("%m/%Y")
        return self.birth_date.strftime("%d/%m/%Y")


class Script(models.TextChoices):
    LATIN = "Latn", _("Latin")
    ARABIC = "Arab", _("Arabe")
    CYRILLIC = "Cyrl", _("Cyrillique")
    ETHIOPIC = "Ethi", _("Éthiopien (ge'ez)")
    OTHER = "Zyyy", _("Autre")


class IdentitySource(models.TextChoices):
    DECLARED = "declared", _("Déclaration de la personne")
    ASYLUM = "asylum", _("Procédure d'asile")
    OFPRA = "ofpra", _("Certificat OFPRA")
    RESIDENCE_CARD = "card", _("Titre de séjour")
    PASSPORT = "passport", _("Passeport / document national")


class Identity(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    last_name = models.CharField(_("nom"), max_length=150)
    first_names = models.CharField(_("prénoms"), max_length=200, blank=True)
    script = models.CharField(_("écriture"), max_length=4, choices=Script.choices, default=Script.LATIN)
    source = models.CharField(
        _("source"), max_length=10, choices=IdentitySource.choices, default=IdentitySource.DECLARED
    )
    is_reference = models.BooleanField(_("identité de référence"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identité")
        verbose_name_plural = _("identités")
        ordering = ["-is_reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_reference=True), name="identity_one_reference_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper() if self.script == Script.LATIN else self.last_name} {self.first_names}".strip()


class Nationality(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    code = models.CharField(_("nationalité"), max_length=3)

    class Meta:
        verbose_name = _("nationalité")
        verbose_name_plural = _("nationalités")
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="nationality_unique")]

    def __str__(self) -> str:
        return country_name(self.code)


class PersonLanguage(models.Model):
    class Proficiency(models.TextChoices):
        MOTHER_TONGUE = "native", _("Langue maternelle")
        FLUENT = "fluent", _("Courant")
        BASIC = "basic", _("Notions")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("langue (ISO 639-3)"), max_length=3)
    proficiency = models.CharField(
        _("maîtrise"), max_length=10, choices=Proficiency.choices, default=Proficiency.FLUENT
    )

    class Meta:
        verbose_name = _("langue parlée")
        verbose_name_plural = _("langues parlées")
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="person_language_unique")]

    def __str__(self) -> str:
        return language_name(self.code)


class LanguageSkill(models.TextChoices):
    GLOBAL = "global", _("Global")
    ORAL_COMPREHENSION = "oral_comp", _("Compréhension orale")
    ORAL_EXPRESSION = "oral_expr", _("Expression orale")
    WRITTEN_COMPREHENSION = "written_comp", _("Compréhension écrite")
    WRITTEN_EXPRESSION = "written_expr", _("Expression écrite")


class FrenchAssessment(TimestampedModel):
    """One dated French level: the history gives progression between entry and exit."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="french_assessments")
    assessed_on = models.DateField(_("date"))
    level = models.CharField(_("niveau (CECRL)"), max_length=2, choices=CEFRLevel.choices)
    skill = models.CharField(
        _("compétence"), max_length=12, choices=LanguageSkill.choices, default=LanguageSkill.GLOBAL
    )
    kind = models.CharField(_("type d'évaluation"), max_length=10, choices=AssessmentKind.choices)
    test_name = models.CharField(_("test ou certification"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("niveau de français")
        verbose_name_plural = _("niveaux de français")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.level} ({self.get_kind_display()}, {self.assessed_on:%d/%m/%Y})"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Conjoint(e)")
    PARTNER = "partner", _("Concubin(e) / partenaire")
    CHILD = "child", _("Enfant")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Frère ou sœur")
    OTHER = "other", _("Autre")


class HouseholdMember(TimestampedModel):
    """A member of the household, with or without a record of their own."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier de la personne"),
    )
    first_names = models.CharField(_("prénoms"), max_length=200)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    relationship = models.CharField(_("lien"), max_length=10, choices=Relationship.choices)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre du foyer")
        verbose_name_plural = _("membres du foyer")
        ordering = ["birth_date", "id"]

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()


class VisaStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Pas encore demandé")
    APPLIED = "applied", _("Demande déposée")
    GRANTED = "granted", _("Visa délivré")
    REFUSED = "refused", _("Visa refusé")
    ARRIVED = "arrived", _("Arrivé(e) en France")


class FamilyMemberAbroad(TimestampedModel):
    """A family member abroad, for family reunification (domain.md §3.8)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_abroad")
    first_names = models.CharField(_("prénoms"), max_length=200)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    relationship = models.CharField(_("lien"), max_length=10, choices=Relationship.choices)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    country = models.CharField(_("pays de résidence"), max_length=3, blank=True)
    declared_to_ofpra = models.BooleanField(_("déclaré(e) à l'OFPRA"), default=False)
    visa_status = models.CharField(_("visa"), max_length=12, choices=VisaStatus.choices, default=VisaStatus.NOT_STARTED)
    visa_application_date = models.DateField(_("date de demande de visa"), null=True, blank=True)
    consulate = models.CharField(_("consulat"), max_length=150, blank=True)
    arrival_date = models.DateField(_("date d'arrivée"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre de la famille à l'étranger")
        verbose_name_plural = _("membres de la famille à l'étranger")

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    def clean(self) -> None:
        if self.arrival_date and self.visa_application_date and self.arrival_date < self.visa_application_date:
            raise ValidationError({"arrival_date": _("L'arrivée ne peut pas précéder la demande de visa.")})


class ProtectionType(models.TextChoices):
    REFUGEE = "refugee", _("Réfugié (Convention de Genève)")
    SUBSIDIARY = "subsidiary", _("Protection subsidiaire")
    STATELESS = "stateless", _("Apatride")
    TEMPORARY = "temporary", _("Protection temporaire")
    ASYLUM_SEEKER = "asylum_seeker", _("Demande d'asile en cours")
    OTHER = "other", _("Autre titre (primo-arrivant)")


class DecidingBody(models.TextChoices):
    OFPRA = "ofpra", "OFPRA"
    CNDA = "cnda", "CNDA"
    PREFECTURE = "prefecture", _("Préfecture")


class Protection(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="protections")
    type = models.CharField(_("type de protection"), max_length=15, choices=ProtectionType.choices)
    deciding_body = models.CharField(_("autorité de décision"), max_length=12, choices=DecidingBody.choices)
    decision_date = models.DateField(_("date de la décision"), null=True, blank=True)
    notification_date = models.DateField(_("date de notification"), null=True, blank=True)
    ofpra_number = models.CharField(_("numéro OFPRA"), max_length=20, blank=True, validators=[validate_ofpra_number])
    end_date = models.DateField(_("fin de la protection"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protection")
        verbose_name_plural = _("protections")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(notification_date__gte=models.F("decision_date")),
                name="protection_notified_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.get_type_display()

    def clean(self) -> None:
        if self.decision_date and self.notification_date and self.notification_date < self.decision_date:
            raise ValidationError({"notification_date": _("La notification ne peut pas précéder la décision.")})
        if self.decision_date and self.end_date and self.end_date < self.decision_date:
            raise ValidationError({"end_date": _("La fin de la protection ne peut pas précéder la décision.")})


class DocumentKind(models.TextChoices):
    RECEIPT = "recepisse", _("Récépissé / attestation de prolongation d'instruction")
    RESIDENT_CARD = "carte_resident", _("Carte de résident (10 ans)")
    MULTI_YEAR_CARD = "carte_pluriannuelle", _("Carte de séjour pluriannuelle")
    TEMPORARY_CARD = "carte_temporaire", _("Carte de séjour temporaire")
    APS = "aps", _("Autorisation provisoire de séjour")
    TRAVEL_DOCUMENT = "titre_voyage", _("Titre de voyage")


class ResidenceDocument(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residence_documents")
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    mention = models.CharField(_("mention"), max_length=150, blank=True)
    number = models.CharField(_("numéro"), max_length=30, blank=True)
    issue_date = models.DateField(_("délivré le"))
    expiry_date = models.DateField(_("expire le"), null=True, blank=True)
    renewal_requested_on = models.DateField(_("renouvellement demandé le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("titre de séjour")
        verbose_name_plural = _("titres de séjour")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gt=models.F("issue_date")),
                name="residence_document_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(renewal_requested_on__isnull=True) | Q(renewal_requested_on__gte=models.F("issue_date")),
                name="residence_document_renewal_after_issue",
                violation_error_message=_("La demande de renouvellement ne peut pas précéder la délivrance du titre."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        if self.issue_date and self.expiry_date and self.expiry_date <= self.issue_date:
            raise ValidationError(
                {"expiry_date": _("La date d'expiration doit être postérieure à la date de délivrance.")}
            )


class SituationDomain(models.TextChoices):
    HOUSING = "housing", _("Logement")
    EMPLOYMENT = "employment", _("Emploi")
    TRAINING = "training", _("Formation")
    LANGUAGE = "language", _("Apprentissage du français")


SITUATION_STATUSES: dict[str, list[tuple[str, StrOrPromise]]] = {
    SituationDomain.HOUSING: [
        ("cada", _("CADA")),
        ("huda", _("HUDA")),
        ("cph", _("CPH")),
        ("emergency", _("Hébergement d'urgence")),
        ("chrs", _("CHRS")),
        ("third_party", _("Hébergé(e) par un tiers")),
        ("iml", _("Intermédiation locative")),
        ("residence_sociale", _("Résidence sociale")),
        ("fjt", _("Foyer de jeunes travailleurs")),
        ("social_rental", _("Logement social")),
        ("private_rental", _("Location privée")),
        ("none", _("Sans logement")),
    ],
    SituationDomain.EMPLOYMENT: [
        ("cdi", _("CDI")),
        ("cdd_long", _("CDD de 6 mois ou plus")),
        ("cdd_short", _("CDD de moins de 6 mois")),
        ("interim", _("Intérim")),
        ("iae", _("Insertion par l'activité économique")),
        ("work_study", _("Alternance (apprentissage, professionnalisation)")),
        ("self_employed", _("Indépendant")),
        ("job_seeker", _("Demandeur d'emploi")),
        ("inactive", _("Sans activité")),
    ],
    SituationDomain.TRAINING: [
        ("qualifying", _("Formation qualifiante ou certifiante")),
        ("hope", _("Parcours HOPE")),
        ("poec", _("POEC")),
        ("pre_qualifying", _("Formation pré-qualifiante")),
        ("none", _("Pas en formation")),
    ],
    SituationDomain.LANGUAGE: [
        ("ofii_course", _("Cours OFII (CIR)")),
        ("fle_course", _("Cours de FLE")),
        ("work_french", _("Français à visée professionnelle")),
        ("waiting_list", _("En attente d'une place")),
        ("none", _("Pas de cours")),
    ],
}

DURABLE_HOUSING = {"social_rental", "private_rental", "residence_sociale", "fjt"}
DURABLE_EMPLOYMENT = {"cdi", "cdd_long", "work_study"}
QUALIFYING_TRAINING = {"qualifying"}


class Situation(TimestampedModel):
    """A dated status in one domain: the history answers 'at entry / at 6 months / at exit'."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="situations")
    domain = models.CharField(_("domaine"), max_length=12, choices=SituationDomain.choices)
    status = models.CharField(_("situation"), max_length=20)
    start_date = models.DateField(_("depuis le"))
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True)
    details = models.CharField(_("précisions"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("situation")
        verbose_name_plural = _("situations")
        ordering = ["domain", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="situation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "domain", "start_date"])]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} : {self.status_label}"

    @property
    def status_label(self) -> str:
        return str(dict(SITUATION_STATUSES.get(self.domain, [])).get(self.status, self.status))

    def clean(self) -> None:
        allowed = dict(SITUATION_STATUSES.get(self.domain, []))
        if self.status not in allowed:
            raise ValidationError({"status": _("Cette situation n'existe pas pour ce domaine.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
        overlapping = self.overlapping_housing() if self.domain == SituationDomain.HOUSING else []
        if overlapping:
            other = overlapping[0]
            until = other.end_date.strftime("%d/%m/%Y") if other.end_date else _("aujourd'hui")
            raise ValidationError(
                {
                    "start_date": _(
                        "Cette période chevauche une autre situation de logement (%(status)s, du %(start)s au "
                        "%(end)s) : corrigez ou fermez d'abord cette situation."
                    )
                    % {"status": other.status_label, "start": other.start_date.strftime("%d/%m/%Y"), "end": until}
                }
            )

    def overlapping_housing(self) -> list["Situation"]:
        """The person's other housing situations whose period overlaps this one (touching ends allowed):
        a person lives in one place at a time."""
        if not self.person_id or not self.start_date:
            return []
        far = dt.date.max
        end = self.end_date or far
        others = Situation.objects.filter(person_id=self.person_id, domain=SituationDomain.HOUSING).exclude(pk=self.pk)
        return [
            other
            for other in others
            if other.start_date == self.start_date
            or (other.start_date < end and self.start_date < (other.end_date or far))
        ]
