"""The REST API on referrals: the state machine over HTTP, sides, conflicts, consent, audit, queries."""

import datetime as dt
import json
import typing

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.access.services import consent_record
from ancrage.api import referrals as referrals_api
from ancrage.audit.models import AuditEvent
from ancrage.directory.models import Service, Structure
from ancrage.organisations.models import ApiToken
from ancrage.referrals.models import Referral, ReferralStatus
from ancrage.referrals.services import referral_create, referral_transition
from tests.conftest import login
from tests.factories import PathwayFactory, PersonFactory

LIST = "/api/v1/referrals"


def detail(pk: int) -> str:
    return f"{LIST}/{pk}"


def action(pk: int, name: str) -> str:
    return f"{LIST}/{pk}/{name}"


def post(client: Client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def bearer(persona) -> dict[str, str]:
    _token, key = ApiToken.issue(membership=persona.membership, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def service(cast):
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    return Service.objects.create(
        structure=structure,
        name="Inscription et accompagnement",
        description="Inscription comme demandeur d'emploi et suivi.",
    )


@pytest.fixture
def consent(cast, followed):
    return consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Orientation emploi",
        given_on=dt.date.today(),
    )


def _body(followed, service, consent, **extra) -> dict:
    return {
        "person_id": followed.pk,
        "service_id": service.pk,
        "reason": "Inscription comme demandeur d'emploi",
        "sections": ["language"],
        "consent_id": consent.pk if consent else None,
        "send": True,
    } | extra


@pytest.fixture
def sent(cast, followed, service, consent):
    """A referral Amina sent to France Travail."""
    referral = referral_create(
        actor=cast.amina.actor,
        person=followed,
        service=service,
        reason="Inscription",
        sections=["language"],
        consent=consent,
    )
    return referral_transition(
        actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version
    )


# --- the workflow ------------------------------------------------------------------------------


def test_amina_creates_and_sends_a_referral(cast, followed, service, consent, as_persona):
    response = post(as_persona(cast.amina), LIST, _body(followed, service, consent))
    assert response.status_code == 201, response.content
    data = response.json()
    referral = Referral.objects.get()
    assert data["id"] == referral.pk
    assert data["status"] == "sent"
    assert data["status_label"] == "Envoyée"
    assert data["person_id"] == followed.pk
    assert data["person_display_name"] == "HAIDARI Farid"
    assert data["service"] == {
        "id": service.pk,
        "name": "Inscription et accompagnement",
        "structure_name": "France Travail Rennes Nord",
    }
    assert data["sender_organisation"]["id"] == cast.agir.pk
    assert data["target_organisation"]["id"] == cast.france_travail.pk
    assert data["sections"] == ["identity", "language"]
    assert data["sent_at"] and data["expires_at"]
    assert data["answered_at"] is None and data["closed_at"] is None
    assert data["side"] == "sender"
    assert data["available_transitions"] == ["cancel"]
    assert [(t["name"], t["to_status"]) for t in data["transitions"]] == [("create", "draft"), ("send", "sent")]
    assert data["transitions"][0]["by_name"] == "Amina Benali"
    assert AccessGrant.objects.filter(referral_id=referral.pk, organisation=cast.france_travail).exists()
    assert AuditEvent.objects.filter(event="referral.create", person_id=followed.pk).exists()


def test_a_draft_stays_with_the_sender(cast, followed, service, consent, as_persona, client):
    response = post(as_persona(cast.amina), LIST, _body(followed, service, consent, send=False))
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["available_transitions"] == ["send", "cancel"]
    pk = response.json()["id"]
    marc = bearer(cast.marc)
    assert client.get(LIST, **marc).json()["count"] == 0
    assert client.get(detail(pk), **marc).status_code == 404


def test_marc_lists_received_then_accepts_and_completes(cast, sent, client):
    marc = bearer(cast.marc)  # token authentication
    data = client.get(LIST, {"box": "received"}, **marc).json()
    assert data["count"] == 1
    [item] = data["results"]
    assert item["id"] == sent.pk
    assert item["status"] == "sent"
    assert item["person_display_name"] == "HAIDARI Farid"  # identity is always shared
    assert item["version"] == sent.version
    assert client.get(LIST, {"box": "sent"}, **marc).json()["count"] == 0
    assert client.get(LIST, {"status": "accepted"}, **marc).json()["count"] == 0

    response = post(client, action(sent.pk, "accept"), {"version": item["version"]}, **marc)
    assert response.status_code == 200, response.content
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert accepted["answered_at"]
    assert accepted["side"] == "recipient"
    assert set(accepted["available_transitions"]) == {"start", "complete", "abandon"}

    response = post(
        client, action(sent.pk, "complete"), {"version": accepted["version"], "outcome": "Inscrit le 3 mars"}, **marc
    )
    assert response.status_code == 200, response.content
    done = response.json()
    assert done["status"] == "done"
    assert done["outcome"] == "Inscrit le 3 mars"
    assert done["closed_at"]
    assert done["available_transitions"] == []
    assert [t["name"] for t in done["transitions"]] == ["create", "send", "accept", "complete"]
    assert done["transitions"][-1]["by_organisation"] == cast.france_travail.name
    assert client.get(LIST, {"status": "done"}, **marc).json()["count"] == 1


def test_marc_refuses_with_a_reason_code(cast, sent, client):
    marc = bearer(cast.marc)
    response = post(client, action(sent.pk, "refuse"), {"version": sent.version}, **marc)
    assert response.status_code == 422
    assert "refusal_reason" in {e["loc"][-1] for e in response.json()["errors"]}
    response = post(client, action(sent.pk, "refuse"), {"version": sent.version, "refusal_reason": "nope"}, **marc)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["body", "refusal_reason"], "msg": "Ce motif de refus n'existe pas.", "type": "invalid"}
    ]
    response = post(
        client,
        action(sent.pk, "refuse"),
        {"version": sent.version, "refusal_reason": "no_capacity", "reason": "Complet jusqu'en juin"},
        **marc,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "refused"
    assert data["refusal_reason"] == {"code": "no_capacity", "label": "Plus de place disponible"}
    assert data["refusal_detail"] == "Complet jusqu'en juin"


# --- conflicts and sides -----------------------------------------------------------------------


def test_a_transition_not_allowed_from_the_state_is_a_conflict(cast, sent, client):
    marc = bearer(cast.marc)
    response = post(client, action(sent.pk, "start"), {"version": sent.version}, **marc)
    assert response.status_code == 409
    assert response.json()["detail"] == "Impossible : l'orientation est « Envoyée »."
    response = post(client, action(sent.pk, "send"), {"version": sent.version}, **bearer(cast.amina))
    assert response.status_code == 409
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast, sent, client):
    version = sent.version
    response = post(client, action(sent.pk, "accept"), {"version": version - 1}, **bearer(cast.marc))
    assert response.status_code == 409
    assert "rechargez" in response.json()["detail"]
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT
    assert sent.version == version
    assert not sent.transitions.filter(name="accept").exists()


