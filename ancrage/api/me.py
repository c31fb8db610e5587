"""The caller: user, current organisation, role."""

from typing import Any

from django.http import HttpRequest

from .auth import actor_of
from .errors import ApiRouter
from .schemas import ErrorOut, MeOut

router = ApiRouter(tags=["compte"])


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    summary="Appelant",
    description="L'utilisateur authentifié, son organisation courante et son rôle.",
)
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    user, membership, organisation = actor.user, actor.membership, actor.organisation
    return {
        "user": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_platform_admin": actor.is_platform_admin,
        },
        "organisation": (
            {
                "id": organisation.pk,
                "name": organisation.name,
                "short_name": organisation.short_name,
                "kind": organisation.kind,
            }
            if organisation
            else None
        ),
        "role": actor.role,
        "role_label": str(membership.get_role_display()) if membership else None,
        "can_access_health": actor.can_access_health,
        "authentication": "token" if getattr(request, "api_token", None) else "session",
    }
