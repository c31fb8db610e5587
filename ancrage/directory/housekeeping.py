"""Remind organisations to refresh their directory entries once they are six months old."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ancrage.notifications.models import Kind, Notification
from ancrage.notifications.services import notify
from ancrage.organisations.models import Membership, Role, User

from .models import Service

# One reminder per organisation at most this often.
REMIND_EVERY = dt.timedelta(days=30)


def directory_stale_reminders(*, now: dt.datetime | None = None) -> int:
    """Notify the admins and référents of each organisation that has stale services. Returns organisations reminded."""
    now = now or timezone.now()
    stale = (
        Service.objects.stale(now)
        .filter(structure__organisation__isnull=False)
        .values("structure__organisation")
        .annotate(n=Count("id"))
    )
    reminded = 0
    for row in stale:
        organisation_id, count = row["structure__organisation"], row["n"]
        users = list(
            User.objects.filter(
                memberships__in=Membership.objects.active().filter(
                    organisation_id=organisation_id, role__in=[Role.ORG_ADMIN, Role.REFERENT]
                )
            ).distinct()
        )
        recently = Notification.objects.filter(
            user__in=users, kind=Kind.SERVICE_STALE, created_at__gte=now - REMIND_EVERY
        ).exists()
        if not users or recently:
            continue
        title = ngettext(
            "%(count)s service de votre organisation n'a pas été mis à jour depuis six mois",
            "%(count)s services de votre organisation n'ont pas été mis à jour depuis six mois",
            count,
        ) % {"count": count}
        notify(users=users, kind=Kind.SERVICE_STALE, title=title, url=reverse("directory:list"))
        reminded += 1
    return reminded
