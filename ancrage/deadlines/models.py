"""Deadlines computed from the record by rules kept as dated data (domain.md §2.2, §3.1, §3.4, §3.5).

A rule version is never edited once a deadline used it: changing a rule means adding a version with a
later ``valid_from``. Each deadline keeps the parameters it was computed with (``params``) and the rule
version (``rule_label``), so a new version never rewrites history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.persons.models import Person


class RuleCode(models.TextChoices):
    ASYLUM_HOUSING_EXIT = "asylum_housing_exit", _("Sortie de l'hébergement pour demandeurs d'asile")
    CPH_END = "cph_end", _("Fin de séjour en CPH")
    SNE_RENEWAL = "sne_renewal", _("Renouvellement de la demande de logement social")
    LICENCE_EXCHANGE = "licence_exchange", _("Échange du permis de conduire")
    RESIDENCE_RENEWAL = "residence_renewal", _("Demande de renouvellement du titre de séjour")
    AGIR_FIRST_INTERVIEW = "agir_first_interview", _("Premier entretien AGIR")
    ACCOMPANIMENT_END = "accompaniment_end", _("Fin de l'accompagnement")
    CSS_RENEWAL = "css_renewal", _("Renouvellement de la complémentaire santé solidaire")


class DeadlineRule(models.Model):
    """One version of a rule. ``months`` and ``extension_months`` are the rule's durations; ``lead_months``
    opens the window before the due date (e.g. a residence card: ask 4 months before expiry, at the
    latest 2 months before: ``months`` = 2 before expiry, ``lead_months`` = 2 more)."""

    code = models.CharField(_("règle"), max_length=25, choices=RuleCode.choices)
    valid_from = models.DateField(_("en vigueur à partir du"))
    months = models.PositiveSmallIntegerField(_("délai (mois)"), validators=[MaxValueValidator(120)])
    lead_months = models.PositiveSmallIntegerField(
        _("ouverture avant l'échéance (mois)"), default=0, validators=[MaxValueValidator(24)]
    )
    extension_months = models.PositiveSmallIntegerField(
        _("durée d'une prolongation (mois)"), default=0, validators=[MaxValueValidator(24)]
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("prolongations possibles"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    notify_days_before = models.PositiveSmallIntegerField(
        _("prévenir (jours avant)"), default=14, validators=[MaxValueValidator(180)]
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("règle d'échéance")
        verbose_name_plural = _("règles d'échéance")
        ordering = ["code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="deadline_rule_unique_version")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.valid_from:%d/%m/%Y})"

    @property
    def label(self) -> str:
        return f"{self.code}@{self.valid_from.isoformat()}"

    def params(self) -> dict:
        return {
            "months": self.months,
            "lead_months": self.lead_months,
            "extension_months": self.extension_months,
            "max_extensions": self.max_extensions,
            "notify_days_before": self.notify_days_before,
        }

    def clean(self) -> None:
        if self.pk and Deadline.objects.filter(rule_label=DeadlineRule.objects.get(pk=self.pk).label).exists():
            raise ValidationError(
                _(
                    "Cette version de la règle a déjà servi à calculer des échéances : ajoutez une nouvelle version "
                    "avec une date d'entrée en vigueur au lieu de la modifier."
                )
            )


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    DONE = "done", _("Fait")
    CANCELLED = "cancelled", _("Sans objet")


class Deadline(models.Model):
    """A dated item to act on for one person, computed by a rule from one source in the record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(_("règle"), max_length=25, choices=RuleCode.choices)
    source_key = models.CharField(max_length=80)
    rule_label = models.CharField(_("version de la règle"), max_length=60)
    params = models.JSONField(default=dict)
    anchor_on = models.DateField(_("événement de départ"))
    opens_on = models.DateField(_("à partir du"), null=True, blank=True)
    due_on = models.DateField(_("échéance"))
    status = models.CharField(_("état"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    done_on = models.DateField(_("fait le"), null=True, blank=True)
    note = models.CharField(_("précisions"), max_length=255, blank=True)
    computed_at = models.DateTimeField(auto_now=True)
    notified_soon_at = models.DateTimeField(null=True, blank=True)
    notified_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "code", "source_key"], name="deadline_unique_per_source"),
            models.CheckConstraint(
                condition=models.Q(status="done", done_on__isnull=False) | ~models.Q(status="done"),
                name="deadline_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.get_code_display()} — {self.due_on:%d/%m/%Y}"


class CalendarFeed(models.Model):
    """A secret calendar address (.ics) for one user in one organisation.

    Only the SHA-256 of the token is kept: the address is shown once, at creation. A new address
    revokes the previous one. Access is recomputed at each fetch from the membership, so a membership
    that ended serves nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("utilisateur")
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("appartenance"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda partagé")
        verbose_name_plural = _("agendas partagés")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.created_at:%d/%m/%Y})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
