"""ProConnect (the State's OpenID Connect provider for public agents) as a way to sign in.

Configured by ``PROCONNECT_*`` settings (from the environment, see ``settings.py``); off unless the
client id, the client secret and the issuer are all set. Endpoints come from the issuer's discovery
document unless given explicitly.

Signing in never creates an account: the e-mail ProConnect vouches for must be an active user's
(case-insensitive) **and** the SIRET it reports must be that of an organisation where the user has an
active membership, which becomes the current organisation. Every refused attempt is written to the
access log with its reason.
"""

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record

from .actor import Actor
from .models import Membership, User

LOGGER = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
# Set on the request by the backend when it refuses someone; read by the callback view for the message.
REFUSAL_ATTRIBUTE = "proconnect_refusal"
# Set on the user the backend returns: the membership to act through after signing in.
MEMBERSHIP_ATTRIBUTE = "proconnect_membership_id"


class Refusal:
    """Why a ProConnect sign-in was refused (the codes stored in the access log)."""

    UNKNOWN_USER = "unknown_user"
    NO_MEMBERSHIP = "no_membership"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a reason code
    INVALID_STATE = "invalid_state"
    PROVIDER_ERROR = "provider_error"
    CANCELLED = "cancelled"


class ProConnectUnavailable(Exception):
    """The provider could not be reached or its discovery document is unusable."""


@dataclass(frozen=True)
class ProConnectConfig:
    client_id: str
    client_secret: str
    issuer: str
    scopes: str
    acr_values: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_endpoint: str
    end_session_endpoint: str
    timeout: float


def _setting(name: str, default: Any = "") -> Any:
    return getattr(settings, name, default) or default


def proconnect_enabled() -> bool:
    """ProConnect is offered only when the client id, its secret and the issuer are configured."""
    return bool(
        _setting("PROCONNECT_CLIENT_ID") and _setting("PROCONNECT_CLIENT_SECRET") and _setting("PROCONNECT_ISSUER")
    )


def _discover(issuer: str, timeout: float) -> dict[str, Any]:
    url = issuer.rstrip("/") + DISCOVERY_PATH
    key = "proconnect-discovery:" + url
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProConnectUnavailable(f"discovery failed: {error}") from error
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise ProConnectUnavailable("discovery document does not match the issuer")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def proconnect_config() -> ProConnectConfig:
    """The provider's configuration: explicit settings first, the discovery document for the rest."""
    issuer = _setting("PROCONNECT_ISSUER")
    timeout = float(_setting("PROCONNECT_TIMEOUT", 10))
    explicit = {
        "authorization_endpoint": _setting("PROCONNECT_AUTHORIZATION_ENDPOINT"),
        "token_endpoint": _setting("PROCONNECT_TOKEN_ENDPOINT"),
        "userinfo_endpoint": _setting("PROCONNECT_USERINFO_ENDPOINT"),
        "jwks_uri": _setting("PROCONNECT_JWKS_ENDPOINT"),
        "end_session_endpoint": _setting("PROCONNECT_END_SESSION_ENDPOINT"),
    }
    required = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
    if not all(explicit[name] for name in required):
        document = _discover(issuer, timeout)
        explicit = {name: value or str(document.get(name) or "") for name, value in explicit.items()}
        if not all(explicit[name] for name in required):
            raise ProConnectUnavailable("discovery document lacks an endpoint")
    return ProConnectConfig(
        client_id=_setting("PROCONNECT_CLIENT_ID"),
        client_secret=_setting("PROCONNECT_CLIENT_SECRET"),
        issuer=issuer,
        scopes=_setting("PROCONNECT_SCOPES", "openid email given_name usual_name siret"),
        acr_values=_setting("PROCONNECT_ACR_VALUES"),
        authorization_endpoint=explicit["authorization_endpoint"],
        token_endpoint=explicit["token_endpoint"],
        userinfo_endpoint=explicit["userinfo_endpoint"],
        jwks_endpoint=explicit["jwks_uri"],
        end_session_endpoint=explicit["end_session_endpoint"],
        timeout=timeout,
    )


