"""Referrals (*orientations*): a référent hands part of a pathway to a partner's service.

An explicit state machine with a transition log; database constraints make the fields each state
requires invariant. The sender chooses the sections shared (minimal by default); a consent in force
that covers them is required; the receiving organisation sees them through an access grant that
expires a configurable time after the referral closes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.access.models import Consent, validate_sections
from ancrage.core.models import VersionedModel
from ancrage.organisations.models import Organisation
from ancrage.pathways.models import Pathway
from ancrage.persons.models import Person


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENT = "sent", _("Envoyée")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Expirée sans réponse")


CLOSED_STATUSES = frozenset(
    {
        ReferralStatus.REFUSED,
        ReferralStatus.DONE,
        ReferralStatus.ABANDONED,
        ReferralStatus.CANCELLED,
        ReferralStatus.EXPIRED,
    }
)
ANSWERED_STATUSES = frozenset(
    {
        ReferralStatus.ACCEPTED,
        ReferralStatus.REFUSED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.DONE,
        ReferralStatus.ABANDONED,
    }
)


class Side(models.TextChoices):
    SENDER = "sender", _("Organisation qui oriente")
    RECIPIENT = "recipient", _("Organisation qui reçoit")
    SYSTEM = "system", _("Automatique")


# name -> (allowed sources, target, who may fire it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "send": (frozenset({ReferralStatus.DRAFT}), ReferralStatus.SENT, Side.SENDER),
    "accept": (frozenset({ReferralStatus.SENT}), ReferralStatus.ACCEPTED, Side.RECIPIENT),
    "refuse": (frozenset({ReferralStatus.SENT}), ReferralStatus.REFUSED, Side.RECIPIENT),
    "start": (frozenset({ReferralStatus.ACCEPTED}), ReferralStatus.IN_PROGRESS, Side.RECIPIENT),
    "complete": (frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}), ReferralStatus.DONE, Side.RECIPIENT),
    "abandon": (
        frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}),
        ReferralStatus.ABANDONED,
        Side.RECIPIENT,
    ),
    "cancel": (
        frozenset({ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED}),
        ReferralStatus.CANCELLED,
        Side.SENDER,
    ),
    "expire": (frozenset({ReferralStatus.SENT}), ReferralStatus.EXPIRED, Side.SYSTEM),
}

TRANSITION_LABELS = {
    "send": _("Envoyer"),
    "accept": _("Accepter"),
    "refuse": _("Refuser"),
    "start": _("Démarrer l'accompagnement"),
    "complete": _("Marquer comme réalisée"),
    "abandon": _("Marquer comme abandonnée"),
    "cancel": _("Annuler l'orientation"),
    "expire": _("Expirer"),
}


class RefusalReason(models.Model):
    """A managed list of refusal reasons (like les emplois de l'inclusion), editable by admins."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    is_active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("motif de refus")
        verbose_name_plural = _("motifs de refus")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> "ReferralQuerySet":
        return self.exclude(status__in=CLOSED_STATUSES)

    def sent_by(self, organisation_id: int) -> "ReferralQuerySet":
        return self.filter(sender_organisation_id=organisation_id)

    def received_by(self, organisation_id: int) -> "ReferralQuerySet":
        return self.filter(target_organisation_id=organisation_id).exclude(status=ReferralStatus.DRAFT)


class Referral(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    sender_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("organisation qui oriente"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("référent")
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    target_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("organisation destinataire"),
        help_text=_("Vide quand la structure n'a pas de compte : elle répond par un lien sécurisé."),
    )
    reason = models.TextField(_("motif de l'orientation"), max_length=3000)
    sections = models.JSONField(_("rubriques partagées"), validators=[validate_sections])
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("consentement")
    )
    status = models.CharField(_("état"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réponse de"),
    )
    refusal_reason = models.ForeignKey(
        RefusalReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("motif de refus")
    )
    refusal_detail = models.CharField(_("précisions sur le refus"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    outcome = models.TextField(_("résultat"), max_length=3000, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_organisation", "status"]),
            models.Index(fields=["sender_organisation", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_sent_fields",
                condition=Q(status="draft", sent_at__isnull=True, expires_at__isnull=True)
                | Q(status="cancelled")  # a draft may be cancelled before it is sent
                | (~Q(status__in=["draft", "cancelled"]) & Q(sent_at__isnull=False, expires_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="referral_answer_fields",
                # The answer's author may be empty only when it came through an answer link.
                condition=(
                    Q(status__in=sorted(ANSWERED_STATUSES), answered_at__isnull=False)
                    | (~Q(status__in=sorted(ANSWERED_STATUSES)) & Q(answered_at__isnull=True))
                    | Q(status="cancelled")
                ),
            ),
            models.CheckConstraint(
                name="referral_refusal_reason_iff_refused",
                condition=Q(status="refused", refusal_reason__isnull=False)
                | (~Q(status="refused") & Q(refusal_reason__isnull=True)),
            ),
            models.CheckConstraint(
                name="referral_closed_at_iff_closed",
                condition=Q(status__in=sorted(CLOSED_STATUSES), closed_at__isnull=False)
                | (~Q(status__in=sorted(CLOSED_STATUSES)) & Q(closed_at__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation {self.pk} → {self.service_id}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def transitions_for(self, side: str) -> list[tuple[str, str]]:
        return [
            (name, str(TRANSITION_LABELS[name]))
            for name, (sources, _target, who) in TRANSITIONS.items()
            if self.status in sources and who == side
        ]


class ReferralTransition(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("commentaire"), max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ReferralLink(models.Model):
    """A signed, single-use, expiring link for a structure without an account to answer a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="referral_link_expires")
        ]

    def __str__(self) -> str:
        return f"Lien {self.pk} ({self.referral_id})"


def _attachment_path(instance: "ReferralAttachment", filename: str) -> str:
    # Never the uploaded name: a random one under the referral, with the extension of the checked type.
    return f"referrals/{instance.referral_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ReferralAttachment(models.Model):
    """A document joined to a referral (an attestation, a prescription). Stored outside the static files,
    served only through an access check, with its type checked from its content, not its name."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("nom du fichier"), max_length=150)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="referral_attachment_not_empty")]

    def __str__(self) -> str:
        return self.name
