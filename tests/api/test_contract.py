"""The API's contract: one error body everywhere, documented on every operation; tokens and sessions.

Every error answer is ``ErrorOut`` (``detail`` in French, ``code``, ``errors``, ``version``); the OpenAPI
document declares on each operation the errors it can give, with that schema. A request that carries an
``Authorization`` header is judged on it alone, whatever session cookie comes with it; a session call
needs its CSRF token for writes and, with two-factor authentication on, a verified second factor.
"""

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ancrage.api.api import api
from ancrage.api.errors import ApiRouter
from ancrage.api.schemas import ErrorOut
from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import ApiToken
from ancrage.referrals.models import Referral, ReferralStatus
from tests.conftest import login

PERSONS = "/api/v1/persons"
REFERRALS = "/api/v1/referrals"
ERROR_REF = "#/components/schemas/ErrorOut"
ERROR_KEYS = {"detail", "code", "errors", "version"}


def bearer(persona) -> dict[str, str]:
    _token, key = ApiToken.issue(membership=persona.membership, name="contrat")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client: Client, url: str, body: Any, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


def error(response, status: int, code: str) -> dict[str, Any]:
    """The response is an error with that status and code, and its body is exactly ``ErrorOut``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    ErrorOut.model_validate(body)
    assert body["code"] == code
    assert body["detail"]
    return body


# --- the OpenAPI document -----------------------------------------------------------------------------


def _operations():
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


def test_every_operation_documents_the_errors_it_can_give():
    missing = []
    for path, method, operation in _operations():
        responses = {str(status) for status in operation["responses"]}
        takes_input = bool(operation.get("parameters")) or "requestBody" in operation
        expected = {"401"} | ({"422"} if takes_input else set())
        expected |= {"404"} if "{" in path else set()
        expected |= {"403", "400"} if method in {"POST", "PUT", "PATCH", "DELETE"} else set()
        if not expected <= responses:
            missing.append((method, path, sorted(expected - responses)))
    assert not missing


def test_every_documented_error_uses_the_error_schema():
    wrong = []
    for path, method, operation in _operations():
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != ERROR_REF:
                wrong.append((method, path, status, schema))
    assert not wrong


def test_the_error_schema_is_documented_with_its_items():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == ERROR_KEYS
    assert set(schemas["ErrorOut"]["required"]) == {"detail", "code"}
    assert set(schemas["ErrorItem"]["properties"]) == {"loc", "msg", "type"}


def test_every_router_documents_errors_by_default():
    """New endpoints get the error responses without thinking about it: every router is an ApiRouter."""
    routers = [router for _prefix, router in api._routers if router.path_operations]
    assert routers
    assert all(isinstance(router, ApiRouter) for router in routers)


# --- the error body, path by path --------------------------------------------------------------------


def test_invalid_query_parameters_answer_422_in_french(cast, client):
    response = client.get(PERSONS, {"page": 0, "page_size": "beaucoup"}, **bearer(cast.amina))
    body = error(response, 422, "validation_error")
    assert body["detail"] == "La requête contient des données invalides."
    assert sorted(body["errors"], key=lambda e: e["loc"]) == [
        {"loc": ["query", "page"], "msg": "La valeur doit être supérieure ou égale à 1.", "type": "greater_than_equal"},
        {"loc": ["query", "page_size"], "msg": "Nombre entier attendu.", "type": "int_parsing"},
    ]


def test_invalid_path_parameter_answers_422(cast, client):
    body = error(client.get(f"{PERSONS}/abc", **bearer(cast.amina)), 422, "validation_error")
    assert body["errors"] == [{"loc": ["path", "person_id"], "msg": "Nombre entier attendu.", "type": "int_parsing"}]


def test_an_incomplete_body_names_each_missing_field(cast, client):
    body = error(post(client, REFERRALS, {"reason": "x" * 3001}, **bearer(cast.amina)), 422, "validation_error")
    by_field = {tuple(e["loc"]): e for e in body["errors"]}
    assert by_field[("body", "person_id")] == {
        "loc": ["body", "person_id"],
        "msg": "Ce champ est obligatoire.",
        "type": "missing",
    }
    assert by_field[("body", "service_id")]["type"] == "missing"
    assert by_field[("body", "reason")]["msg"] == "Au plus 3000 caractères."
    assert not Referral.objects.exists()


def test_a_business_rule_answers_422_with_the_same_body(cast, followed, service, client):
    body = {"person_id": followed.pk, "service_id": service.pk + 1000, "reason": "Emploi", "sections": []}
    data = error(post(client, REFERRALS, body, **bearer(cast.amina)), 422, "validation_error")
    assert data["errors"] == [
        {"loc": ["body", "service_id"], "msg": "Ce service n'existe pas dans l'annuaire.", "type": "invalid"}
    ]
    assert data["detail"] == "Ce service n'existe pas dans l'annuaire."


def test_an_unparsable_body_answers_400(cast, client):
    body = error(post(client, REFERRALS, "{pas du json", **bearer(cast.amina)), 400, "bad_request")
    assert body["detail"] == "Corps de requête illisible : JSON attendu."


def test_not_found_answers_the_error_body(cast, client):
    headers = bearer(cast.amina)
    assert error(client.get(f"{PERSONS}/999999", **headers), 404, "not_found")["detail"] == "Introuvable."
    assert error(client.get("/api/v1/nulle-part", **headers), 404, "not_found")["detail"] == "Introuvable."


def test_a_person_not_shared_answers_404_like_a_missing_one(cast, followed, client):
    assert error(client.get(f"{PERSONS}/{followed.pk}", **bearer(cast.marc)), 404, "not_found")


def test_the_wrong_side_answers_403(cast, sent, client):
    response = post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version}, **bearer(cast.amina))
    assert error(response, 403, "permission_denied")["detail"] == "Accès refusé."


def test_a_stale_version_answers_409_with_the_current_version(cast, sent, client):
    marc = bearer(cast.marc)
    assert post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version}, **marc).status_code == 200
    response = post(client, f"{REFERRALS}/{sent.pk}/start", {"version": sent.version}, **marc)
    body = error(response, 409, "conflict")
    assert body["version"] == sent.version + 1
    assert "rechargez" in body["detail"]


def test_an_unexpected_error_answers_json_500(cast, client, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("ancrage.api.me.actor_of", broken)
    quiet = Client(raise_request_exception=False)
    response = quiet.get("/api/v1/me", **bearer(cast.amina))
    body = error(response, 500, "server_error")
    assert "boom" not in body["detail"]


# --- token versus session ----------------------------------------------------------------------------


def test_no_credentials_answer_401(client, db):
    response = client.get(PERSONS)
    assert error(response, 401, "authentication_required")["detail"] == "Authentification requise."
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    ["Bearer anc_not-a-real-token", "Bearer ", "Bearer", "Basic YW1pbmE6ZGVtbw==", "Token abc", ""],
    ids=["unknown-token", "empty-token", "scheme-only", "basic", "other-scheme", "empty-header"],
)
def test_a_bad_authorization_header_is_refused_even_with_a_valid_session(cast, followed, as_persona, header):
    client = as_persona(cast.amina)
    assert client.get(PERSONS).status_code == 200  # the session alone works
    before = AuditEvent.objects.count()
    response = client.get(PERSONS, HTTP_AUTHORIZATION=header)
    assert error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert AuditEvent.objects.count() == before  # nothing was read


def test_a_revoked_token_is_refused_even_with_a_valid_session(cast, followed, as_persona):
    token, key = ApiToken.issue(membership=cast.amina.membership, name="révoqué")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=dt.datetime.now(tz=dt.UTC))
    response = as_persona(cast.amina).get(f"{PERSONS}/{followed.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert error(response, 401, "invalid_token")["detail"] == "Jeton d'API invalide, expiré ou révoqué."


def test_a_valid_token_speaks_for_its_owner_not_for_the_session(cast, followed, as_persona):
    client = as_persona(cast.amina)
    me = client.get("/api/v1/me", **bearer(cast.marc)).json()
    assert (me["user"]["email"], me["authentication"]) == (cast.marc.user.email, "token")
    assert error(client.get(f"{PERSONS}/{followed.pk}", **bearer(cast.marc)), 404, "not_found")


def test_session_writes_need_the_csrf_token(cast, sent):
    client = login(Client(enforce_csrf_checks=True), cast.marc)
    response = post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version})
    assert error(response, 403, "csrf_failed")
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT

    secret = "0123456789abcdefghijklmnopqrstuv"  # the form of a CSRF secret, as a browser holds it
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version}, HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 200, response.content
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.ACCEPTED


def test_token_writes_need_no_csrf_token(cast, sent):
    client = Client(enforce_csrf_checks=True)
    response = post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version}, **bearer(cast.marc))
    assert response.status_code == 200, response.content


def test_an_anonymous_write_answers_401_not_a_csrf_403(sent):
    client = Client(enforce_csrf_checks=True)
    response = post(client, f"{REFERRALS}/{sent.pk}/accept", {"version": sent.version})
    assert error(response, 401, "authentication_required")


# --- two-factor authentication (when django-otp is installed) -------------------------------------------

otp = pytest.mark.skipif(
    "django_otp" not in settings.INSTALLED_APPS, reason="django-otp n'est pas installé dans ce projet"
)


@pytest.fixture
def otp_only(settings):
    """OTPMiddleware without the pages' two-factor middleware: the API's own check answers."""
    middleware = [m for m in settings.MIDDLEWARE if not m.endswith("TwoFactorMiddleware")]
    if "django_otp.middleware.OTPMiddleware" not in middleware:
        position = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        middleware.insert(position, "django_otp.middleware.OTPMiddleware")
    settings.MIDDLEWARE = middleware


def _unverified(client: Client) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    return client


def _verified(client: Client, persona) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=persona.user, name="Téléphone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@otp
def test_an_unverified_session_is_refused_by_the_api(cast, followed, as_persona, otp_only):
    client = _unverified(as_persona(cast.amina))
    body = error(client.get(PERSONS), 401, "otp_required")
    assert "Double authentification" in body["detail"]
    assert not AuditEvent.objects.filter(event="person.list").exists()


@otp
def test_a_verified_session_is_accepted(cast, followed, as_persona, otp_only):
    client = _verified(as_persona(cast.amina), cast.amina)
    assert client.get(PERSONS).status_code == 200


@otp
def test_a_token_needs_no_second_factor(cast, followed, as_persona, otp_only):
    client = _unverified(as_persona(cast.amina))
    assert client.get(PERSONS, **bearer(cast.amina)).status_code == 200


@otp
def test_with_the_whole_stack_an_unverified_session_gets_401(cast, followed, as_persona):
    client = _unverified(as_persona(cast.amina))
    response = client.get(PERSONS)
    assert response.status_code == 401
    assert response.json()["detail"]
