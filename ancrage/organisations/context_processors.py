from django.http import HttpRequest

from .models import Membership


def actor(request: HttpRequest) -> dict:
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "other_memberships": []}

    def others() -> list[Membership]:
        return list(
            Membership.objects.active()
            .filter(user=current.user)
            .exclude(pk=current.membership.pk if current.membership else None)
            .select_related("organisation")
        )

    return {"actor": current, "other_memberships": others}
