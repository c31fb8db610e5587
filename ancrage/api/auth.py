"""Who calls the API: a personal token (``Authorization: Bearer <key>``) or a signed-in session.

Both resolve to an :class:`~ancrage.organisations.actor.Actor`, stored by ninja in ``request.auth``
(and in ``request.actor``, as for the web pages). Every access decision is then taken by
``ancrage.access.perms`` and the selectors, exactly as on the web pages.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from ancrage.organisations.actor import Actor
from ancrage.organisations.models import ApiToken, Membership

from .errors import CODE_INVALID_TOKEN, CODE_OTP_REQUIRED, ApiError
from .services import api_token_used


class TokenAuth(HttpBearer):
    """A personal API token, bound to one membership; usable (not revoked, not expired) and active.

    A request that carries an ``Authorization`` header is authenticated by it alone: a missing, unknown,
    revoked or expired token, or another scheme than Bearer, answers 401 even if the request also carries
    a valid session cookie (never a silent fall back to the session).
    """

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if header is None:
            return None  # no Authorization header: let the session try
        scheme, _sep, token = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise ApiError(
                401,
                _("En-tête « Authorization » invalide : « Bearer <jeton> » attendu."),
                CODE_INVALID_TOKEN,
            )
        result = self.authenticate(request, token)
        if result is None:
            raise ApiError(401, _("Jeton d'API invalide, expiré ou révoqué."), CODE_INVALID_TOKEN)
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
        api_token_used(api_token, timezone.now())
        actor = Actor(user=api_token.membership.user, membership=api_token.membership)
        request.actor = actor  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return actor


class SessionActorAuth(SessionAuth):
    """The Django session; the current organisation is the one chosen at login (``request.actor``).

    Unsafe methods need the CSRF token (ninja's check, answered 403). Only a signed-in session is checked
    for it: an anonymous call answers 401, not a CSRF 403. When two-factor authentication is on
    (``django_otp.middleware.OTPMiddleware`` gives ``request.user.is_verified``), a session that has not
    passed its second factor is refused (401) when the user must use one, as it is refused by the pages.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        is_verified = getattr(request.user, "is_verified", None)
        if callable(is_verified) and not is_verified() and _requires_two_factor(request.user):
            raise ApiError(
                401,
                _(
                    "Double authentification requise : connectez-vous avec votre second facteur, ou utilisez un "
                    "jeton d'API."
                ),
                CODE_OTP_REQUIRED,
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        actor = getattr(request, "actor", None)
        if actor is None:
            actor = Actor(user=request.user, membership=None)  # type: ignore[arg-type]
            request.actor = actor  # type: ignore[attr-defined]
        return actor


def _requires_two_factor(user: Any) -> bool:
    """The pages' rule (``ancrage.organisations.two_factor``) when it exists; otherwise every user."""
    try:
        from ancrage.organisations.two_factor import user_requires_two_factor
    except ImportError:
        return True
    return user_requires_two_factor(user)


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated actor of an API request (set by one of the auth classes above)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise AuthenticationError
    return actor
