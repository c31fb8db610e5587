"""API: /persons/{id}/tracks and /persons/{id}/deadlines, filtered by the caller's sections."""

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_referent_gets_the_four_tracks(client, cast, person):
    response = login(client, cast.amina).get(reverse("api:person_tracks", args=[person.pk]))
    assert response.status_code == 200
    body = response.json()
    assert {k for k in ("housing", "health", "language", "rights") if body[k]} == {
        "housing",
        "health",
        "language",
        "rights",
    }
    assert [d["code"] for d in body["health"]["deadlines"]] == ["css_renewal"]
    assert body["housing"]["deadlines"][0]["overdue"] is True
    assert "rsa_eligible" in body["rights"]["facts"]
    assert AuditEvent.objects.filter(user=cast.amina.user, person_id=person.pk, event="tracks.read").exists()


def test_referent_gets_the_deadlines(client, cast, person):
    response = login(client, cast.amina).get(reverse("api:person_deadlines", args=[person.pk]))
    assert response.status_code == 200
    assert {d["code"] for d in response.json()["results"]} >= {"css_renewal", "sne_renewal"}
    assert AuditEvent.objects.filter(user=cast.amina.user, person_id=person.pk, event="deadlines.read").exists()


@pytest.mark.parametrize("persona", ["hugo", "claire", "sofia"])
@pytest.mark.parametrize("name", ["api:person_tracks", "api:person_deadlines"])
def test_outsiders_get_404(client, cast, person, persona, name):
    response = login(client, getattr(cast, persona)).get(reverse(name, args=[person.pk]))
    assert response.status_code == 404
    assert b"HAIDARI" not in response.content


def test_anonymous_gets_401(client, person):
    assert client.get(reverse("api:person_tracks", args=[person.pk])).status_code == 401


def test_partner_without_health_permission_never_gets_health(client, cast, marc_sees_all_but_health):
    person = marc_sees_all_but_health
    login(client, cast.marc)
    body = client.get(reverse("api:person_tracks", args=[person.pk])).json()
    assert body["health"] is None and body["housing"] is not None and body["rights"] is not None
    text = client.get(reverse("api:person_tracks", args=[person.pk])).content.decode().lower()
    assert "css" not in text and "puma" not in text
    deadlines = client.get(reverse("api:person_deadlines", args=[person.pk]) + "?include_closed=true").json()
    codes = {d["code"] for d in deadlines["results"]}
    assert "css_renewal" not in codes and "sne_renewal" in codes


def test_openapi_describes_the_endpoints_in_french(client, cast):
    schema = login(client, cast.amina).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/persons/{person_id}/tracks"]["get"]
    assert "rubrique" in operation["description"]
    assert "/api/v1/persons/{person_id}/deadlines" in schema["paths"]
