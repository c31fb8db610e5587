"""Sign in with ProConnect: the redirect to the provider, its callback, and the end of its session.

Both URLs answer 404 while ProConnect is not configured (see ``ancrage.organisations.proconnect``).
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import DEVICE_ID_SESSION_KEY
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ancrage.organisations import two_factor
from ancrage.organisations.actor import SESSION_KEY
from ancrage.organisations.proconnect import (
    MEMBERSHIP_ATTRIBUTE,
    REFUSAL_ATTRIBUTE,
    ProConnectUnavailable,
    Refusal,
    oidc_setting,
    proconnect_attempt_record,
    proconnect_config,
    proconnect_enabled,
)

# Where the ID token is kept for the end of the ProConnect session (mozilla-django-oidc's key).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key

REFUSAL_MESSAGES = {
    Refusal.UNKNOWN_USER: _(
        "Aucun compte Ancrage actif ne correspond à l'adresse e-mail transmise par ProConnect. "
        "Demandez à l'administrateur de votre organisation de vous inviter avec cette adresse."
    ),
    Refusal.NO_MEMBERSHIP: _(
        "Votre compte Ancrage n'est rattaché à aucune organisation active portant le SIRET transmis par "
        "ProConnect. Vérifiez l'établissement choisi dans ProConnect ou contactez l'administrateur de "
        "votre organisation."
    ),
    Refusal.INVALID_TOKEN: _("La réponse de ProConnect n'a pas pu être vérifiée. Veuillez réessayer."),
    Refusal.INVALID_STATE: _("La connexion avec ProConnect a expiré ou a déjà été utilisée. Veuillez réessayer."),
    Refusal.PROVIDER_ERROR: _("ProConnect est momentanément indisponible. Veuillez réessayer plus tard."),
    Refusal.CANCELLED: _("La connexion avec ProConnect a été annulée ou a échoué."),
}


def _unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(request, REFUSAL_MESSAGES[Refusal.PROVIDER_ERROR])
    return redirect("accounts:login")


class ProConnectLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to ProConnect with a fresh state and nonce (kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The parent reads the endpoint from the settings at instantiation: done in get() instead.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not proconnect_enabled():
            raise Http404
        if request.user.is_authenticated:
            return redirect("home")
        try:
            config = proconnect_config()
        except ProConnectUnavailable:
            return _unavailable(request)
        self.OIDC_OP_AUTH_ENDPOINT = config.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = config.client_id
        return super().get(request)


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """ProConnect's answer: the backend checks the tokens and matches the user and the organisation."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not proconnect_enabled():
            raise Http404
        if request.GET.get("error"):
            setattr(request, REFUSAL_ATTRIBUTE, Refusal.CANCELLED)
        try:
            return super().get(request)
        except SuspiciousOperation:
            # The state is not one this browser was given (replayed, forged or from another session).
            setattr(request, REFUSAL_ATTRIBUTE, Refusal.INVALID_STATE)
            proconnect_attempt_record(reason=Refusal.INVALID_STATE)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        if "code" in self.request.GET and not hasattr(self.request, REFUSAL_ATTRIBUTE):
            # A code without any state this browser started (e.g. an expired session).
            setattr(self.request, REFUSAL_ATTRIBUTE, Refusal.INVALID_STATE)
            proconnect_attempt_record(reason=Refusal.INVALID_STATE)
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, Refusal.CANCELLED)
        messages.error(self.request, REFUSAL_MESSAGES.get(reason, REFUSAL_MESSAGES[Refusal.CANCELLED]))
        return redirect("accounts:login")

    def login_success(self) -> HttpResponse:
        """Sign in through the membership the SIRET designates; the local second factor still comes next."""
        membership_id = getattr(self.user, MEMBERSHIP_ATTRIBUTE, None)
        response = super().login_success()
        # ProConnect vouches for the first factor only: the session is not verified until the local
        # second factor is (see ancrage.organisations.two_factor).
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        if membership_id is not None:
            self.request.session[SESSION_KEY] = membership_id
        if two_factor.user_requires_two_factor(self.user):
            return redirect(two_factor.two_factor_url(self.user, self.success_url))
        return response


def proconnect_logout_url(request: HttpRequest) -> str | None:
    """Where to send a user signed in with ProConnect on logout to end that session too (call before logout)."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token or not proconnect_enabled():
        return None
    try:
        endpoint = proconnect_config().end_session_endpoint
    except ProConnectUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
        }
    )
    return f"{endpoint}?{query}"


def proconnect_logout_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    url = proconnect_logout_url(request)
    return HttpResponseRedirect(url) if url else None


app_name = "proconnect"
urlpatterns = [
    path("connexion/", login_not_required(ProConnectLoginView.as_view()), name="login"),
    path("retour/", login_not_required(ProConnectCallbackView.as_view()), name="callback"),
]
