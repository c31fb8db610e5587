"""The territorial integration contract (CTAIR, domain.md §1): axes, *fiches action*, co-funding,
calls for projects, participations and the indicator catalogue (as data).

Figures are never typed in: indicators are computed from the records (``steering.indicators``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ancrage.core.models import TimestampedModel, VersionedModel
from ancrage.core.validators import validate_siret
from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person
from ancrage.territory.models import Territory

ZERO = Decimal("0")
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def _after(field: str, earlier: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{field}__gte": F(earlier)}),
        name=name,
        violation_error_message=message,
    )


def _amount(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(0)])


# --- the contract ---------------------------------------------------------------------------------


class Contract(VersionedModel):
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("intitulé"), max_length=255)
    signed_on = models.DateField(_("signé le"))
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    signatories = models.TextField(_("signataires"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contrat territorial")
        verbose_name_plural = _("contrats territoriaux")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("La fin du contrat doit être postérieure à son début."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("La fin du contrat doit être postérieure à son début.")})

    @property
    def effective_ends_on(self):
        """The end of the contract, moved by the latest amendment that changes it."""
        latest = (
            self.amendments.filter(new_end_on__isnull=False).order_by("-number").values_list("new_end_on", flat=True)
        ).first()
        return latest or self.ends_on


class Amendment(TimestampedModel):
    """An *avenant*: numbered, dated; it may extend the contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    signed_on = models.DateField(_("signé le"))
    summary = models.TextField(_("objet"), max_length=4000, blank=True)
    new_end_on = models.DateField(_("nouvelle fin du contrat"), null=True, blank=True)

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="amendment_number_unique",
                violation_error_message=_("Un avenant porte déjà ce numéro."),
            )
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number}"


