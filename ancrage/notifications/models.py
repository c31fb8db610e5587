"""In-app notifications and per-user preferences for them and their e-mail copies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("Une orientation arrive à mon organisation")
    REFERRAL_ANSWERED = "referral_answered", _("Une orientation que j'ai envoyée reçoit une réponse")
    REFERRAL_PROGRESS = "referral_progress", _("Une orientation que j'ai envoyée avance ou se termine")
    REFERRAL_CLOSED = "referral_closed", _("Une orientation reçue est annulée ou expire")
    REFERRAL_REMINDER = "referral_reminder", _("Une orientation reçue va expirer sans réponse")
    SERVICE_STALE = "service_stale", _("Des services de mon organisation sont à actualiser dans l'annuaire")
    FOLLOW_UP_DUE = "follow_up_due", _("Un suivi dans l'emploi est à faire")
    DEADLINE_DUE = "deadline_due", _("Des échéances arrivent ou sont dépassées pour les personnes que j'accompagne")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # No personal data in the text: it names the service and the state; the link leads to the
    # page, which checks access again.
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    in_app = models.BooleanField(_("dans Ancrage"), default=True)
    email = models.BooleanField(_("par courriel"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
