"""The personal calendar feed: a secret .ics address with the user's appointments and open deadlines.

The token is shown once; only its SHA-256 is stored. At each fetch the access is recomputed from the
feed's membership (still active, same rules as the pages): a revoked token or an ended membership
serves nothing. Events carry minimal personal data ("Renouvellement SNE — HAIDARI F.").
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, User
from ancrage.pathways.ics import _escape, _fold, _stamp

from .models import CalendarFeed
from .selectors import SCOPE_MINE, SHORT_LABELS, open_deadlines, persons_in_scope, short_name, upcoming_appointments

# Appointments already past stay in the feed for a while (calendars keep the recent history).
PAST_DAYS = 30
FUTURE_DAYS = 400


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_create(*, user: User, membership: Membership) -> tuple[CalendarFeed, str]:
    """A new secret address; the previous ones of the user in this organisation are revoked."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, membership=membership, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(user=user, membership=membership, token_hash=hash_token(token))
    return feed, token


def feed_revoke(*, user: User, membership: Membership) -> int:
    return CalendarFeed.objects.filter(user=user, membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def current_feed(*, user: User, membership: Membership) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, membership=membership, revoked_at__isnull=True).first()


class FeedGone(Exception):
    """The token existed but was revoked."""


def feed_resolve(token: str) -> tuple[CalendarFeed, Actor] | None:
    """The feed and its actor (from the current membership); None when unknown or the membership ended.

    Raises FeedGone for a revoked token.
    """
    if not token or len(token) > 200:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "membership__organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if feed is None:
        return None
    if feed.revoked_at is not None:
        raise FeedGone
    membership = Membership.objects.active().filter(pk=feed.membership_id, user_id=feed.user_id).first()
    if membership is None:
        return None
    actor = Actor(user=feed.user, membership=membership)
    if not actor.handles_cases:
        return None
    return feed, actor


@dataclass(frozen=True)
class FeedContent:
    ics: str
    person_ids: list[int]


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def feed_content(actor: Actor, *, host: str, today: dt.date | None = None) -> FeedContent:
    """The VCALENDAR of the actor: own appointments, open deadlines of the persons they accompany."""
    today = today or timezone.localdate()
    now = timezone.now()
    deadlines = open_deadlines(actor, persons_in_scope(actor, SCOPE_MINE))
    appointments = list(
        upcoming_appointments(
            actor, since=now - dt.timedelta(days=PAST_DAYS), until=now + dt.timedelta(days=FUTURE_DAYS)
        )
    )
    domain = host.split(":")[0]
    stamp = _stamp(dt.datetime.now(dt.UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ancrage//A faire//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(_('Ancrage — À faire'))}",
    ]
    for deadline in deadlines:
        label = SHORT_LABELS.get(deadline.code, deadline.get_code_display())
        summary = _("%(what)s — %(name)s") % {"what": label, "name": short_name(deadline.person.display_name)}
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{deadline.pk}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(deadline.due_on)}",
            f"DTEND;VALUE=DATE:{_date(deadline.due_on + dt.timedelta(days=1))}",
            f"SUMMARY:{_escape(summary)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    for appointment in appointments:
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{appointment.pk}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.ends_at)}",
            f"SUMMARY:{_escape(_('Rendez-vous — %(name)s') % {'name': short_name(appointment.person.display_name)})}",
            f"LOCATION:{_escape(appointment.location)}",
            "STATUS:CONFIRMED",
            f"SEQUENCE:{appointment.version}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    ics = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    person_ids = sorted({d.person_id for d in deadlines} | {a.person_id for a in appointments})
    return FeedContent(ics=ics, person_ids=person_ids)


def feed_read(feed: CalendarFeed, actor: Actor, *, host: str) -> FeedContent:
    """Serve the feed: content, audit event (ids of the persons included), last use."""
    content = feed_content(actor, host=host)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            event="agenda.feed.read",
            obj=feed,
            details={"ids": content.person_ids},
        )
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return content
