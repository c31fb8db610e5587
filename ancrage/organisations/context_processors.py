from django.http import HttpRequest

from .models import Membership


def actor(request: HttpRequest) -> dict:
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "other_memberships": []}

    def others() -> list[Membership]:
        memberships = Membership.objects.active().filter(user=current.user).select_related("organisation")
        if current.membership is not None:
            memberships = memberships.exclude(pk=current.membership.pk)
        return list(memberships)

    def unread() -> int:
        from ancrage.notifications.models import Notification

        return Notification.objects.filter(user=current.user, read_at__isnull=True).count()

    return {"actor": current, "other_memberships": others, "unread_notifications": unread}
