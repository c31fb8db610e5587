"""Daily work on placements: remind the référents of the follow-ups due within a week or overdue."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.notifications.models import Kind
from ancrage.notifications.services import notify

from .models import FollowUp, PlacementStatus

REMINDER_DAYS = 7


def followup_reminders(now: dt.datetime | None = None) -> int:
    """Notify the proposer (and the pathway's referent if different) once per follow-up; idempotent."""
    now = now or timezone.now()
    horizon = timezone.localdate(now) + dt.timedelta(days=REMINDER_DAYS)
    due = FollowUp.objects.filter(
        done_on__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=horizon,
        placement__status=PlacementStatus.HIRED,
    ).select_related("placement__proposed_by", "placement__pathway__referent", "placement__opportunity")
    reminded = 0
    for follow_up in due:
        placement = follow_up.placement
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=follow_up.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run got there first
            users = [placement.proposed_by]
            referent = placement.pathway.referent if placement.pathway else None
            if referent is not None and referent.pk != placement.proposed_by_id:
                users.append(referent)
            # No personal data in the title: the opportunity and the month only.
            title = _("Suivi dans l'emploi à M+%(month)s à faire avant le %(date)s : « %(opportunity)s »") % {
                "month": follow_up.month,
                "date": follow_up.due_on.strftime("%d/%m/%Y"),
                "opportunity": placement.opportunity.title,
            }
            notify(
                users=users,
                kind=Kind.FOLLOW_UP_DUE,
                title=title[:255],
                url=reverse("employment:placement_detail", args=[placement.pk]),
            )
        reminded += 1
    return reminded
