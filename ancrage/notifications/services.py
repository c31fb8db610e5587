from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.organisations.models import User

from .models import Kind, Notification, Preference


def preferences_for(users: Iterable[User], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) per user; both on unless the user turned them off."""
    ids = [u.pk for u in users]
    stored = {p.user_id: (p.in_app, p.email) for p in Preference.objects.filter(user_id__in=ids, kind=kind)}
    return {pk: stored.get(pk, (True, True)) for pk in ids}


def notify(*, users: Iterable[User], kind: Kind, title: str, url: str, base_url: str = "") -> None:
    """Notify users in the app and by e-mail, as each prefers; runs after the current transaction commits."""
    recipients = [u for u in users if u.is_active]
    if not recipients:
        return

    def deliver() -> None:
        prefs = preferences_for(recipients, kind)
        Notification.objects.bulk_create(
            [Notification(user=u, kind=kind, title=title, url=url) for u in recipients if prefs[u.pk][0]]
        )
        body = _(
            "%(title)s\n\nVoir dans Ancrage : %(link)s\n\nVous pouvez choisir vos notifications dans votre compte."
        ) % {
            "title": title,
            "link": (base_url or getattr(settings, "SITE_URL", "")) + url,
        }
        messages = [
            (_("Ancrage — %(title)s") % {"title": title}, body, settings.DEFAULT_FROM_EMAIL, [u.email])
            for u in recipients
            if prefs[u.pk][1]
        ]
        if messages:
            send_mass_mail(messages, fail_silently=True)

    transaction.on_commit(deliver)


def mark_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """The user's own choice, per kind of notification: (in the application, by e-mail)."""
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(user=user, kind=Kind(kind), defaults={"in_app": in_app, "email": email})
