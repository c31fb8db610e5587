"""Employers and opportunities: services, pages and API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ancrage.core.concurrency import ConcurrentEditError
from ancrage.employment.models import Employer, Opportunity, OpportunityStatus
from ancrage.employment.services import (
    PlacementConflict,
    employer_save,
    opportunity_save,
    opportunity_transition,
)

from ..conftest import login
from ..factories import EmployerFactory, OpportunityFactory, appellation_for

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
VALID_SIRET = "73282932000074"


# --- services ------------------------------------------------------------------------------------


def test_employer_siret_is_checked_and_unique(cast):
    employer = employer_save(actor=cast.amina.actor, employer=Employer(name="Propreté 35", siret=VALID_SIRET))
    assert employer.organisation == cast.agir
    with pytest.raises(ValidationError, match="existe déjà"):
        employer_save(actor=cast.marc.actor, employer=Employer(name="Doublon", siret=VALID_SIRET))
    with pytest.raises(ValidationError, match="clé de contrôle"):
        employer_save(actor=cast.amina.actor, employer=Employer(name="Faux", siret="73282932000075"))
    with pytest.raises(PermissionDenied):
        employer_save(actor=cast.claire.actor, employer=Employer(name="Non"))


def test_employer_edit_is_versioned_and_reserved_to_its_organisation(cast):
    employer = employer_save(actor=cast.amina.actor, employer=Employer(name="Propreté 35"))
    with pytest.raises(PermissionDenied):
        employer_save(actor=cast.hugo.actor, employer=employer, expected_version=1)
    employer.name = "Propreté 35 SAS"
    employer_save(actor=cast.amina.actor, employer=employer, expected_version=1)
    employer.name = "Écrase"
    with pytest.raises(ConcurrentEditError):
        employer_save(actor=cast.amina.actor, employer=employer, expected_version=1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "job", "contract_type": "cdi"}, "appellation"),
        ({"kind": "iae", "with_appellation": True}, "contract_type"),
        ({"kind": "training"}, "training_type"),
        (
            {"kind": "training", "training_type": "hope", "start_date": TODAY, "end_date": TODAY - dt.timedelta(1)},
            "end_date",
        ),
        ({"kind": "training", "training_type": "hope", "seats": 0}, "seats"),
    ],
)
def test_opportunity_validation(cast, rome, fields, field):
    fields = dict(fields)
    if fields.pop("with_appellation", False):
        fields["appellation"] = appellation_for("K2204")
    with pytest.raises(ValidationError) as error:
        opportunity_save(actor=cast.amina.actor, opportunity=Opportunity(title="Offre", **fields))
    assert field in error.value.message_dict
    assert not Opportunity.objects.exists()


def test_opportunity_create_and_transitions(cast, rome):
    opportunity = opportunity_save(
        actor=cast.marc.actor,
        opportunity=Opportunity(kind="job", title="Cariste", appellation=appellation_for("N1101"), contract_type="cdi"),
    )
    assert opportunity.organisation == cast.france_travail and opportunity.status == "open"
    assert opportunity.rome_code == "N1101"
    with pytest.raises(PermissionDenied):
        opportunity_transition(actor=cast.amina.actor, opportunity=opportunity, name="close", expected_version=1)
    opportunity = opportunity_transition(
        actor=cast.marc.actor, opportunity=opportunity, name="fill", expected_version=1
    )
    assert (opportunity.status, opportunity.filled_on) == (OpportunityStatus.FILLED, TODAY)
    with pytest.raises(PlacementConflict):
        opportunity_transition(actor=cast.marc.actor, opportunity=opportunity, name="fill", expected_version=2)
    with pytest.raises(PlacementConflict):
        opportunity_transition(actor=cast.marc.actor, opportunity=opportunity, name="close", expected_version=1)
    opportunity = opportunity_transition(
        actor=cast.marc.actor, opportunity=opportunity, name="close", expected_version=2
    )
    assert (opportunity.status, opportunity.filled_on, opportunity.closed_on) == ("closed", None, TODAY)
    opportunity = opportunity_transition(
        actor=cast.marc.actor, opportunity=opportunity, name="reopen", expected_version=3
    )
    assert (opportunity.status, opportunity.closed_on) == ("open", None)


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["employment:opportunity_list", "employment:employer_list", "employment:opportunity_create"]
)
@pytest.mark.parametrize("persona", ["claire", "yves", "sofia"])
def test_pages_are_404_for_non_case_workers(client, cast, url_name, persona):
    login(client, getattr(cast, persona))
    assert client.get(reverse(url_name)).status_code == 404


def test_list_search_filters_and_empty_state(client, cast, rome):
    login(client, cast.amina)
    url = reverse("employment:opportunity_list")
    assert "Aucune offre pour l'instant" in client.get(url).content.decode()
    employer = EmployerFactory(name="Transports Breizh", organisation=cast.agir)
    OpportunityFactory(organisation=cast.agir, employer=employer, title="Cariste", appellation=appellation_for("N1101"))
    OpportunityFactory(organisation=cast.agir, title="Agent de propreté", contract_type="cdd_long")
    content = client.get(url, {"q": "breizh"}).content.decode()
    assert "Cariste" in content and "Agent de propreté" not in content
    content = client.get(url, {"family": "K"}).content.decode()
    assert "Agent de propreté" in content and "Cariste" not in content
    content = client.get(url, {"contract_type": "cdd_long"}).content.decode()
    assert "Agent de propreté" in content and "Cariste" not in content
    content = client.get(url, {"status": "closed"}).content.decode()
    assert "Aucune offre ne correspond" in content
    assert "Publier une offre" in content


def test_list_queries_are_bounded(client, cast, rome, django_assert_max_num_queries):
    for _ in range(15):
        OpportunityFactory(organisation=cast.agir)
    login(client, cast.amina)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("employment:opportunity_list"))
    assert response.status_code == 200


def test_create_and_edit_an_opportunity(client, cast, rome):
    login(client, cast.amina)
    appellation = appellation_for("N1101")
    data = {
        "kind": "job",
        "title": "Cariste H/F",
        "appellation": f"{appellation.label} ({appellation.code_ogr})",
        "contract_type": "cdd_long",
        "seats": 2,
        "min_french_level": "A2",
    }
    response = client.post(reverse("employment:opportunity_create"), {**data, "contract_type": ""})
    assert response.status_code == 200 and "Indiquez le type de contrat" in response.content.decode()
    response = client.post(reverse("employment:opportunity_create"), data)
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and opportunity.organisation == cast.agir
    edit = reverse("employment:opportunity_edit", args=[opportunity.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**data, "title": "Cariste", "version": 1})
    assert response.status_code == 302
    response = client.post(edit, {**data, "title": "Écrase", "version": 1})
    assert response.status_code == 200 and "a enregistré ce dossier pendant" in response.content.decode()
    login(client, cast.hugo)
    assert client.get(edit).status_code == 403
    assert client.get(reverse("employment:opportunity_detail", args=[opportunity.pk])).status_code == 200


def test_status_actions_for_the_publishing_organisation(client, cast, rome):
    opportunity = OpportunityFactory(organisation=cast.agir)
    url = reverse("employment:opportunity_transition", args=[opportunity.pk, "close"])
    login(client, cast.hugo)
    assert client.post(url, {"version": 1}).status_code == 403
    login(client, cast.amina)
    assert (
        "/etat/close/" in client.get(reverse("employment:opportunity_detail", args=[opportunity.pk])).content.decode()
    )
    assert client.post(url, {"version": 1}).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == "closed"


def test_employer_pages(client, cast):
    login(client, cast.amina)
    response = client.post(reverse("employment:employer_create"), {"name": "Propreté 35", "siret": "123"})
    assert response.status_code == 200 and "14 chiffres" in response.content.decode()
    response = client.post(
        reverse("employment:employer_create"), {"name": "Propreté 35", "siret": VALID_SIRET, "is_active": "on"}
    )
    employer = Employer.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("employment:employer_create"), {"name": "Doublon", "siret": VALID_SIRET, "is_active": "on"}
    )
    assert response.status_code == 200 and "existe déjà" in response.content.decode()
    assert "Propreté 35" in client.get(reverse("employment:employer_list"), {"q": "propre"}).content.decode()
    assert client.get(reverse("employment:employer_detail", args=[employer.pk])).status_code == 200
    login(client, cast.hugo)
    assert client.get(reverse("employment:employer_edit", args=[employer.pk])).status_code == 403


# --- API -----------------------------------------------------------------------------------------


def test_api_opportunities(client, cast, rome):
    OpportunityFactory(organisation=cast.agir, title="Cariste", appellation=appellation_for("N1101"))
    login(client, cast.marc)
    body = client.get("/api/v1/opportunities", {"rome_code": "N"}).json()
    assert body["count"] == 1 and body["results"][0]["rome_code"] == "N1101"
    pk = body["results"][0]["id"]
    assert client.get(f"/api/v1/opportunities/{pk}").json()["title"] == "Cariste"
    assert client.get("/api/v1/opportunities/999999").status_code == 404
    response = client.post(
        "/api/v1/opportunities", {"kind": "training", "title": "HOPE"}, content_type="application/json"
    )
    assert response.status_code == 422 and "training_type" in {e["loc"][-1] for e in response.json()["errors"]}
    response = client.post(
        "/api/v1/opportunities",
        {"kind": "training", "title": "HOPE", "training_type": "hope"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["organisation_id"] == cast.france_travail.pk
    assert client.get("/api/v1/employers").json()["count"] == 1
    login(client, cast.claire)
    assert client.get("/api/v1/opportunities").status_code == 403
