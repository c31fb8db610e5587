"""Daily work on referrals: remind the recipient before expiry, expire those left unanswered."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Referral, ReferralStatus
from .notifications import notify_reminder
from .services import ReferralConflict, referral_transition


@dataclass
class Report:
    reminded: int = 0
    expired: int = 0


def referrals_housekeeping(*, now: dt.datetime | None = None, base_url: str | None = None) -> Report:
    """Idempotent: run it as often as you like (the worker runs it daily)."""
    base_url = settings.SITE_URL if base_url is None else base_url
    now = now or timezone.now()
    report = Report()
    reminder_due = now + dt.timedelta(days=settings.REFERRAL_REMINDER_DAYS)
    to_remind = Referral.objects.filter(
        status=ReferralStatus.SENT, reminded_at__isnull=True, expires_at__lte=reminder_due, expires_at__gt=now
    ).select_related("service")
    contact_mails = []
    for referral in to_remind:
        with transaction.atomic():
            if not Referral.objects.filter(pk=referral.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notify_reminder(referral)
        if referral.service.contact_email:
            # The service's referral contact may have no account: an e-mail without personal data.
            link = base_url + reverse("referrals:detail", args=[referral.pk])
            body = _(
                "Une orientation vers « %(service)s » attend votre réponse. Sans réponse, elle expirera le "
                "%(date)s.\n\nRépondre : %(link)s"
            ) % {
                "service": referral.service.name,
                "date": timezone.localtime(referral.expires_at).strftime("%d/%m/%Y"),
                "link": link,
            }
            contact_mails.append(
                (
                    _("Ancrage — une orientation attend votre réponse"),
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [referral.service.contact_email],
                )
            )
        report.reminded += 1
    if contact_mails:
        send_mass_mail(contact_mails, fail_silently=True)
    for referral in Referral.objects.filter(status=ReferralStatus.SENT, expires_at__lte=now):
        try:
            referral_transition(actor=None, referral=referral, name="expire", expected_version=referral.version)
        except ReferralConflict:
            continue  # answered meanwhile
        report.expired += 1
    return report
