"""Who hears about each referral transition (in the app and by e-mail, as each user prefers)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ancrage.notifications.models import Kind
from ancrage.notifications.services import notify
from ancrage.organisations.models import Membership, Role, User

from .models import Referral


def recipient_users(referral: Referral) -> list[User]:
    if referral.target_organisation_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.active().filter(
                organisation_id=referral.target_organisation_id,
                role__in=[Role.PARTNER_AGENT, Role.REFERENT, Role.ORG_ADMIN],
            )
        ).distinct()
    )


def notify_transition(referral: Referral, name: str) -> None:
    url = reverse("referrals:detail", args=[referral.pk])
    title = _("Orientation vers « %(service)s » : %(status)s") % {
        "service": referral.service.name,
        "status": referral.get_status_display().lower(),
    }
    if name == "send":
        notify(users=recipient_users(referral), kind=Kind.REFERRAL_RECEIVED, title=title, url=url)
    elif name in {"accept", "refuse"}:
        notify(users=[referral.sender], kind=Kind.REFERRAL_ANSWERED, title=title, url=url)
    elif name in {"start", "complete", "abandon"}:
        notify(users=[referral.sender], kind=Kind.REFERRAL_PROGRESS, title=title, url=url)
    elif name == "cancel" and referral.sent_at is not None:
        notify(users=recipient_users(referral), kind=Kind.REFERRAL_CLOSED, title=title, url=url)
    elif name == "expire":
        notify(users=[referral.sender], kind=Kind.REFERRAL_PROGRESS, title=title, url=url)
        notify(users=recipient_users(referral), kind=Kind.REFERRAL_CLOSED, title=title, url=url)


def notify_reminder(referral: Referral) -> None:
    title = _("Orientation vers « %(service)s » : sans réponse, elle expire le %(date)s") % {
        "service": referral.service.name,
        "date": referral.expires_at.strftime("%d/%m/%Y") if referral.expires_at else "",
    }
    notify(
        users=recipient_users(referral),
        kind=Kind.REFERRAL_REMINDER,
        title=title,
        url=reverse("referrals:detail", args=[referral.pk]),
    )
