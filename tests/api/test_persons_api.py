"""The REST API on persons: need to know, sections, audit, authentication, bounded queries."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.access.sections import ALL_SECTIONS, Section
from ancrage.access.services import consent_record, consent_withdraw
from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import ApiToken
from ancrage.pathways.models import Confidentiality
from ancrage.persons.models import Identity, Nationality, PersonLanguage, Protection, Script
from tests.factories import AppointmentFactory, NoteFactory, PathwayFactory, PersonFactory

LIST = "/api/v1/persons"


def detail(pk: int) -> str:
    return f"/api/v1/persons/{pk}"


def share_with_france_travail(cast, person, sections):
    return consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=sections,
        recipients=[cast.france_travail],
        purpose="Inscription à France Travail",
        given_on=timezone.localdate(),
    )


def bearer(persona) -> dict[str, str]:
    _token, key = ApiToken.issue(membership=persona.membership, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def elsewhere(cast):
    """A person only the other association (Hugo's) accompanies."""
    return PathwayFactory(operator=cast.other_association, person=PersonFactory(name=("NAZARI", "Leila"))).person


# --- who sees what ---------------------------------------------------------------------------


def test_amina_lists_the_persons_her_organisation_accompanies(cast, followed, elsewhere, as_persona):
    response = as_persona(cast.amina).get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["page"] == 1
    [item] = data["results"]
    assert item["id"] == followed.pk
    assert item["display_name"] == "HAIDARI Farid"
    assert item["sex"] == "M"
    assert item["birth_year"] == 1990
    assert set(item["sections"]) == ALL_SECTIONS  # Amina has the health permission


def test_amina_reads_a_record_with_every_section(cast, followed, as_persona):
    Identity.objects.create(person=followed, last_name="حيدري", first_names="فريد", script=Script.ARABIC)
    Nationality.objects.create(person=followed, code="AF")
    PersonLanguage.objects.create(person=followed, code="prs")
    Protection.objects.create(person=followed, type="refugee", deciding_body="ofpra")
    response = as_persona(cast.amina).get(detail(followed.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == followed.pk
    identity = data["identity"]
    assert identity["display_name"] == "HAIDARI Farid"
    assert identity["birth_date_precision"] == "day"
    assert [(i["script"], i["is_reference"]) for i in identity["identities"]] == [("Latn", True), ("Arab", False)]
    assert identity["nationalities"] == [{"code": "AF", "label": "Afghanistan"}]
    assert data["protection"]["protections"][0]["type"] == "refugee"
    assert data["language"]["languages"][0]["code"] == "prs"
    assert data["contact"] is not None
    assert data["family"]["household_members"] == []
    [pathway] = data["pathways"]
    assert pathway["operator"]["id"] == cast.agir.pk
    assert pathway["referent_name"] == "Amina Benali"
    assert pathway["status"] == "oriented"
    assert data["situations"] == []
    assert data["journal"] == []
    assert data["appointments"] == []


def test_journal_goes_through_notes_visible_to(cast, followed, as_persona):
    pathway = followed.pathways.get()
    NoteFactory(
        person=followed,
        pathway=pathway,
        author=cast.amina.user,
        organisation=cast.agir,
        confidentiality=Confidentiality.SHARED,
        body="Partagée",
    )
    NoteFactory(
        person=followed,
        pathway=pathway,
        author=cast.olivier.user,
        organisation=cast.agir,
        confidentiality=Confidentiality.PRIVATE,
        body="Privée d'Olivier",
    )
    AppointmentFactory(person=followed, pathway=pathway, organisation=cast.agir, with_user=cast.amina.user)
    data = as_persona(cast.amina).get(detail(followed.pk)).json()
    assert [n["body"] for n in data["journal"]] == ["Partagée"]
    assert data["journal"][0]["author_name"] == "Amina Benali"
    assert len(data["appointments"]) == 1


def test_hugo_does_not_see_a_person_his_organisation_does_not_accompany(cast, followed, as_persona):
    client = as_persona(cast.hugo)
    assert client.get(LIST).json()["results"] == []
    assert client.get(detail(followed.pk)).status_code == 404


def test_marc_sees_only_what_was_shared_with_consent(cast, followed, elsewhere, as_persona):
    other_followed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("RAHIMI", "Zahra"))).person
    Protection.objects.create(person=followed, type="refugee", deciding_body="ofpra")
    NoteFactory(person=followed, author=cast.amina.user, organisation=cast.agir, confidentiality=Confidentiality.SHARED)
    share_with_france_travail(cast, followed, [Section.IDENTITY, Section.LANGUAGE])
    client = as_persona(cast.marc)

    data = client.get(LIST).json()
    assert [item["id"] for item in data["results"]] == [followed.pk]
    assert data["results"][0]["sections"] == ["identity", "language"]
    assert data["results"][0]["commune_code"] is None  # contact not shared

    response = client.get(detail(followed.pk))
    assert response.status_code == 200
    record = response.json()
    assert record["sections"] == ["identity", "language"]
    assert record["identity"]["display_name"] == "HAIDARI Farid"
    assert record["language"] is not None
    for absent in ("contact", "family", "protection", "pathways", "situations", "journal", "appointments"):
        assert record[absent] is None, absent
    assert "refugee" not in response.content.decode()

    for pk in (other_followed.pk, elsewhere.pk, 999_999):
        not_found = client.get(detail(pk))
        assert not_found.status_code == 404
        assert not_found.json()["detail"] == "Introuvable."


def test_withdrawn_consent_hides_the_record_again(cast, followed, as_persona):
    consent = share_with_france_travail(cast, followed, [Section.IDENTITY, Section.LANGUAGE])
    client = as_persona(cast.marc)
    assert client.get(detail(followed.pk)).status_code == 200
    consent_withdraw(actor=cast.amina.actor, consent=consent)
    assert client.get(detail(followed.pk)).status_code == 404
    assert client.get(LIST).json()["count"] == 0


def test_expired_grant_hides_the_record(cast, followed, as_persona):
    share_with_france_travail(cast, followed, [Section.IDENTITY])
    AccessGrant.objects.filter(organisation=cast.france_travail).update(
        starts_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now() - dt.timedelta(days=1)
    )
    assert as_persona(cast.marc).get(detail(followed.pk)).status_code == 404


@pytest.mark.parametrize("name", ["claire", "yves", "sofia"])
def test_coordinators_and_platform_admin_see_no_record(cast, followed, as_persona, name):
    client = as_persona(getattr(cast, name))
    data = client.get(LIST).json()
    assert data["count"] == 0
    assert data["results"] == []
    assert client.get(detail(followed.pk)).status_code == 404


def test_health_section_never_reaches_a_membership_without_health_access(cast, followed, as_persona):
    share_with_france_travail(cast, followed, [Section.IDENTITY, Section.HEALTH])
    assert AccessGrant.objects.get(organisation=cast.france_travail).sections == ["health", "identity"]
    marc = as_persona(cast.marc)
    assert marc.get(LIST).json()["results"][0]["sections"] == ["identity"]
    assert marc.get(detail(followed.pk)).json()["sections"] == ["identity"]
    # Olivier works for the accompanying organisation but without the health permission.
    olivier = as_persona(cast.olivier)
    assert Section.HEALTH not in olivier.get(LIST).json()["results"][0]["sections"]
    assert Section.HEALTH not in olivier.get(detail(followed.pk)).json()["sections"]


# --- search and pagination -------------------------------------------------------------------


def test_search_and_pagination(cast, followed, as_persona):
    for last, first in [("AHMADI", "Karim"), ("TESFAYE", "Selam"), ("HAIDARY", "Omid")]:
        PathwayFactory(operator=cast.agir, person=PersonFactory(name=(last, first)))
    client = as_persona(cast.amina)
    found = client.get(LIST, {"q": "haidari"}).json()
    assert followed.pk in [item["id"] for item in found["results"]]
    assert all("HAID" in item["display_name"] for item in found["results"])

    first_page = client.get(LIST, {"page_size": 3}).json()
    assert (first_page["count"], first_page["pages"], len(first_page["results"])) == (4, 2, 3)
    second_page = client.get(LIST, {"page_size": 3, "page": 2}).json()
    assert len(second_page["results"]) == 1
    assert {i["id"] for i in first_page["results"]}.isdisjoint({i["id"] for i in second_page["results"]})
    assert client.get(LIST, {"page": 9}).json()["results"] == []


@pytest.mark.parametrize("params", [{"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "x"}])
def test_invalid_paging_answers_422(cast, as_persona, params):
    assert as_persona(cast.amina).get(LIST, params).status_code == 422


def test_list_runs_a_bounded_number_of_queries(cast, as_persona, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            pathway = PathwayFactory(operator=cast.agir, person=PersonFactory(name=(f"NOM{i}", "Test")))
            share_with_france_travail(cast, pathway.person, [Section.IDENTITY, Section.CONTACT])

    client = as_persona(cast.marc)

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    make(5)
    small = measure()
    make(25)
    assert client.get(LIST).json()["count"] == 30
    assert measure() == small
    with django_assert_max_num_queries(10):
        client.get(LIST)


# --- audit -----------------------------------------------------------------------------------


def test_each_list_call_writes_one_audit_event_on_the_api_channel(cast, followed, as_persona):
    as_persona(cast.amina).get(LIST)
    [event] = AuditEvent.objects.filter(event="person.list")
    assert event.action == "read"
    assert event.channel == "api"
    assert event.user_id == cast.amina.user.pk
    assert event.organisation_id == cast.agir.pk
    assert event.details["ids"] == [followed.pk]


def test_each_record_read_writes_an_audit_event_on_the_api_channel(cast, followed, as_persona):
    as_persona(cast.amina).get(detail(followed.pk))
    [event] = AuditEvent.objects.filter(event="person.read")
    assert (event.action, event.channel, event.person_id) == ("read", "api", followed.pk)


def test_a_refused_read_writes_no_read_event(cast, followed, as_persona):
    as_persona(cast.marc).get(detail(followed.pk))
    assert not AuditEvent.objects.filter(event="person.read").exists()


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, "/api/v1/persons/1", "/api/v1/me"])
def test_unauthenticated_calls_answer_json_401_not_a_redirect(client, db, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Authentification requise."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_authentication(cast, followed, client):
    headers = bearer(cast.amina)
    response = client.get(LIST, **headers)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [followed.pk]
    assert ApiToken.objects.get().last_used_at is not None
    assert client.get(detail(followed.pk), **headers).status_code == 200
    assert AuditEvent.objects.filter(event="person.read", user=cast.amina.user, channel="api").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - dt.timedelta(minutes=1)},
    ],
    ids=["revoked", "expired"],
)
def test_revoked_or_expired_token_is_refused(cast, followed, client, change):
    headers = bearer(cast.amina)
    ApiToken.objects.update(**change)
    response = client.get(LIST, **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response.json()["detail"] == "Jeton d'API invalide, expiré ou révoqué."


def test_token_of_an_inactive_membership_is_refused(cast, client):
    headers = bearer(cast.amina)
    cast.amina.membership.is_active = False
    cast.amina.membership.save()
    assert client.get(LIST, **headers).status_code == 401


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic Zm9vOmJhcg=="])
def test_unknown_token_is_refused(db, client, header):
    assert client.get(LIST, HTTP_AUTHORIZATION=header).status_code == 401


def test_an_invalid_bearer_token_does_not_fall_back_to_the_session(cast, as_persona):
    client = as_persona(cast.amina)
    assert client.get(LIST, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_token_acts_for_its_membership(cast, client):
    headers = bearer(cast.marc)
    data = client.get("/api/v1/me", **headers).json()
    assert data["user"]["email"] == cast.marc.user.email
    assert data["organisation"]["id"] == cast.france_travail.pk
    assert data["role"] == "partner_agent"
    assert data["can_access_health"] is False
    assert data["authentication"] == "token"


def test_me_with_a_session(cast, as_persona):
    data = as_persona(cast.amina).get("/api/v1/me").json()
    assert data["organisation"]["name"] == cast.agir.name
    assert data["role"] == "referent"
    assert data["can_access_health"] is True
    assert data["authentication"] == "session"


def test_me_for_a_platform_admin_without_membership(cast, as_persona):
    data = as_persona(cast.sofia).get("/api/v1/me").json()
    assert data["organisation"] is None
    assert data["role"] is None
    assert data["user"]["is_platform_admin"] is True


# --- documentation ---------------------------------------------------------------------------


def test_openapi_document_lists_the_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/me"} <= set(document["paths"])
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_never_loads_assets_from_a_cdn(client, db, settings):
    response = client.get("/api/v1/docs")
    if "ninja" not in settings.INSTALLED_APPS:
        assert response.status_code == 404  # off: ninja would fetch Swagger UI from a CDN
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "https://" not in html


def test_unknown_api_path_answers_json_404(client, db):
    response = client.get("/api/v1/nowhere/at/all")
    assert response.status_code == 404
    assert response.json()["detail"] == "Introuvable."