def proconnect_origin() -> str:
    """``scheme://host`` of the provider (for the Content-Security-Policy), or "" when off."""
    parts = urlsplit(_setting("PROCONNECT_ISSUER"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def oidc_setting(attr: str, *args: Any) -> Any:
    """What mozilla-django-oidc asks its settings for, answered from the ProConnect configuration."""
    if attr in _STATIC_OIDC_SETTINGS:
        return _STATIC_OIDC_SETTINGS[attr]
    if attr == "LOGIN_REDIRECT_URL_FAILURE":
        return reverse("accounts:login")
    if attr in _CONFIG_OIDC_SETTINGS:
        config = proconnect_config()
        if attr == "OIDC_AUTH_REQUEST_EXTRA_PARAMS":
            return {"acr_values": config.acr_values} if config.acr_values else {}
        return getattr(config, _CONFIG_OIDC_SETTINGS[attr])
    return import_from_settings(attr, *args)


_STATIC_OIDC_SETTINGS: dict[str, Any] = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_AUTHENTICATION_CALLBACK_URL": "proconnect:callback",
    "OIDC_USE_NONCE": True,
    "OIDC_CREATE_USER": False,
    "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint ProConnect's end_session needs
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_VERIFY_SSL": True,
    "OIDC_VERIFY_KID": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_RP_IDP_SIGN_KEY": None,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
    "OIDC_USE_PKCE": False,
    "OIDC_REDIRECT_FIELD_NAME": "next",
}
_CONFIG_OIDC_SETTINGS = {
    "OIDC_RP_CLIENT_ID": "client_id",
    "OIDC_RP_CLIENT_SECRET": "client_secret",
    "OIDC_RP_SCOPES": "scopes",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_endpoint",
    "OIDC_TIMEOUT": "timeout",
    "OIDC_AUTH_REQUEST_EXTRA_PARAMS": "",
}


def proconnect_attempt_record(
    *, reason: str, user: User | None = None, membership: Membership | None = None, siret: str = ""
) -> None:
    """Write a ProConnect sign-in to the access log: a success (no reason) or a refusal and why."""
    with transaction.atomic():
        actor = None if user is None else Actor(user=user, membership=membership)
        audit_record(
            actor=actor,
            action=AuditAction.LOGIN_FAILED if reason else AuditAction.LOGIN,
            event="proconnect_login_refused" if reason else "proconnect_login",
            details={"reason": reason, "siret": siret} if reason else {"siret": siret},
        )


def proconnect_membership_for(*, email: str, siret: str) -> tuple[User | None, Membership | None]:
    """The active user with this e-mail and their active membership in the organisation with this SIRET."""
    email = (email or "").strip()
    if not email:
        return None, None
    users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(users) != 1:
        return None, None
    user = users[0]
    if not siret:
        return user, None
    membership = (
        Membership.objects.active()
        .filter(user=user, organisation__siret=siret)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return user, membership


def _normalise_siret(value: Any) -> str:
    return re.sub(r"\s", "", str(value or ""))


class ProConnectBackend(OIDCAuthenticationBackend):
    """Signs in an existing user vouched for by ProConnect, through the membership the SIRET designates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the provider's endpoints here; this backend is listed even when ProConnect is
        # off (Django instantiates every backend for each password sign-in), so they are read lazily.
        self.UserModel = User

    get_settings = staticmethod(oidc_setting)

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, nonce: str | None = None, code_verifier: str | None = None
    ) -> User | None:
        """Only answers the ProConnect callback (a nonce is always sent); password sign-ins skip it."""
        if request is None or nonce is None or not proconnect_enabled():
            return None
        self.request = request
        try:
            config = proconnect_config()
            self.OIDC_OP_TOKEN_ENDPOINT = config.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = config.userinfo_endpoint
            self.OIDC_OP_JWKS_ENDPOINT = config.jwks_endpoint
            self.OIDC_RP_CLIENT_ID = config.client_id
            self.OIDC_RP_CLIENT_SECRET = config.client_secret
            self.OIDC_RP_SIGN_ALGO = "RS256"
            self.OIDC_RP_IDP_SIGN_KEY = None
            self._config = config
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except _Refused as refused:
            self._refuse(refused.reason, user=refused.user, siret=refused.siret)
            return None
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError) as error:
            LOGGER.warning("ProConnect token refused: %s", error)
            self._refuse(Refusal.INVALID_TOKEN)
            return None
        except (requests.RequestException, ProConnectUnavailable) as error:
            LOGGER.warning("ProConnect unavailable: %s", error)
            self._refuse(Refusal.PROVIDER_ERROR)
            return None

    def _refuse(self, reason: str, *, user: User | None = None, siret: str = "") -> None:
        setattr(self.request, REFUSAL_ATTRIBUTE, reason)
        proconnect_attempt_record(reason=reason, user=user, siret=siret)
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The signature and nonce (by the library), then the issuer, the audience and the expiry."""
        payload = super().verify_token(token, **kwargs)
        is_id_token = "nonce" in kwargs
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if (is_id_token or "aud" in payload) and self._config.client_id not in audiences:
            raise SuspiciousOperation("ProConnect token audience mismatch")
        if (is_id_token or "iss" in payload) and payload.get("iss", "").rstrip("/") != self._config.issuer.rstrip("/"):
            raise SuspiciousOperation("ProConnect token issuer mismatch")
        if is_id_token and "exp" not in payload:
            raise SuspiciousOperation("ProConnect ID token without expiry")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        # The library turns a SuspiciousOperation raised here into a silent failure: refuse explicitly.
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except (SuspiciousOperation, jwt.PyJWTError, ValueError) as error:
            LOGGER.warning("ProConnect userinfo refused: %s", error)
            raise _Refused(Refusal.INVALID_TOKEN) from error
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            LOGGER.warning("ProConnect userinfo subject differs from the ID token's")
            raise _Refused(Refusal.INVALID_TOKEN)
        siret = _normalise_siret(claims.get("siret"))
        user, membership = proconnect_membership_for(email=str(claims.get("email") or ""), siret=siret)
        if user is None:
            raise _Refused(Refusal.UNKNOWN_USER, siret=siret)
        if membership is None:
            raise _Refused(Refusal.NO_MEMBERSHIP, user=user, siret=siret)
        setattr(user, MEMBERSHIP_ATTRIBUTE, membership.pk)
        proconnect_attempt_record(reason="", user=user, membership=membership, siret=siret)
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class _Refused(Exception):
    def __init__(self, reason: str, *, user: User | None = None, siret: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.siret = siret