class ContractYear(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)

    class Meta:
        verbose_name = _("année du contrat")
        verbose_name_plural = _("années du contrat")
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year"],
                name="contract_year_unique",
                violation_error_message=_("Cette année est déjà ouverte pour ce contrat."),
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class PriorityAxis(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.CharField(_("intitulé"), max_length=255)

    class Meta:
        verbose_name = _("axe prioritaire")
        verbose_name_plural = _("axes prioritaires")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="axis_number_unique",
                violation_error_message=_("Un axe porte déjà ce numéro dans ce contrat."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


# --- fiches action and their money ------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    SELECTED = "selected", _("Retenue")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    ABANDONED = "abandoned", _("Abandonnée")


class Action(VersionedModel):
    """A *fiche action* of the contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(PriorityAxis, verbose_name=_("axe"), on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("intitulé"), max_length=255)
    carrier = models.ForeignKey(
        Organisation, verbose_name=_("structure porteuse"), on_delete=models.PROTECT, related_name="ctair_actions"
    )
    carrier_siret = models.CharField(
        _("SIRET du porteur"), max_length=14, blank=True, validators=[validate_siret], help_text=_("14 chiffres.")
    )
    description = models.TextField(_("description"), max_length=10000, blank=True)
    objectives = models.TextField(_("objectifs"), max_length=5000, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.DRAFT)
    # Where participations come from without anybody typing them (``steering.participation``).
    programmes = models.JSONField(
        _("programmes d'accompagnement"),
        default=list,
        blank=True,
        help_text=_("Les parcours de ces programmes menés par la structure porteuse comptent comme participations."),
    )
    services = models.ManyToManyField(
        "directory.Service",
        verbose_name=_("services de l'annuaire"),
        blank=True,
        related_name="ctair_actions",
        help_text=_("Les orientations acceptées vers ces services comptent comme participations."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiche action")
        verbose_name_plural = _("fiches action")
        ordering = ["contract", "axis__number", "title", "id"]
        constraints = [
            _after("ends_on", "starts_on", "action_ends_after_start", _("La fin ne peut pas précéder le début."))
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.axis_id and self.contract_id and self.axis.contract_id != self.contract_id:
            errors["axis"] = _("Cet axe n'appartient pas à ce contrat.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("La fin ne peut pas précéder le début.")
        from ancrage.pathways.models import Programme

        if not isinstance(self.programmes, list) or set(self.programmes) - set(Programme.values):
            errors["programmes"] = _("Programme inconnu.")
        if errors:
            raise ValidationError(errors)


class CoFunder(models.TextChoices):
    STATE_P104 = "state_p104", _("État (programme 104)")
    METROPOLE = "metropole", _("Métropole")
    CITY = "city", _("Ville")
    EU_FUNDS = "eu_funds", _("Fonds européens (FAMI / FSE+)")
    CAF = "caf", _("CAF")
    ARS = "ars", _("ARS")
    OTHER = "other", _("Autre")


BUDGET_MESSAGES = {
    "granted": _("Le montant accordé ne peut pas dépasser le montant demandé."),
    "committed": _("Le montant engagé ne peut pas dépasser le montant accordé."),
    "paid": _("Le montant versé ne peut pas dépasser le montant engagé."),
}


class BudgetLine(VersionedModel):
    """Money of one co-funder for one action and one year: requested ≥ granted ≥ committed ≥ paid."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    co_funder = models.CharField(_("financeur"), max_length=12, choices=CoFunder.choices)
    requested = _amount(_("demandé (€)"))
    granted = _amount(_("accordé (€)"))
    committed = _amount(_("engagé (€)"))
    paid = _amount(_("versé (€)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["action", "year", "co_funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year", "co_funder"],
                name="budget_line_unique",
                violation_error_message=_("Ce financeur a déjà une ligne pour cette action et cette année."),
            ),
            models.CheckConstraint(
                condition=Q(requested__gte=0) & Q(granted__gte=0) & Q(committed__gte=0) & Q(paid__gte=0),
                name="budget_line_amounts_positive",
                violation_error_message=_("Les montants ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=Q(granted__lte=F("requested")),
                name="budget_line_granted_le_requested",
                violation_error_message=BUDGET_MESSAGES["granted"],
            ),
            models.CheckConstraint(
                condition=Q(committed__lte=F("granted")),
                name="budget_line_committed_le_granted",
                violation_error_message=BUDGET_MESSAGES["committed"],
            ),
            models.CheckConstraint(
                condition=Q(paid__lte=F("committed")),
                name="budget_line_paid_le_committed",
                violation_error_message=BUDGET_MESSAGES["paid"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_co_funder_display()} {self.year}"

    def clean(self) -> None:
        errors = {}
        for name in ("requested", "granted", "committed", "paid"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("Le montant ne peut pas être négatif.")
        if not errors:
            pairs = (("granted", "requested"), ("committed", "granted"), ("paid", "committed"))
            for field, bound in pairs:
                if (getattr(self, field) or ZERO) > (getattr(self, bound) or ZERO):
                    errors[field] = BUDGET_MESSAGES[field]
        if errors:
            raise ValidationError(errors)


class Target(models.Model):
    """The value an action aims at for one indicator and one year."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        "steering.IndicatorDefinition", verbose_name=_("indicateur"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("cible"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["action", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "indicator", "year"],
                name="target_unique",
                violation_error_message=_("Une cible existe déjà pour cet indicateur et cette année."),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} : {self.value}"


# --- calls for projects -------------------------------------------------------------------------------


class CallForProjects(TimestampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="calls")
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("intitulé"), max_length=255)
    opens_on = models.DateField(_("ouvert le"))
    closes_on = models.DateField(_("clos le"))

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-year", "title"]
        constraints = [
            _after(
                "closes_on", "opens_on", "call_closes_after_opening", _("La clôture ne peut pas précéder l'ouverture.")
            )
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.TextChoices):
    PENDING = "pending", _("En attente")
    SELECTED = "selected", _("Retenu")
    REJECTED = "rejected", _("Non retenu")


class Application(VersionedModel):
    """A project received in answer to a call; selecting it creates the *fiche action*."""

    call = models.ForeignKey(CallForProjects, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("structure candidate"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("intitulé du projet"), max_length=255)
    requested_amount = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(0)]
    )
    received_on = models.DateField(_("reçu le"))
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(_("décidé le"), null=True, blank=True)
    action = models.OneToOneField(
        Action,
        verbose_name=_("fiche action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["call", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0),
                name="application_amount_positive",
                violation_error_message=_("Le montant demandé ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_on__isnull=True)
                | (~Q(decision="pending") & Q(decided_on__isnull=False)),
                name="application_decided_on_iff_decided",
                violation_error_message=_("Indiquez la date de la décision."),
            ),
            models.CheckConstraint(
                condition=Q(action__isnull=True) | Q(decision="selected"),
                name="application_action_only_when_selected",
                violation_error_message=_("Seul un projet retenu a une fiche action."),
            ),
            _after(
                "decided_on",
                "received_on",
                "application_decided_after_receipt",
                _("La décision ne peut pas précéder la réception."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- participation and qualitative bilans --------------------------------------------------------------


class ParticipationSource(models.TextChoices):
    PATHWAY = "pathway", _("Parcours d'accompagnement")
    REFERRAL = "referral", _("Orientation")
    CARRIER = "carrier", _("Saisie par le porteur")


class Participation(TimestampedModel):
    """A person taking part in an action: persons reached are counted once across actions and partners."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="participations")
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    source = models.CharField(_("origine"), max_length=10, choices=ParticipationSource.choices)
    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["action", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "action", "starts_on"],
                name="participation_unique",
                violation_error_message=_("Cette participation est déjà enregistrée."),
            ),
            _after(
                "ends_on", "starts_on", "participation_ends_after_start", _("La fin ne peut pas précéder le début.")
            ),
        ]
        indexes = [models.Index(fields=["action", "starts_on"]), models.Index(fields=["person", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} × {self.action_id}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("La fin ne peut pas précéder le début.")})


class QualitativeReport(VersionedModel):
    """The qualitative bilan of an action for one year, written by its carrier."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    text = models.TextField(_("bilan qualitatif"), max_length=20000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rédigé par"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bilan qualitatif")
        verbose_name_plural = _("bilans qualitatifs")
        ordering = ["action", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year"],
                name="qualitative_report_unique",
                violation_error_message=_("Le bilan de cette année existe déjà."),
            )
        ]

    def __str__(self) -> str:
        return f"Bilan {self.year}"


# --- the indicator catalogue (data) ----------------------------------------------------------------------


class IndicatorKind(models.TextChoices):
    COUNT_DISTINCT_PERSONS = "count_distinct_persons", _("Nombre de personnes distinctes")
    RATE = "rate", _("Taux")
    MEDIAN_DELAY = "median_delay", _("Délai médian (jours)")
    BUDGET_SUM = "budget_sum", _("Somme budgétaire")


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Sexe")
    AGE_BAND = "age_band", _("Tranche d'âge")
    PROTECTION_TYPE = "protection_type", _("Type de protection")
    NATIONALITY_GROUP = "nationality_group", _("Nationalité")
    COMMUNE = "commune", _("Commune de résidence")
    TIME_SINCE_PROTECTION = "time_since_protection", _("Ancienneté de la protection")
    PROGRAMME = "programme", _("Programme")
    # Budget indicators only.
    CO_FUNDER = "co_funder", _("Financeur")
    AXIS = "axis", _("Axe")


PERSON_DISAGGREGATIONS = [
    Disaggregation.SEX,
    Disaggregation.AGE_BAND,
    Disaggregation.PROTECTION_TYPE,
    Disaggregation.NATIONALITY_GROUP,
    Disaggregation.COMMUNE,
    Disaggregation.TIME_SINCE_PROTECTION,
    Disaggregation.PROGRAMME,
]


class IndicatorDefinition(models.Model):
    """One indicator of the catalogue. Its specs are interpreted by ``steering.indicators.compute``."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=255)
    description = models.TextField(_("définition"), max_length=4000, blank=True)
    kind = models.CharField(_("type"), max_length=25, choices=IndicatorKind.choices)
    population = models.CharField(
        _("population"),
        max_length=12,
        default="reached",
        help_text=_("« reached » : personnes touchées par les actions ; « accompanied » : personnes accompagnées."),
    )
    filter_spec = models.JSONField(_("filtre"), default=dict, blank=True)
    numerator_spec = models.JSONField(_("numérateur"), default=dict, blank=True)
    denominator_spec = models.JSONField(_("dénominateur"), default=dict, blank=True)
    events = models.JSONField(_("événements (délai)"), default=dict, blank=True)
    budget_spec = models.JSONField(_("montant (budget)"), default=dict, blank=True)
    disaggregations = models.JSONField(_("ventilations possibles"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        unknown = set(self.disaggregations or []) - set(Disaggregation.values)
        if unknown:
            raise ValidationError({"disaggregations": _("Ventilation inconnue.")})
        if self.population not in ("reached", "accompanied"):
            raise ValidationError({"population": _("Population inconnue.")})


def _bilan_upload_to(instance: "BilanAttachment", filename: str) -> str:
    return f"steering/bilans/{instance.report_id}/{filename}"


class BilanAttachment(models.Model):
    """A document joined to a qualitative bilan (activity report, photos of a workshop...)."""

    report = models.ForeignKey(QualitativeReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to=_bilan_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe du bilan")
        verbose_name_plural = _("pièces jointes du bilan")
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- the annual report, built in the background ---------------------------------------------------------


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Tableur (XLSX)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


def _report_upload_to(instance: "AnnualReportRun", filename: str) -> str:
    return f"steering/reports/{instance.contract_id}/{filename}"


class AnnualReportRun(models.Model):
    """One generation of the *bilan annuel*, asked from the interface and built by the task worker."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="report_runs")
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    status = models.CharField(_("état"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0, validators=[MaxValueValidator(100)])
    step = models.CharField(_("étape"), max_length=120, blank=True)
    file = models.FileField(_("fichier"), upload_to=_report_upload_to, max_length=255, blank=True)
    error = models.TextField(_("erreur"), max_length=2000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bilan annuel généré")
        verbose_name_plural = _("bilans annuels générés")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"Bilan {self.year} ({self.format})"