def test_the_sender_cannot_accept(cast, sent, client):
    response = post(client, action(sent.pk, "accept"), {"version": sent.version}, **bearer(cast.amina))
    assert response.status_code == 403
    assert response.json()["detail"] == "Accès refusé."
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


def test_the_recipient_cannot_cancel(cast, sent, client):
    response = post(client, action(sent.pk, "cancel"), {"version": sent.version}, **bearer(cast.marc))
    assert response.status_code == 403


def test_the_sender_cancels(cast, sent, client):
    response = post(
        client, action(sent.pk, "cancel"), {"version": sent.version, "reason": "Doublon"}, **bearer(cast.amina)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["transitions"][-1]["reason"] == "Doublon"


@pytest.mark.parametrize("name", ["teleport", "expire"])
def test_unknown_or_system_transitions(cast, sent, client, name):
    response = post(client, action(sent.pk, name), {"version": sent.version}, **bearer(cast.marc))
    # "expire" is the system's: no user may fire it.
    assert response.status_code == (404 if name == "teleport" else 403)
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


@pytest.mark.parametrize("persona", ["claire", "sofia", "hugo", "yves"])
def test_outsiders_see_nothing_and_move_nothing(cast, sent, client, persona):
    who = getattr(cast, persona)
    login(client, who)
    data = client.get(LIST).json()
    assert data["count"] == 0 and data["results"] == []
    response = client.get(detail(sent.pk))
    assert response.status_code == 404
    assert b"HAIDARI" not in response.content
    for name in ("accept", "cancel", "send"):
        assert post(client, action(sent.pk, name), {"version": sent.version}).status_code == 404
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


def test_the_name_is_hidden_when_identity_is_no_longer_visible(cast, sent, client):
    AccessGrant.objects.filter(organisation=cast.france_travail).update(revoked_at=timezone.now())
    marc = bearer(cast.marc)
    [item] = client.get(LIST, **marc).json()["results"]
    assert item["person_display_name"] is None
    response = client.get(detail(sent.pk), **marc)
    assert response.status_code == 200
    assert response.json()["person_display_name"] is None
    assert b"HAIDARI" not in response.content


# --- creation rules ----------------------------------------------------------------------------


def test_no_consent_no_referral(cast, followed, service, as_persona):
    response = post(as_persona(cast.amina), LIST, _body(followed, service, None))
    assert response.status_code == 422
    data = response.json()
    assert data["detail"].startswith("Pas d'orientation sans consentement")
    assert [e["loc"] for e in data["errors"]] == [["body", "consent_id"]]
    assert not Referral.objects.exists()


def test_unknown_service_or_consent(cast, followed, service, consent, as_persona):
    client = as_persona(cast.amina)
    response = post(client, LIST, _body(followed, service, consent, service_id=service.pk + 1000))
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
        (["body", "service_id"], "Ce service n'existe pas dans l'annuaire.")
    ]
    response = post(client, LIST, _body(followed, service, consent, consent_id=consent.pk + 1000))
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
        (["body", "consent_id"], "Ce consentement n'existe pas pour cette personne.")
    ]
    assert not Referral.objects.exists()


