"""Personal API tokens: the page to list, create and revoke them, and their use against the API."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import ApiToken, Role
from tests.conftest import Persona, login
from tests.factories import MembershipFactory

TOKENS = reverse("accounts:tokens")


def created_key(response) -> str:
    match = re.search(r'id="nouveau-jeton" value="(anc_[^"]+)"', response.content.decode())
    assert match, "the new key is shown"
    return match.group(1)


def test_profile_links_to_the_tokens_page(cast, as_persona):
    response = as_persona(cast.amina).get(reverse("accounts:profile"))
    assert TOKENS in response.content.decode()


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_create_a_token_shows_the_key_once_and_it_works(cast, followed, as_persona):
    client = as_persona(cast.amina)
    response = client.post(TOKENS, {"name": "Tableur de suivi", "expires_on": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    key = created_key(response)
    token = ApiToken.objects.get()
    assert token.membership == cast.amina.membership
    assert token.name == "Tableur de suivi"
    assert token.expires_at is None
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash

    page = client.get(TOKENS).content.decode()
    assert key not in page
    assert "Tableur de suivi" in page
    assert token.prefix in page

    client.logout()
    api = client.get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200
    assert [p["id"] for p in api.json()["results"]] == [followed.pk]
    event = AuditEvent.objects.get(event="api_token.issue")
    assert (event.user_id, event.organisation_id, event.object_id) == (cast.amina.user.pk, cast.agir.pk, str(token.pk))


def test_expiry_is_the_end_of_the_chosen_day(cast, as_persona):
    day = timezone.localdate() + dt.timedelta(days=30)
    response = as_persona(cast.amina).post(TOKENS, {"name": "Un mois", "expires_on": day.isoformat()})
    created_key(response)
    expires_at = timezone.localtime(ApiToken.objects.get().expires_at)
    assert (expires_at.date(), expires_at.time()) == (day + dt.timedelta(days=1), dt.time.min)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "expires_on": ""}, "Donnez un nom au jeton."),
        ({"name": "   ", "expires_on": ""}, "Donnez un nom au jeton."),
        (
            {"name": "Hier", "expires_on": "2020-01-01"},
            "La date d&#x27;expiration doit être postérieure à aujourd&#x27;hui.",
        ),
        (
            {"name": "Aujourd'hui", "expires_on": "today"},
            "La date d&#x27;expiration doit être postérieure à aujourd&#x27;hui.",
        ),
        ({"name": "Mauvaise date", "expires_on": "31/02/2026"}, "Saisissez une date valide"),
    ],
)
def test_invalid_form_explains_in_french_and_creates_nothing(cast, as_persona, data, message):
    if data["expires_on"] == "today":
        data["expires_on"] = timezone.localdate().isoformat()
    response = as_persona(cast.amina).post(TOKENS, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Le formulaire contient des erreurs" in html
    assert 'id="nouveau-jeton"' not in html
    assert not ApiToken.objects.exists()


def test_users_without_membership_cannot_create_tokens(cast, as_persona):
    client = as_persona(cast.sofia)
    page = client.get(TOKENS)
    assert page.status_code == 200
    assert "vous ne travaillez actuellement pour aucune" in page.content.decode()
    assert client.post(TOKENS, {"name": "Admin"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_token_is_bound_to_the_current_membership(cast, as_persona):
    second = MembershipFactory(user=cast.amina.user, organisation=cast.other_association, role=Role.REFERENT)
    client = login(as_persona(cast.amina), Persona(user=cast.amina.user, membership=second))
    key = created_key(client.post(TOKENS, {"name": "Un Toit"}))
    assert ApiToken.objects.get().membership == second
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert me["organisation"]["id"] == cast.other_association.pk


def test_list_shows_only_my_tokens(cast, as_persona):
    ApiToken.issue(membership=cast.amina.membership, name="Le mien")
    ApiToken.issue(membership=cast.marc.membership, name="Celui de Marc")
    page = as_persona(cast.amina).get(TOKENS).content.decode()
    assert "Le mien" in page
    assert "Celui de Marc" not in page


def test_revoke_my_token(cast, as_persona):
    token, key = ApiToken.issue(membership=cast.amina.membership, name="À révoquer")
    client = as_persona(cast.amina)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(event="api_token.revoke", object_id=str(token.pk)).count() == 1
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_cannot_revoke_someone_elses_token(cast, as_persona):
    token, _key = ApiToken.issue(membership=cast.marc.membership, name="Celui de Marc")
    response = as_persona(cast.amina).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(cast, as_persona):
    token, _key = ApiToken.issue(membership=cast.amina.membership, name="GET")
    assert as_persona(cast.amina).get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_last_use_is_shown(cast, as_persona, client):
    token, key = ApiToken.issue(membership=cast.amina.membership, name="Utilisé")
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = as_persona(cast.amina).get(TOKENS).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%d/%m/%Y %H:%M") in page
