"""Signing in with ProConnect, against a local OpenID Connect provider (tests/security/oidc_provider.py).

An agent is let in only when ProConnect's e-mail is an active user's and its SIRET is that of an
organisation where they have an active membership; never a silent account creation, every refusal
explained in French on the login page and written to the access log.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY as AUTH_USER_SESSION_KEY
from django.contrib.auth import authenticate
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.organisations.actor import SESSION_KEY
from ancrage.organisations.models import User
from tests.conftest import verify_session
from tests.factories import MembershipFactory, OrganisationFactory

from .oidc_provider import OIDCProvider

AGIR_SIRET = "77567227200015"
OTHER_SIRET = "34272584000019"
NEW_SIRET = "41001399300019"


@pytest.fixture
def provider():
    provider = OIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def proconnect(settings, provider, cast):
    """ProConnect configured with the local provider (endpoints from its discovery document)."""
    cache.clear()
    settings.PROCONNECT_CLIENT_ID = provider.client_id
    settings.PROCONNECT_CLIENT_SECRET = provider.client_secret
    settings.PROCONNECT_ISSUER = provider.issuer
    settings.PROCONNECT_ACR_VALUES = "eidas1"
    cast.agir.siret = AGIR_SIRET
    cast.agir.save(update_fields=["siret"])
    cast.other_association.siret = OTHER_SIRET
    cast.other_association.save(update_fields=["siret"])
    provider.claims = {
        "email": "Amina.Referente@Demo.Ancrage.FR",  # ProConnect's case, not ours
        "given_name": "Amina",
        "usual_name": "Benali",
        "siret": AGIR_SIRET,
    }
    yield provider
    cache.clear()


def sign_in(client, provider: OIDCProvider, *, next_url: str = ""):
    """Click "Se connecter avec ProConnect", let the provider answer, come back with its code."""
    start = reverse("proconnect:login") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(provider.issuer + "/authorize?")
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver" and back.path == reverse("proconnect:callback")
    return client.get(f"{back.path}?{back.query}")


def signed_in_user_id(client) -> int | None:
    value = client.session.get(AUTH_USER_SESSION_KEY)
    return int(value) if value else None


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def last_refusal() -> AuditEvent:
    return AuditEvent.objects.filter(event="proconnect_login_refused").latest("id")


# --- off unless configured ------------------------------------------------------------------------


def test_proconnect_is_off_when_not_configured(client, settings, cast):
    settings.PROCONNECT_CLIENT_ID = ""
    settings.PROCONNECT_CLIENT_SECRET = ""
    settings.PROCONNECT_ISSUER = ""
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "ProConnect" not in page.content.decode()
    assert client.get(reverse("proconnect:login")).status_code == 404
    assert client.get(reverse("proconnect:callback") + "?code=x&state=y").status_code == 404


def test_proconnect_needs_its_secret_too(client, settings, provider, cast):
    settings.PROCONNECT_CLIENT_ID = provider.client_id
    settings.PROCONNECT_CLIENT_SECRET = ""
    settings.PROCONNECT_ISSUER = provider.issuer
    assert client.get(reverse("proconnect:login")).status_code == 404


def test_login_page_offers_proconnect_when_configured(client, proconnect):
    page = client.get(reverse("accounts:login") + "?next=/personnes/").content.decode()
    assert "Se connecter avec ProConnect" in page
    assert reverse("proconnect:login") + "?next=/personnes/" in page


# --- success --------------------------------------------------------------------------------------


def test_agent_signs_in_by_email_and_siret_then_passes_the_second_factor(client, proconnect, cast):
    response = sign_in(client, proconnect, next_url="/personnes/")

    # The authorization request carried what ProConnect needs, state and nonce included.
    request = proconnect.authorize_requests[-1]
    assert request["scope"] == "openid email given_name usual_name siret"
    assert request["acr_values"] == "eidas1"
    assert request["redirect_uri"] == "http://testserver" + reverse("proconnect:callback")
    assert request["state"] and request["nonce"]

    assert signed_in_user_id(client) == cast.amina.user.pk
    assert client.session[SESSION_KEY] == cast.amina.membership.pk
    # ProConnect is the first factor only: the local second factor comes next (Amina has no device yet).
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_enrol"))
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("persons:list")).status_code == 302

    # Once the second factor is verified, she works for the organisation of the SIRET.
    verify_session(client, cast.amina.user)
    page = client.get(reverse("persons:list"))
    assert page.status_code == 200
    assert page.context["actor"].membership == cast.amina.membership

    event = AuditEvent.objects.get(event="proconnect_login")
    assert event.action == AuditAction.LOGIN
    assert event.user_id == cast.amina.user.pk and event.organisation_id == cast.agir.pk
    assert event.details["siret"] == AGIR_SIRET


def test_the_siret_chooses_the_current_organisation_among_several(client, proconnect, cast):
    second = OrganisationFactory(name="Centre d'hébergement", siret=NEW_SIRET)
    membership = MembershipFactory(user=cast.amina.user, organisation=second, role="referent")
    proconnect.claims["siret"] = NEW_SIRET

    sign_in(client, proconnect)

    assert signed_in_user_id(client) == cast.amina.user.pk
    assert client.session[SESSION_KEY] == membership.pk


def test_plain_json_userinfo_is_accepted_too(client, proconnect, cast):
    proconnect.userinfo_as_jwt = False
    sign_in(client, proconnect)
    assert signed_in_user_id(client) == cast.amina.user.pk


# --- refusals -------------------------------------------------------------------------------------


def assert_refused(response, client, *, reason: str, message: str) -> AuditEvent:
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert signed_in_user_id(client) is None
    assert any(message in m for m in error_messages(response)), error_messages(response)
    event = last_refusal()
    assert event.action == AuditAction.LOGIN_FAILED
    assert event.details["reason"] == reason
    return event


def test_unknown_email_is_refused_and_no_account_is_created(client, proconnect, cast):
    proconnect.claims["email"] = "inconnu@interieur.gouv.fr"
    users_before = User.objects.count()

    response = sign_in(client, proconnect)

    assert_refused(response, client, reason="unknown_user", message="Aucun compte Ancrage actif")
    assert User.objects.count() == users_before
    # The message is shown on the login page.
    page = client.get(response["Location"])
    assert "Aucun compte Ancrage actif ne correspond" in page.content.decode()


def test_inactive_user_is_refused(client, proconnect, cast):
    cast.amina.user.is_active = False
    cast.amina.user.save(update_fields=["is_active"])
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="unknown_user", message="Aucun compte Ancrage actif")


def test_siret_of_an_organisation_she_does_not_belong_to_is_refused(client, proconnect, cast):
    proconnect.claims["siret"] = OTHER_SIRET  # Hugo's association
    response = sign_in(client, proconnect)
    event = assert_refused(response, client, reason="no_membership", message="SIRET transmis par ProConnect")
    assert event.user_id == cast.amina.user.pk
    assert event.details["siret"] == OTHER_SIRET


def test_unknown_or_missing_siret_is_refused(client, proconnect, cast):
    proconnect.claims["siret"] = NEW_SIRET
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="no_membership", message="SIRET transmis par ProConnect")
    del proconnect.claims["siret"]
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="no_membership", message="SIRET transmis par ProConnect")


def test_inactive_membership_is_refused(client, proconnect, cast):
    cast.amina.membership.is_active = False
    cast.amina.membership.save(update_fields=["is_active"])
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="no_membership", message="SIRET transmis par ProConnect")


def test_inactive_organisation_is_refused(client, proconnect, cast):
    cast.agir.is_active = False
    cast.agir.save(update_fields=["is_active"])
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="no_membership", message="SIRET transmis par ProConnect")


@pytest.mark.parametrize("tamper", ["signature", "nonce", "audience", "issuer", "expired"])
def test_a_tampered_id_token_is_refused(client, proconnect, cast, tamper):
    proconnect.tamper = tamper
    response = sign_in(client, proconnect)
    assert_refused(response, client, reason="invalid_token", message="n'a pas pu être vérifiée")
    assert not AuditEvent.objects.filter(event="proconnect_login").exists()


def test_a_forged_state_is_refused_without_an_error_page(client, proconnect, cast):
    client.get(reverse("proconnect:login"))  # a real state in the session, but not this one
    response = client.get(reverse("proconnect:callback") + "?code=stolen&state=forged")
    assert_refused(response, client, reason="invalid_state", message="a expiré ou a déjà été utilisée")


def test_a_code_replayed_in_another_browser_is_refused(client, proconnect, cast, django_user_model):
    from django.test import Client

    response = client.get(reverse("proconnect:login"))
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    other = Client()  # no state in its session
    response = other.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert other.session.get(AUTH_USER_SESSION_KEY) is None
    assert last_refusal().details["reason"] == "invalid_state"


def test_cancelling_at_proconnect_explains_it(client, proconnect, cast):
    client.get(reverse("proconnect:login"))
    response = client.get(reverse("proconnect:callback") + "?error=access_denied&state=whatever")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert any("annulée" in m for m in error_messages(response))


def test_an_unreachable_provider_is_explained(client, settings, cast):
    cache.clear()
    settings.PROCONNECT_CLIENT_ID = "ancrage"
    settings.PROCONNECT_CLIENT_SECRET = "secret"
    settings.PROCONNECT_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.PROCONNECT_TIMEOUT = 2
    response = client.get(reverse("proconnect:login"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert any("momentanément indisponible" in m for m in error_messages(response))


def test_password_sign_in_still_works_with_the_proconnect_backend_listed(rf, proconnect, cast):
    request = rf.post(reverse("accounts:login"))
    user = authenticate(request, username=cast.amina.user.email, password="demo-ancrage")
    assert user == cast.amina.user
    assert not AuditEvent.objects.filter(event__startswith="proconnect").exists()


# --- logout ---------------------------------------------------------------------------------------


def test_logout_also_ends_the_proconnect_session(client, proconnect, cast):
    sign_in(client, proconnect)
    verify_session(client, cast.amina.user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == proconnect.issuer + "/session/end"
    query = {k: v[0] for k, v in parse_qs(end.query).items()}
    assert query["id_token_hint"].count(".") == 2
    assert query["post_logout_redirect_uri"] == "http://testserver" + reverse("accounts:login")
    assert signed_in_user_id(client) is None
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.headers["Location"] == query["post_logout_redirect_uri"]


def test_logout_after_a_password_sign_in_stays_local(proconnect, cast, as_persona):
    client = as_persona(cast.amina)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert proconnect.end_session_requests == []