def test_a_consent_that_does_not_cover_the_sections(cast, followed, service, consent, as_persona):
    response = post(as_persona(cast.amina), LIST, _body(followed, service, consent, sections=["contact"]))
    assert response.status_code == 422
    assert "sections" in {e["loc"][-1] for e in response.json()["errors"]}
    assert not Referral.objects.exists()


def test_a_person_out_of_reach_is_not_found(cast, service, consent, as_persona):
    elsewhere = PathwayFactory(operator=cast.other_association, person=PersonFactory(name=("NAZARI", "Leila"))).person
    response = post(as_persona(cast.amina), LIST, _body(elsewhere, service, consent))
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_the_recipient_may_not_create(cast, followed, service, consent, sent, client):
    response = post(client, LIST, _body(followed, service, consent), **bearer(cast.marc))
    assert response.status_code == 403
    assert Referral.objects.count() == 1


# --- authentication ----------------------------------------------------------------------------


def test_unauthenticated_calls_are_refused(sent, client):
    for response in (
        client.get(LIST),
        client.get(detail(sent.pk)),
        post(client, LIST, {}),
        post(client, action(sent.pk, "accept"), {"version": sent.version}),
    ):
        assert response.status_code == 401
        assert response.json()["detail"] == "Authentification requise."


def test_session_writes_need_the_csrf_token(cast, sent):
    client = login(Client(enforce_csrf_checks=True), cast.marc)
    response = post(client, action(sent.pk, "accept"), {"version": sent.version})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


# --- audit and queries -------------------------------------------------------------------------


def test_each_list_call_writes_one_audit_event(cast, sent, client):
    marc = bearer(cast.marc)
    events = AuditEvent.objects.filter(user=cast.marc.user, event="referral.list")
    client.get(LIST, **marc)
    [event] = events
    assert event.details["ids"] == [sent.person_id]
    assert event.details["referral_ids"] == [sent.pk]


def test_reading_a_referral_is_audited(cast, sent, client):
    client.get(detail(sent.pk), **bearer(cast.marc))
    assert AuditEvent.objects.filter(user=cast.marc.user, event="referral.read", person_id=sent.person_id).exists()


def _make(cast, service, count: int) -> None:
    for i in range(count):
        person = PathwayFactory(
            operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("PERSONNE", f"N{i}"))
        ).person
        consent = consent_record(
            actor=cast.amina.actor,
            person=person,
            sections=["language"],
            recipients=[cast.france_travail],
            purpose="Emploi",
            given_on=dt.date.today(),
        )
        referral = referral_create(
            actor=cast.amina.actor, person=person, service=service, reason="Emploi", sections=[], consent=consent
        )
        referral_transition(actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version)


@pytest.mark.parametrize("persona", ["amina", "marc"])
def test_the_list_runs_a_bounded_number_of_queries(cast, service, client, persona):
    login(client, getattr(cast, persona))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured)

    _make(cast, service, 3)
    few = queries()
    _make(cast, service, 17)
    assert client.get(LIST).json()["count"] == 20
    assert queries() == few


# --- the OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_describes_the_referral_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/referrals"]) == {"get", "post"}
    assert set(paths["/api/v1/referrals/{referral_id}"]) == {"get"}
    assert set(paths["/api/v1/referrals/{referral_id}/{transition}"]) == {"post"}
    transition = paths["/api/v1/referrals/{referral_id}/{transition}"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(transition["responses"])
    assert "requestBody" in transition
    assert {"201", "401", "403", "404", "422"} <= set(paths["/api/v1/referrals"]["post"]["responses"])
    assert {"200", "401", "404"} <= set(paths["/api/v1/referrals/{referral_id}"]["get"]["responses"])
    assert {"200", "401", "422"} <= set(paths["/api/v1/referrals"]["get"]["responses"])


def test_the_status_filter_names_every_state():
    hints = typing.get_type_hints(referrals_api.list_referrals)
    [literal, _none] = typing.get_args(hints["status"])
    assert set(typing.get_args(literal)) == set(ReferralStatus.values)
