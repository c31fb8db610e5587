"""Who calls the API: a personal token (``Authorization: Bearer <key>``) or a signed-in session.

Both resolve to an :class:`~ancrage.organisations.actor.Actor`, stored by ninja in ``request.auth``
(and in ``request.actor``, as for the web pages). Every access decision is then taken by
``ancrage.access.perms`` and the selectors, exactly as on the web pages.
"""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from ancrage.organisations.actor import Actor
from ancrage.organisations.models import ApiToken, Membership

# ``last_used_at`` is refreshed at most this often, so a burst of calls does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """A personal API token, bound to one membership; usable (not revoked, not expired) and active."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if header.split(" ", 1)[0].lower() != self.openapi_scheme:
            return None  # no bearer token: let the session try
        result = super().__call__(request)
        if result is None:
            # A bearer token was presented and is not valid: never fall back to the session.
            raise AuthenticationError
        return result

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        token = token.strip()
        if not token:
            return None
        api_token = (
            ApiToken.objects.usable()
            .filter(key_hash=ApiToken.hash_key(token), membership__in=Membership.objects.active().values("pk"))
            .select_related("membership__organisation", "membership__user")
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        actor = Actor(user=api_token.membership.user, membership=api_token.membership)
        request.actor = actor  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return actor


class SessionActorAuth(SessionAuth):
    """The Django session; the current organisation is the one chosen at login (``request.actor``).

    ninja checks the CSRF token for unsafe methods.
    """

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        actor = getattr(request, "actor", None)
        if actor is None:
            actor = Actor(user=request.user, membership=None)  # type: ignore[arg-type]
            request.actor = actor  # type: ignore[attr-defined]
        return actor


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated actor of an API request (set by one of the auth classes above)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise AuthenticationError
    return actor
