"""Who may see what of a person's record, why, and until when."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ancrage.organisations.models import Organisation
from ancrage.pathways.models import Pathway
from ancrage.persons.models import Person

from .sections import Section


def validate_sections(value: list[str]) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choisissez au moins une rubrique."))
    unknown = set(value) - set(Section.values)
    if unknown:
        raise ValidationError(_("Rubriques inconnues : %(codes)s"), params={"codes": ", ".join(sorted(unknown))})


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    """The person's recorded consent to share sections of the record outside the accompanying team.

    Sharing outside the team needs prior consent (CSP L.1110-4); withdrawing it revokes the grants
    that rest on it at once.
    """

    class Method(models.TextChoices):
        WRITTEN = "written", _("Écrit signé")
        ORAL = "oral", _("Oral, en présence d'un interprète si besoin")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    sections = models.JSONField(_("rubriques partagées"), validators=[validate_sections])
    recipients = models.ManyToManyField(Organisation, verbose_name=_("destinataires"), related_name="consents_received")
    purpose = models.CharField(_("finalité"), max_length=255)
    given_on = models.DateField(_("recueilli le"))
    text_version = models.CharField(_("version du formulaire"), max_length=20, default="2026-1")
    method = models.CharField(_("modalité"), max_length=10, choices=Method.choices, default=Method.WRITTEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_for = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consents_recorded")
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[recipients])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.given_on:%d/%m/%Y})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None

    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels.get(code, code)) for code in self.sections]


class GrantOrigin(models.TextChoices):
    PATHWAY = "pathway", _("Parcours (organisation qui accompagne)")
    REFERRAL = "referral", _("Orientation")
    CONSENT = "consent", _("Consentement de la personne")


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def active(self, at=None) -> "AccessGrantQuerySet":
        now = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class AccessGrant(models.Model):
    """An organisation's right to see sections of one person's record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants")
    sections = models.JSONField(validators=[validate_sections])
    origin = models.CharField(max_length=10, choices=GrantOrigin.choices)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, null=True, blank=True, related_name="grants")
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, null=True, blank=True, related_name="grants")
    # Set by the referrals app (issue 3) to point at the referral that opened the grant.
    referral_id = models.BigIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("droit d'accès")
        verbose_name_plural = _("droits d'accès")
        indexes = [models.Index(fields=["organisation", "person"]), models.Index(fields=["person", "organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(origin="pathway", pathway__isnull=False)
                    | Q(origin="consent", consent__isnull=False)
                    | Q(origin="referral", referral_id__isnull=False)
                ),
                name="grant_origin_has_source",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("starts_at")),
                name="grant_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.person} ({self.get_origin_display()})"
