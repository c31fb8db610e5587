"""The professional integration platform: socio-professional profile, employers and opportunities,
placements and their follow-up (domain.md §2 AGIR, §3.6 employment, §5 ROME).

Occupations are coded with ROME v4.60 (``ancrage.rome``): the appellation is what the person or the
employer says, its fiche (``rome_code``, copied for fast matching) is what the matching compares.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ancrage.core.enums import CEFRLevel
from ancrage.core.models import TimestampedModel, VersionedModel
from ancrage.core.validators import validate_phone, validate_siret
from ancrage.organisations.models import Organisation
from ancrage.pathways.models import Pathway
from ancrage.persons.models import Person
from ancrage.rome.models import RomeAppellation
from ancrage.territory.models import Commune

# --- the socio-professional profile ----------------------------------------------------------------


class Literacy(models.TextChoices):
    LATIN = "latin", _("Lit et écrit l'alphabet latin")
    OTHER_SCRIPT = "other_script", _("Lit et écrit une autre écriture (alphabet latin à apprendre)")
    PARTIAL = "partial", _("Lecture et écriture partielles")
    NONE = "none", _("Ni lecteur ni scripteur")


class LicenceStatus(models.TextChoices):
    NONE = "none", _("Pas de permis de conduire")
    FRENCH = "french", _("Permis français")
    TO_EXCHANGE = "to_exchange", _("Permis étranger, échange à demander")
    REQUESTED = "requested", _("Échange demandé")
    EXCHANGED = "exchanged", _("Permis étranger échangé")
    REFUSED = "refused", _("Échange refusé ou impossible")
    WINDOW_CLOSED = "window_closed", _("Délai d'échange dépassé")


# Statuses in which the person may drive in France (for offers that need a licence).
DRIVING_STATUSES = frozenset({LicenceStatus.FRENCH, LicenceStatus.EXCHANGED, LicenceStatus.TO_EXCHANGE})


class MobilityMeans(models.TextChoices):
    WALK = "walk", _("À pied")
    BIKE = "bike", _("Vélo")
    PUBLIC_TRANSPORT = "public_transport", _("Transports en commun")
    CAR = "car", _("Voiture")
    SCOOTER = "scooter", _("Deux-roues motorisé")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("Temps plein")
    PART_TIME = "part_time", _("Temps partiel seulement")
    SCHOOL_HOURS = "school_hours", _("Horaires scolaires seulement")


class EmploymentProfile(VersionedModel):
    """One per person: what the référent learns in the socio-professional diagnosis."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="employment_profile")
    schooling_years = models.PositiveSmallIntegerField(
        _("années de scolarité"), null=True, blank=True, validators=[MaxValueValidator(30)]
    )
    literacy = models.CharField(_("lecture et écriture"), max_length=12, choices=Literacy.choices, blank=True)
    licence_status = models.CharField(
        _("permis de conduire"), max_length=15, choices=LicenceStatus.choices, default=LicenceStatus.NONE
    )
    licence_country = models.CharField(_("pays de délivrance du permis"), max_length=2, blank=True)
    licence_first_receipt_on = models.DateField(
        _("date du premier récépissé"),
        null=True,
        blank=True,
        help_text=_("L'échange d'un permis étranger doit être demandé dans l'année qui suit."),
    )
    mobility_radius_km = models.PositiveSmallIntegerField(
        _("rayon de mobilité (km)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    mobility_means = models.JSONField(_("moyens de déplacement"), default=list, blank=True)
    availability = models.CharField(
        _("disponibilité"), max_length=12, choices=Availability.choices, default=Availability.FULL_TIME
    )
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    childcare_constraint = models.BooleanField(_("contrainte de garde d'enfants"), default=False)
    health_constraint = models.BooleanField(
        _("contrainte de santé déclarée"),
        default=False,
        help_text=_("Sans aucun détail médical : seulement qu'il faut en tenir compte (port de charges, horaires…)."),
    )
    no_night_or_weekend = models.BooleanField(_("ni nuit ni week-end"), default=False)
    france_travail_registered_on = models.DateField(_("inscrit(e) à France Travail le"), null=True, blank=True)
    france_travail_id = models.CharField(_("identifiant France Travail"), max_length=11, blank=True)
    rsa = models.BooleanField(_("bénéficiaire du RSA"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profil socio-professionnel")
        verbose_name_plural = _("profils socio-professionnels")

    def __str__(self) -> str:
        return f"Profil {self.person_id}"

    def clean(self) -> None:
        errors = {}
        if self.licence_status in {LicenceStatus.TO_EXCHANGE, LicenceStatus.REQUESTED} and not self.licence_country:
            errors["licence_country"] = _("Indiquez le pays qui a délivré le permis.")
        if self.france_travail_id and not self.france_travail_id.isalnum():
            errors["france_travail_id"] = _("L'identifiant France Travail ne contient que des lettres et chiffres.")
        unknown = set(self.mobility_means or []) - set(MobilityMeans.values)
        if unknown:
            errors["mobility_means"] = _("Moyen de déplacement inconnu.")
        if errors:
            raise ValidationError(errors)


class QualificationLevel(models.IntegerChoices):
    """French national qualification framework (2019): level 3 = CAP … level 8 = doctorate."""

    NONE = 0, _("Sans diplôme reconnu")
    LEVEL_3 = 3, _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = 4, _("Niveau 4 (baccalauréat)")
    LEVEL_5 = 5, _("Niveau 5 (bac + 2)")
    LEVEL_6 = 6, _("Niveau 6 (licence, bac + 3)")
    LEVEL_7 = 7, _("Niveau 7 (master, bac + 5)")
    LEVEL_8 = 8, _("Niveau 8 (doctorat)")


class RecognitionStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Pas de demande")
    REQUESTED = "requested", _("Demande déposée (ENIC-NARIC)")
    OBTAINED = "obtained", _("Attestation de comparabilité obtenue")
    REFUSED = "refused", _("Refusée")


class Diploma(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="diplomas")
    title = models.CharField(_("intitulé"), max_length=200)
    country = models.CharField(_("pays"), max_length=2)
    level = models.PositiveSmallIntegerField(_("niveau"), choices=QualificationLevel.choices)
    field = models.CharField(_("domaine"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(
        _("année d'obtention"), null=True, blank=True, validators=[MinValueValidator(1940), MaxValueValidator(2100)]
    )
    recognition_status = models.CharField(
        _("reconnaissance"),
        max_length=15,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.NOT_REQUESTED,
    )
    recognition_requested_on = models.DateField(_("demande déposée le"), null=True, blank=True)
    recognition_outcome = models.CharField(_("résultat de la reconnaissance"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diplôme")
        verbose_name_plural = _("diplômes")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recognition_status="not_requested") | Q(recognition_requested_on__isnull=False),
                name="diploma_recognition_has_request_date",
                violation_error_message=_("Indiquez la date de la demande de reconnaissance."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class WorkExperience(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work_experiences")
    appellation = models.ForeignKey(
        RomeAppellation, verbose_name=_("métier (ROME)"), on_delete=models.PROTECT, related_name="+"
    )
    rome_code = models.CharField(_("code ROME"), max_length=5, editable=False)
    country = models.CharField(_("pays"), max_length=2)
    years = models.DecimalField(
        _("années d'expérience"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    employer_name = models.CharField(_("employeur"), max_length=150, blank=True)
    description = models.TextField(_("tâches"), max_length=1000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expérience professionnelle")
        verbose_name_plural = _("expériences professionnelles")
        ordering = ["-years", "-id"]
        indexes = [models.Index(fields=["rome_code"])]

    def __str__(self) -> str:
        return self.appellation.label if self.appellation_id else ""

    def save(self, *args, **kwargs):
        if self.appellation_id:
            self.rome_code = RomeAppellation.objects.values_list("occupation__code", flat=True).get(
                pk=self.appellation_id
            )
        super().save(*args, **kwargs)


class TargetOccupation(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="target_occupations")
    appellation = models.ForeignKey(
        RomeAppellation, verbose_name=_("métier visé (ROME)"), on_delete=models.PROTECT, related_name="+"
    )
    rome_code = models.CharField(_("code ROME"), max_length=5, editable=False)

    class Meta:
        verbose_name = _("métier visé")
        verbose_name_plural = _("métiers visés")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "appellation"],
                name="target_occupation_unique",
                violation_error_message=_("Ce métier est déjà dans les métiers visés."),
            )
        ]
        indexes = [models.Index(fields=["rome_code"])]

    def __str__(self) -> str:
        return self.appellation.label if self.appellation_id else ""

    def save(self, *args, **kwargs):
        if self.appellation_id:
            self.rome_code = RomeAppellation.objects.values_list("occupation__code", flat=True).get(
                pk=self.appellation_id
            )
        super().save(*args, **kwargs)


# --- employers and opportunities -----------------------------------------------------------------


class Employer(VersionedModel):
    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    sector = models.CharField(_("secteur d'activité"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=20, blank=True, validators=[validate_phone])
    commitments = models.TextField(
        _("engagements"),
        max_length=2000,
        blank=True,
        help_text=_("Charte signée, recrutements prévus, tutorat, adaptation des postes…"),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("suivi par"),
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("Organisation qui tient la relation avec l'employeur."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("employeur")
        verbose_name_plural = _("employeurs")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="employer_siret_unique",
                violation_error_message=_("Un employeur avec ce SIRET existe déjà."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpportunityKind(models.TextChoices):
    JOB = "job", _("Offre d'emploi")
    IAE = "iae", _("Poste en insertion (IAE)")
    TRAINING = "training", _("Session de formation")


class ContractType(models.TextChoices):
    """The contract of a job or a placement; the values are those of the employment situation history."""

    CDI = "cdi", _("CDI")
    CDD_LONG = "cdd_long", _("CDD de 6 mois ou plus")
    CDD_SHORT = "cdd_short", _("CDD de moins de 6 mois")
    INTERIM = "interim", _("Intérim")
    IAE = "iae", _("Contrat d'insertion (IAE)")
    WORK_STUDY = "work_study", _("Apprentissage ou professionnalisation")
    QUALIFYING_TRAINING = "qualifying", _("Formation qualifiante")


class TrainingType(models.TextChoices):
    """The values are those of the training situation history."""

    HOPE = "hope", _("Parcours HOPE")
    WORK_FRENCH = "work_french", _("Français à visée professionnelle")
    POEC = "poec", _("POEC")
    QUALIFYING = "qualifying", _("Formation qualifiante ou certifiante")
    PRE_QUALIFYING = "pre_qualifying", _("Formation pré-qualifiante")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CLOSED = "closed", _("Fermée")


class OpportunityQuerySet(models.QuerySet["Opportunity"]):
    def open(self) -> "OpportunityQuerySet":
        return self.filter(status=OpportunityStatus.OPEN)


class Opportunity(VersionedModel):
    """A job offer, an IAE position or a training session that persons can be proposed for."""

    kind = models.CharField(_("type"), max_length=10, choices=OpportunityKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("publiée par"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employeur ou organisme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    appellation = models.ForeignKey(
        RomeAppellation,
        verbose_name=_("métier (ROME)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rome_code = models.CharField(_("code ROME"), max_length=5, blank=True, editable=False)
    contract_type = models.CharField(_("contrat"), max_length=12, choices=ContractType.choices, blank=True)
    training_type = models.CharField(_("type de formation"), max_length=15, choices=TrainingType.choices, blank=True)
    hours_per_week = models.DecimalField(
        _("heures par semaine"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    min_french_level = models.CharField(
        _("niveau de français minimum"), max_length=2, choices=CEFRLevel.choices, blank=True
    )
    licence_required = models.BooleanField(_("permis B exigé"), default=False)
    seats = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    prerequisites = models.TextField(_("prérequis"), max_length=2000, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    opened_on = models.DateField(_("ouverte le"))
    filled_on = models.DateField(_("pourvue le"), null=True, blank=True)
    closed_on = models.DateField(_("fermée le"), null=True, blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunité")
        verbose_name_plural = _("opportunités")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["rome_code", "status"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="opportunity_ends_after_start",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            ),
            models.CheckConstraint(
                condition=Q(kind="training") | (Q(appellation__isnull=False) & ~Q(contract_type="")),
                name="opportunity_job_has_occupation_and_contract",
                violation_error_message=_("Une offre d'emploi indique le métier (ROME) et le contrat."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="training") | ~Q(training_type=""),
                name="opportunity_training_has_type",
                violation_error_message=_("Une session de formation indique son type."),
            ),
            models.CheckConstraint(
                condition=Q(status="filled", filled_on__isnull=False)
                | (~Q(status="filled") & Q(filled_on__isnull=True)),
                name="opportunity_filled_on_iff_filled",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="opportunity_closed_on_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.rome_code = (
            RomeAppellation.objects.values_list("occupation__code", flat=True).get(pk=self.appellation_id)
            if self.appellation_id
            else ""
        )
        super().save(*args, **kwargs)


# --- placements and follow-up --------------------------------------------------------------------


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    INTERVIEW = "interview", _("Entretien prévu")
    HIRED = "hired", _("Embauche ou entrée en formation")
    NOT_RETAINED = "not_retained", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")


class NotRetainedReason(models.TextChoices):
    FRENCH_LEVEL = "french_level", _("Niveau de français insuffisant")
    EXPERIENCE = "experience", _("Expérience ou qualification insuffisante")
    AVAILABILITY = "availability", _("Disponibilité ou horaires incompatibles")
    MOBILITY = "mobility", _("Mobilité (distance, transport, permis)")
    NO_SHOW = "no_show", _("Absence à l'entretien")
    PERSON_DECLINED = "person_declined", _("La personne a décliné")
    EMPLOYER_CHOICE = "employer_choice", _("Autre candidat retenu")
    OTHER = "other", _("Autre motif")


# name -> (allowed sources, target)
PLACEMENT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "schedule_interview": (frozenset({PlacementStatus.PROPOSED}), PlacementStatus.INTERVIEW),
    "hire": (frozenset({PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW}), PlacementStatus.HIRED),
    "not_retained": (frozenset({PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW}), PlacementStatus.NOT_RETAINED),
    "withdraw": (frozenset({PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW}), PlacementStatus.WITHDRAWN),
}

PLACEMENT_TRANSITION_LABELS = {
    "schedule_interview": _("Entretien prévu"),
    "hire": _("Embauche / entrée en formation"),
    "not_retained": _("Non retenu(e)"),
    "withdraw": _("Retirer la proposition"),
}

# Months after the start of the contract at which the référent checks in.
FOLLOW_UP_MONTHS = (1, 3, 6, 12)


class Placement(VersionedModel):
    """A person proposed for an opportunity, up to the hiring (or not) and its follow-up."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="placements")
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunité"), on_delete=models.PROTECT, related_name="placements"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation qui propose"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("état"), max_length=12, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED
    )
    proposed_on = models.DateField(_("proposée le"))
    interview_on = models.DateField(_("entretien le"), null=True, blank=True)
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    not_retained_reason = models.CharField(_("motif"), max_length=16, choices=NotRetainedReason.choices, blank=True)
    not_retained_detail = models.CharField(_("précisions"), max_length=500, blank=True)
    contract_type = models.CharField(_("contrat"), max_length=12, choices=ContractType.choices, blank=True)
    contract_start = models.DateField(_("début du contrat"), null=True, blank=True)
    contract_end = models.DateField(_("fin du contrat"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("heures par semaine"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    match_score = models.PositiveSmallIntegerField(_("score au moment de la proposition"), null=True, blank=True)
    match_reasons = models.JSONField(_("raisons du classement"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["status", "contract_start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "opportunity"],
                condition=Q(status__in=["proposed", "interview"]),
                name="placement_one_open_per_person_and_opportunity",
                violation_error_message=_("Cette personne est déjà proposée sur cette opportunité."),
            ),
            models.CheckConstraint(
                condition=~Q(status="hired") | (Q(contract_start__isnull=False) & ~Q(contract_type="")),
                name="placement_hired_has_contract",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_retained") | ~Q(not_retained_reason=""),
                name="placement_not_retained_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "interview"], decided_on__isnull=True)
                | (~Q(status__in=["proposed", "interview"]) & Q(decided_on__isnull=False)),
                name="placement_decided_on_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="placement_contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(interview_on__isnull=True) | Q(interview_on__gte=models.F("proposed_on")),
                name="placement_interview_after_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.opportunity_id}"

    @property
    def is_open(self) -> bool:
        return self.status in {PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW}

    def available_transitions(self) -> list[tuple[str, str]]:
        return [
            (name, str(PLACEMENT_TRANSITION_LABELS[name]))
            for name, (sources, _target) in PLACEMENT_TRANSITIONS.items()
            if self.status in sources
        ]


class PlacementTransition(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PlacementStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class FollowUp(TimestampedModel):
    """A check-in 1, 3, 6 and 12 months after the start of the contract (created at hiring)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    month = models.PositiveSmallIntegerField(_("mois"), choices=[(m, m) for m in FOLLOW_UP_MONTHS])
    due_on = models.DateField(_("prévu le"))
    done_on = models.DateField(_("réalisé le"), null=True, blank=True)
    still_in_post = models.BooleanField(_("toujours en poste ou en formation"), null=True, blank=True)
    note = models.CharField(_("commentaire"), max_length=1000, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi dans l'emploi")
        verbose_name_plural = _("suivis dans l'emploi")
        ordering = ["placement", "month"]
        indexes = [models.Index(fields=["done_on", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="follow_up_once_per_month"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(still_in_post__isnull=False),
                name="follow_up_done_says_if_still_in_post",
            ),
        ]

    def __str__(self) -> str:
        return f"M+{self.month}"
