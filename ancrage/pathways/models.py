"""Accompaniment pathways: status machine, diagnostic, plan, journal, appointments."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ancrage.core.models import TimestampedModel, VersionedModel
from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person


class Programme(models.TextChoices):
    AGIR = "agir", _("AGIR")
    CTAIR = "ctair", _("Action du CTAIR")
    CPH = "cph", _("CPH")
    OTHER = "other", _("Autre accompagnement")


class PathwayStatus(models.TextChoices):
    ORIENTED = "oriented", _("Orienté")
    FIRST_INTERVIEW = "first_interview", _("Premier entretien")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    ACCOMPANIMENT = "accompaniment", _("Accompagnement")
    SUSPENDED = "suspended", _("Suspendu")
    EXITED = "exited", _("Sorti")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Fin de l'accompagnement (objectifs atteints)")
    DURATION = "duration", _("Durée maximale atteinte")
    MOVED = "moved", _("Déménagement hors du territoire")
    DROPPED_OUT = "dropped_out", _("Abandon / perte de contact")
    REORIENTED = "reoriented", _("Réorientation vers un autre dispositif")
    OTHER = "other", _("Autre motif")


# Named transitions: name -> (allowed source states, target state).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "hold_first_interview": (frozenset({PathwayStatus.ORIENTED}), PathwayStatus.FIRST_INTERVIEW),
    "start_diagnostic": (frozenset({PathwayStatus.FIRST_INTERVIEW}), PathwayStatus.DIAGNOSTIC),
    "start_accompaniment": (frozenset({PathwayStatus.DIAGNOSTIC}), PathwayStatus.ACCOMPANIMENT),
    "suspend": (
        frozenset({PathwayStatus.FIRST_INTERVIEW, PathwayStatus.DIAGNOSTIC, PathwayStatus.ACCOMPANIMENT}),
        PathwayStatus.SUSPENDED,
    ),
    "resume": (frozenset({PathwayStatus.SUSPENDED}), PathwayStatus.ACCOMPANIMENT),
    "exit": (
        frozenset(
            {
                PathwayStatus.ORIENTED,
                PathwayStatus.FIRST_INTERVIEW,
                PathwayStatus.DIAGNOSTIC,
                PathwayStatus.ACCOMPANIMENT,
                PathwayStatus.SUSPENDED,
            }
        ),
        PathwayStatus.EXITED,
    ),
}

TRANSITION_LABELS = {
    "hold_first_interview": _("Premier entretien réalisé"),
    "start_diagnostic": _("Passer au diagnostic"),
    "start_accompaniment": _("Démarrer l'accompagnement"),
    "suspend": _("Suspendre"),
    "resume": _("Reprendre"),
    "exit": _("Clore le parcours (sortie)"),
}


class ProgrammeRule(models.Model):
    """How a programme runs, as dated data (rules change: the one in force at the pathway's entry applies).

    AGIR (domain.md §2.2): first interview within one month of the CIR signature, a signed commitment
    contract, accompaniment up to 24 months.
    """

    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    valid_from = models.DateField(_("en vigueur à partir du"))
    first_interview_months = models.PositiveSmallIntegerField(
        _("premier entretien au plus tard (mois après la signature du CIR)"), null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(_("durée maximale (mois)"), null=True, blank=True)
    commitment_contract = models.BooleanField(_("contrat d'engagement"), default=False)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("règle de programme")
        verbose_name_plural = _("règles de programme")
        ordering = ["programme", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["programme", "valid_from"], name="programme_rule_unique_date")]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} ({self.valid_from:%d/%m/%Y})"

    @classmethod
    def in_force(cls, programme: str, on: "dt.date") -> "ProgrammeRule | None":
        return cls.objects.filter(programme=programme, valid_from__lte=on).order_by("-valid_from").first()


class PathwayQuerySet(models.QuerySet["Pathway"]):
    def open(self) -> "PathwayQuerySet":
        return self.exclude(status=PathwayStatus.EXITED)


class Pathway(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pathways")
    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    operator = models.ForeignKey(
        Organisation, verbose_name=_("opérateur"), on_delete=models.PROTECT, related_name="pathways"
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référent"),
        on_delete=models.PROTECT,
        related_name="pathways",
        null=True,
        blank=True,
    )
    oriented_by = models.CharField(_("orienté par"), max_length=150, blank=True)
    entry_date = models.DateField(_("date d'entrée"))
    status = models.CharField(_("étape"), max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.ORIENTED)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_reason = models.CharField(_("motif de sortie"), max_length=15, choices=ExitReason.choices, blank=True)
    first_interview_on = models.DateField(_("premier entretien le"), null=True, blank=True)
    commitment_signed_on = models.DateField(
        _("contrat d'engagement signé le"),
        null=True,
        blank=True,
        help_text=_("Le contrat d'engagement réciproque, signé par la personne et le référent."),
    )

    history = HistoricalRecords()
    objects = PathwayQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["-entry_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="exited", exit_date__isnull=False) & ~Q(exit_reason=""))
                | (~Q(status="exited") & Q(exit_date__isnull=True) & Q(exit_reason="")),
                name="pathway_exit_fields_iff_exited",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="pathway_exit_after_entry",
            ),
            models.CheckConstraint(
                condition=Q(first_interview_on__isnull=True) | Q(first_interview_on__gte=models.F("entry_date")),
                name="pathway_first_interview_after_entry",
                violation_error_message=_("Le premier entretien ne peut pas précéder l'entrée dans le parcours."),
            ),
            models.CheckConstraint(
                condition=Q(commitment_signed_on__isnull=True) | Q(commitment_signed_on__gte=models.F("entry_date")),
                name="pathway_commitment_after_entry",
                violation_error_message=_("Le contrat d'engagement ne peut pas précéder l'entrée dans le parcours."),
            ),
            models.UniqueConstraint(
                fields=["person", "operator", "programme"],
                condition=~Q(status="exited"),
                name="pathway_one_open_per_programme_and_operator",
                violation_error_message=_("Cette personne a déjà un parcours ouvert dans ce programme chez vous."),
            ),
        ]
        indexes = [models.Index(fields=["operator", "status"]), models.Index(fields=["referent", "status"])]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} — {self.operator.display_name}"

    @property
    def is_open(self) -> bool:
        return self.status != PathwayStatus.EXITED

    def available_transitions(self) -> list[tuple[str, str]]:
        return [
            (name, str(TRANSITION_LABELS[name]))
            for name, (sources, _t) in TRANSITIONS.items()
            if self.status in sources
        ]


class PathwayTransition(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=PathwayStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PathwayStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DiagnosticDomain(models.TextChoices):
    RIGHTS = "rights", _("Droits et démarches administratives")
    HOUSING = "housing", _("Logement")
    EMPLOYMENT = "employment", _("Emploi et formation")
    LANGUAGE = "language", _("Langue française")
    HEALTH = "health", _("Accès à la santé")
    MOBILITY = "mobility", _("Mobilité")
    FAMILY = "family", _("Famille et garde d'enfants")
    SOCIAL = "social", _("Vie sociale, culture et citoyenneté")


class NeedLevel(models.IntegerChoices):
    NONE = 0, _("Pas de besoin")
    LOW = 1, _("Besoin léger")
    MEDIUM = 2, _("Besoin important")
    HIGH = 3, _("Besoin prioritaire")


class DiagnosticItem(TimestampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="diagnostic_items")
    domain = models.CharField(_("domaine"), max_length=12, choices=DiagnosticDomain.choices)
    situation = models.TextField(_("situation observée"), blank=True, max_length=2000)
    need_level = models.PositiveSmallIntegerField(
        _("niveau de besoin"), choices=NeedLevel.choices, default=NeedLevel.NONE
    )
    assessed_on = models.DateField(_("évalué le"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("élément de diagnostic")
        verbose_name_plural = _("diagnostic")
        constraints = [models.UniqueConstraint(fields=["pathway", "domain"], name="diagnostic_domain_unique")]

    def __str__(self) -> str:
        return self.get_domain_display()


class PlanStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisé")
    ABANDONED = "abandoned", _("Abandonné")


class Objective(TimestampedModel):
    """Plan: theme (a diagnostic domain) → objective → actions."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="objectives")
    theme = models.CharField(_("thème"), max_length=12, choices=DiagnosticDomain.choices)
    title = models.CharField(_("objectif"), max_length=255)
    status = models.CharField(_("état"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.IN_PROGRESS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["theme", "id"]

    def __str__(self) -> str:
        return self.title


class PlanAction(TimestampedModel):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=255)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.TODO)
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | (~Q(status="done") & Q(done_on__isnull=True)),
                name="plan_action_done_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Confidentiality(models.TextChoices):
    SHARED = "shared", _("Partagée avec les partenaires")
    ORGANISATION = "organisation", _("Mon organisation seulement")
    PRIVATE = "private", _("Moi seulement")


class Note(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    confidentiality = models.CharField(
        _("visibilité"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.ORGANISATION
    )
    body = models.TextField(_("note"), max_length=10000)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("journal")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    HELD = "held", _("Honoré")
    MISSED = "missed", _("Non honoré")
    CANCELLED = "cancelled", _("Annulé")


class Appointment(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    with_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("avec"), on_delete=models.PROTECT, related_name="appointments"
    )
    subject = models.CharField(_("objet"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    location = models.CharField(_("lieu"), max_length=255, blank=True)
    interpreter_needed = models.BooleanField(_("interprète à prévoir"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["with_user", "starts_at"])]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin du rendez-vous doit suivre son début.")})
