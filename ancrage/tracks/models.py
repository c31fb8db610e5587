"""The four tracks of settling for good: housing, health, language and rights (domain.md §3.3–3.8).

The housing situation itself is the dated ``persons.Situation`` history (domain "housing"); this app
holds the requests and offers around it. Health is a restricted compartment (section ``health``):
coverage and orientations only, never a diagnosis or any medical content.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ancrage.core.enums import CEFRLevel
from ancrage.core.models import TimestampedModel, VersionedModel
from ancrage.persons.models import DocumentKind, Person
from ancrage.territory.models import Commune

# The SNE *numéro unique*: department code, then digits and letters (opaque; validated by format only).
validate_sne_number = RegexValidator(
    r"^[0-9]{2,3}[0-9A-Z ]{8,24}$",
    _("Le numéro unique commence par le code du département (ex. 035) suivi de chiffres et de lettres."),
)


def _after(field: str, earlier: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{field}__gte": F(earlier)}),
        name=name,
        violation_error_message=message,
    )


# --- housing ----------------------------------------------------------------------------------------


class SiaoKind(models.TextChoices):
    EMERGENCY = "emergency", _("Hébergement d'urgence")
    INSERTION = "insertion", _("Hébergement d'insertion")
    ADAPTED = "adapted", _("Logement adapté (IML, résidence sociale, pension de famille)")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    GRANTED = "granted", _("Orientation obtenue")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


class SiaoRequest(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="siao_requests")
    kind = models.CharField(_("type de demande"), max_length=10, choices=SiaoKind.choices)
    requested_on = models.DateField(_("demandée le"))
    status = models.CharField(_("état"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_on = models.DateField(_("réponse le"), null=True, blank=True)
    outcome = models.CharField(_("orientation proposée"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demande SIAO")
        verbose_name_plural = _("demandes SIAO")
        ordering = ["-requested_on", "-id"]
        constraints = [
            _after(
                "decided_on",
                "requested_on",
                "siao_decided_after_request",
                _("La réponse ne peut pas précéder la demande."),
            )
        ]

    def __str__(self) -> str:
        return f"SIAO {self.get_kind_display()} ({self.requested_on:%d/%m/%Y})"


class HousingRequestStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ATTRIBUTED = "attributed", _("Logement attribué")
    CANCELLED = "cancelled", _("Annulée")
    LAPSED = "lapsed", _("Radiée (non renouvelée)")


class SocialHousingRequest(VersionedModel):
    """A social-housing request registered in the SNE: renewed every year on its anniversary."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="housing_requests")
    sne_number = models.CharField(_("numéro unique (SNE)"), max_length=30, validators=[validate_sne_number])
    requested_on = models.DateField(_("déposée le"))
    last_renewed_on = models.DateField(_("dernier renouvellement le"), null=True, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("taille du foyer"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    desired_communes = models.ManyToManyField(
        Commune, verbose_name=_("communes souhaitées"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("état"), max_length=10, choices=HousingRequestStatus.choices, default=HousingRequestStatus.ACTIVE
    )
    closed_on = models.DateField(_("close le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demande de logement social")
        verbose_name_plural = _("demandes de logement social")
        ordering = ["-requested_on", "-id"]
        constraints = [
            _after(
                "last_renewed_on",
                "requested_on",
                "housing_request_renewed_after_request",
                _("Le renouvellement ne peut pas précéder la demande."),
            ),
            _after(
                "closed_on",
                "requested_on",
                "housing_request_closed_after_request",
                _("La clôture ne peut pas précéder la demande."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True)
                | (~Q(status="active") & Q(closed_on__isnull=False)),
                name="housing_request_closed_on_iff_closed",
                violation_error_message=_("Indiquez la date de clôture (et seulement pour une demande close)."),
            ),
        ]

    def __str__(self) -> str:
        return f"SNE {self.sne_number}"

    def clean(self) -> None:
        if self.last_renewed_on and self.requested_on and self.last_renewed_on < self.requested_on:
            raise ValidationError({"last_renewed_on": _("Le renouvellement ne peut pas précéder la demande.")})


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", _("T5 et plus")


class OfferDecision(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class HousingOffer(TimestampedModel):
    """An offer of housing (a proposal from a landlord or an attribution commission) and its answer."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="housing_offers")
    request = models.ForeignKey(
        SocialHousingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    landlord = models.CharField(_("bailleur"), max_length=150)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    typology = models.CharField(_("typologie"), max_length=2, choices=Typology.choices)
    rent = models.DecimalField(
        _("loyer charges comprises (€)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(5000)],
    )
    offered_on = models.DateField(_("proposée le"))
    decision = models.CharField(
        _("réponse"), max_length=10, choices=OfferDecision.choices, default=OfferDecision.PENDING
    )
    decided_on = models.DateField(_("réponse le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposition de logement")
        verbose_name_plural = _("propositions de logement")
        ordering = ["-offered_on", "-id"]
        constraints = [
            _after(
                "decided_on",
                "offered_on",
                "housing_offer_decided_after_offer",
                _("La réponse ne peut pas précéder la proposition."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(refusal_reason=""),
                name="housing_offer_refusal_has_reason",
                violation_error_message=_("Indiquez pourquoi la proposition a été refusée."),
            ),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_on__isnull=True)
                | (~Q(decision="pending") & Q(decided_on__isnull=False)),
                name="housing_offer_decided_on_iff_decided",
                violation_error_message=_("Indiquez la date de la réponse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typology} {self.commune_id} ({self.offered_on:%d/%m/%Y})"


class MobilityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Candidature envoyée")
    PROPOSED = "proposed", _("Logement proposé")
    ACCEPTED = "accepted", _("Proposition acceptée")
    REFUSED = "refused", _("Proposition refusée")
    WITHDRAWN = "withdrawn", _("Candidature retirée")
    MOVED = "moved", _("Installé(e)")


class MobilityCandidacy(TimestampedModel):
    """A candidacy to the national housing platform for refugees (national mobility, DIHAL)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mobility_candidacies")
    submitted_on = models.DateField(_("envoyée le"))
    status = models.CharField(
        _("état"), max_length=10, choices=MobilityStatus.choices, default=MobilityStatus.SUBMITTED
    )
    proposed_place = models.CharField(_("commune proposée"), max_length=150, blank=True)
    moved_on = models.DateField(_("installation le"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidature à la mobilité nationale")
        verbose_name_plural = _("candidatures à la mobilité nationale")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            _after(
                "moved_on",
                "submitted_on",
                "mobility_moved_after_submission",
                _("L'installation ne peut pas précéder la candidature."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.submitted_on:%d/%m/%Y})"


class ExtensionKind(models.TextChoices):
    ASYLUM_HOUSING = "asylum_housing", _("Maintien en hébergement pour demandeurs d'asile (3 mois, accord OFII)")
    CPH = "cph", _("Prolongation en CPH (3 mois)")


class StayExtension(TimestampedModel):
    """An extension granted to stay in asylum housing or in a CPH: it moves the exit deadline."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stay_extensions")
    kind = models.CharField(_("prolongation"), max_length=15, choices=ExtensionKind.choices)
    granted_on = models.DateField(_("accordée le"))
    months = models.PositiveSmallIntegerField(
        _("durée (mois)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        verbose_name = _("prolongation de séjour")
        verbose_name_plural = _("prolongations de séjour")
        ordering = ["granted_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.granted_on:%d/%m/%Y})"


# --- health (restricted compartment) -------------------------------------------------------------


class CoverageStatus(models.TextChoices):
    NONE = "none", _("Non demandée")
    REQUESTED = "requested", _("Demandée")
    OPEN = "open", _("Ouverte")


class HealthCoverage(VersionedModel):
    """Coverage and access steps only: no diagnosis, no medical content (domain.md §3.7)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="health")
    puma_status = models.CharField(
        _("PUMa"), max_length=10, choices=CoverageStatus.choices, default=CoverageStatus.NONE
    )
    puma_requested_on = models.DateField(_("PUMa demandée le"), null=True, blank=True)
    puma_opened_on = models.DateField(_("PUMa ouverte le"), null=True, blank=True)
    css_status = models.CharField(
        _("complémentaire santé solidaire"), max_length=10, choices=CoverageStatus.choices, default=CoverageStatus.NONE
    )
    css_requested_on = models.DateField(_("CSS demandée le"), null=True, blank=True)
    css_opened_on = models.DateField(_("CSS ouverte le"), null=True, blank=True)
    css_expires_on = models.DateField(_("CSS valable jusqu'au"), null=True, blank=True)
    gp_declared_on = models.DateField(_("médecin traitant déclaré le"), null=True, blank=True)
    checkup_done_on = models.DateField(_("bilan de santé réalisé le"), null=True, blank=True)
    interpreting_needed = models.BooleanField(_("interprétariat nécessaire pour les soins"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("couverture santé")
        verbose_name_plural = _("couvertures santé")
        constraints = [
            _after(
                "puma_opened_on",
                "puma_requested_on",
                "health_puma_opened_after_request",
                _("L'ouverture ne peut pas précéder la demande."),
            ),
            _after(
                "css_opened_on",
                "css_requested_on",
                "health_css_opened_after_request",
                _("L'ouverture ne peut pas précéder la demande."),
            ),
            _after(
                "css_expires_on",
                "css_opened_on",
                "health_css_expires_after_opening",
                _("La fin de droits ne peut pas précéder l'ouverture."),
            ),
            models.CheckConstraint(
                condition=~Q(puma_status="open") | Q(puma_opened_on__isnull=False),
                name="health_puma_open_has_date",
                violation_error_message=_("Indiquez la date d'ouverture de la PUMa."),
            ),
            models.CheckConstraint(
                condition=~Q(css_status="open") | Q(css_opened_on__isnull=False, css_expires_on__isnull=False),
                name="health_css_open_has_dates",
                violation_error_message=_("Indiquez les dates d'ouverture et de fin de la CSS."),
            ),
        ]

    def __str__(self) -> str:
        return f"Santé {self.person_id}"


# --- rights ------------------------------------------------------------------------------------------


class CafBenefit(models.TextChoices):
    RSA = "rsa", _("RSA")
    PRIME_ACTIVITE = "prime_activite", _("Prime d'activité")
    HOUSING = "apl", _("Aide au logement")
    FAMILY = "family", _("Allocations familiales")
    PAJE = "paje", _("PAJE (jeune enfant)")
    AAH = "aah", _("AAH")


class CafFile(VersionedModel):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="caf")
    number = models.CharField(
        _("numéro d'allocataire"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{5,10}$", _("Le numéro d'allocataire CAF ne contient que des chiffres."))],
    )
    registered_on = models.DateField(_("dossier ouvert le"), null=True, blank=True)
    benefits = models.JSONField(_("prestations ouvertes"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dossier CAF")
        verbose_name_plural = _("dossiers CAF")

    def __str__(self) -> str:
        return f"CAF {self.number}"

    def clean(self) -> None:
        if set(self.benefits or []) - set(CafBenefit.values):
            raise ValidationError({"benefits": _("Prestation inconnue.")})


class BankStep(models.TextChoices):
    """The *droit au compte* procedure: refusal → Banque de France → designated bank → account."""

    NONE = "none", _("Pas de compte, démarche non commencée")
    REFUSED = "refused", _("Refus d'une banque (ou pas de réponse sous 15 jours)")
    BDF_REQUESTED = "bdf_requested", _("Banque de France saisie")
    DESIGNATED = "designated", _("Banque désignée")
    OPEN = "open", _("Compte ouvert")


class BankAccount(VersionedModel):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="bank")
    step = models.CharField(_("étape"), max_length=15, choices=BankStep.choices, default=BankStep.NONE)
    refused_on = models.DateField(_("refus le"), null=True, blank=True)
    bdf_requested_on = models.DateField(_("Banque de France saisie le"), null=True, blank=True)
    designated_on = models.DateField(_("banque désignée le"), null=True, blank=True)
    opened_on = models.DateField(_("compte ouvert le"), null=True, blank=True)
    bank_name = models.CharField(_("banque"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compte bancaire")
        verbose_name_plural = _("comptes bancaires")
        constraints = [
            _after(
                "bdf_requested_on",
                "refused_on",
                "bank_bdf_after_refusal",
                _("La saisine ne peut pas précéder le refus."),
            ),
            _after(
                "designated_on",
                "bdf_requested_on",
                "bank_designated_after_bdf",
                _("La désignation ne peut pas précéder la saisine."),
            ),
            models.CheckConstraint(
                condition=~Q(step="open") | Q(opened_on__isnull=False),
                name="bank_open_has_date",
                violation_error_message=_("Indiquez la date d'ouverture du compte."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_step_display()


class LicenceReciprocity(models.Model):
    """Whether France exchanges driving licences with a country, as dated configuration (list of the
    ministry, changes over time): the exchange deadline is only worth chasing where it is possible."""

    country = models.CharField(_("pays"), max_length=2)
    exchange_possible = models.BooleanField(_("échange possible"))
    valid_from = models.DateField(_("en vigueur à partir du"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("réciprocité des permis")
        verbose_name_plural = _("réciprocité des permis")
        ordering = ["country", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["country", "valid_from"], name="licence_reciprocity_unique")]

    def __str__(self) -> str:
        return f"{self.country} ({self.valid_from:%d/%m/%Y})"

    @classmethod
    def in_force(cls, country: str, on) -> "LicenceReciprocity | None":
        return cls.objects.filter(country=country, valid_from__lte=on).order_by("-valid_from").first()


# --- language and CIR --------------------------------------------------------------------------------


class CivicTraining(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="civic_trainings")
    session = models.PositiveSmallIntegerField(_("journée"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    attended_on = models.DateField(_("suivie le"))

    class Meta:
        verbose_name = _("formation civique")
        verbose_name_plural = _("formation civique")
        ordering = ["session"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "session"],
                name="civic_training_session_once",
                violation_error_message=_("Cette journée de formation civique est déjà enregistrée."),
            )
        ]

    def __str__(self) -> str:
        return f"Journée {self.session}"


class LanguagePrescription(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="language_prescriptions")
    prescribed_on = models.DateField(_("prescrite le"))
    hours = models.PositiveSmallIntegerField(
        _("volume (heures)"), choices=[(100, "100 h"), (200, "200 h"), (400, "400 h"), (600, "600 h")]
    )
    target_level = models.CharField(_("niveau visé"), max_length=2, choices=CEFRLevel.choices, default=CEFRLevel.A1)

    class Meta:
        verbose_name = _("prescription linguistique")
        verbose_name_plural = _("prescriptions linguistiques")
        ordering = ["-prescribed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.hours} h → {self.target_level}"


class CourseStatus(models.TextChoices):
    PLANNED = "planned", _("Inscrit(e), pas commencé")
    ONGOING = "ongoing", _("En cours")
    COMPLETED = "completed", _("Terminé")
    DROPPED = "dropped", _("Abandonné")


class LanguageCourse(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="language_courses")
    title = models.CharField(_("cours"), max_length=200)
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service de l'annuaire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("orientation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start_on = models.DateField(_("début"))
    end_on = models.DateField(_("fin"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("heures"), null=True, blank=True, validators=[MaxValueValidator(2000)])
    status = models.CharField(_("état"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.PLANNED)

    class Meta:
        verbose_name = _("cours de français")
        verbose_name_plural = _("cours de français")
        ordering = ["-start_on", "-id"]
        constraints = [
            _after("end_on", "start_on", "language_course_ends_after_start", _("La fin ne peut pas précéder le début."))
        ]

    def __str__(self) -> str:
        return self.title


class LanguageRequirementRule(models.Model):
    """The French level a residence document requires, as dated configuration (law of 26 January 2024:
    from 1 January 2026, A2 for a first multi-year card, B1 for a first resident card)."""

    document_kind = models.CharField(_("titre"), max_length=20, choices=DocumentKind.choices)
    level = models.CharField(_("niveau requis"), max_length=2, choices=CEFRLevel.choices)
    civic_exam = models.BooleanField(_("examen civique requis"), default=False)
    valid_from = models.DateField(_("en vigueur à partir du"))
    note = models.CharField(_("précisions"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("exigence de langue pour un titre")
        verbose_name_plural = _("exigences de langue pour les titres")
        ordering = ["document_kind", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["document_kind", "valid_from"], name="language_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()} : {self.level}"

    @classmethod
    def in_force(cls, document_kind: str, on) -> "LanguageRequirementRule | None":
        return cls.objects.filter(document_kind=document_kind, valid_from__lte=on).order_by("-valid_from").first()
