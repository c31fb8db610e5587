"""The commitment contract and the CV: PDFs, audited as exports, their French wording."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.employment import documents
from ancrage.employment.models import Diploma, EmploymentProfile, TargetOccupation, WorkExperience
from ancrage.pathways.models import Objective, Pathway, PlanAction
from ancrage.persons.models import FrenchAssessment, Person

from ..conftest import login
from ..factories import appellation_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(followed):
    pathway = Pathway.objects.get(person=followed)
    Pathway.objects.filter(pk=pathway.pk).update(commitment_signed_on=pathway.entry_date)
    objective = Objective.objects.create(pathway=pathway, theme="employment", title="Trouver un emploi de cuisinier")
    PlanAction.objects.create(objective=objective, title="Inscription à France Travail")
    return Pathway.objects.select_related("person", "operator", "referent").get(pk=pathway.pk)


def test_commitment_contract_html(pathway):
    html = documents.render_commitment_contract(pathway)
    assert "Contrat d'engagement réciproque" in html
    assert "HAIDARI" in html and "Farid" in html
    assert "Coallia — plateforme AGIR 35" in html
    assert "Amina Benali" in html
    assert "AGIR" in html
    assert "24 mois au plus" in html
    assert "Trouver un emploi de cuisinier" in html and "Inscription à France Travail" in html
    assert "La personne accompagnée s'engage à" in html
    assert pathway.commitment_signed_on.strftime("%d/%m/%Y") in html


def test_commitment_contract_unsigned_has_blank_lines(pathway):
    Pathway.objects.filter(pk=pathway.pk).update(commitment_signed_on=None)
    pathway.refresh_from_db()
    html = documents.render_commitment_contract(pathway)
    assert 'class="blank"' in html


def test_commitment_contract_pdf_is_audited(client, cast, pathway):
    login(client, cast.amina)
    response = client.get(reverse("employment:commitment_contract", args=[pathway.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="export", event="employment.commitment_contract.pdf", person_id=pathway.person_id
    ).exists()


@pytest.mark.parametrize(("persona", "expected"), [("hugo", 404), ("claire", 404), ("marc", 404)])
def test_commitment_contract_denied(client, cast, pathway, persona, expected):
    login(client, getattr(cast, persona))
    assert client.get(reverse("employment:commitment_contract", args=[pathway.pk])).status_code == expected


@pytest.fixture
def record(followed, rome):
    Person.objects.filter(pk=followed.pk).update(phone="06 12 34 56 78", email="farid@example.org")
    EmploymentProfile.objects.create(person=followed, licence_status="exchanged", licence_country="AF")
    Diploma.objects.create(person=followed, title="Diplôme de cuisine", country="AF", level=3, year=2014)
    WorkExperience.objects.create(
        person=followed, appellation=appellation_for("G1602"), country="AF", years=5, employer_name="Restaurant Ariana"
    )
    TargetOccupation.objects.create(person=followed, appellation=appellation_for("G1602"))
    FrenchAssessment.objects.create(person=followed, assessed_on=dt.date(2024, 1, 1), level="A2", kind="tested")
    FrenchAssessment.objects.create(person=followed, assessed_on=dt.date(2025, 1, 1), level="B1", kind="tested")
    return Person.objects.get(pk=followed.pk)


def test_cv_prefilled_from_the_record(record):
    initial = documents.cv_initial(record)
    assert initial["full_name"] == "Farid HAIDARI"
    assert initial["title"] == appellation_for("G1602").label
    assert "Restaurant Ariana" in initial["experiences"] and "5 ans" in initial["experiences"]
    assert "Diplôme de cuisine" in initial["diplomas"]
    assert "Français : niveau B1 (CECRL)" in initial["languages"]
    assert initial["driving_licence"] == "Permis B"
    assert initial["phone"] == "06 12 34 56 78"
    assert initial["email"] == "farid@example.org"


def test_cv_html_has_no_sensitive_fields(record):
    data = {**documents.cv_initial(record), "skills": "Travail en équipe\nHygiène alimentaire"}
    html = documents.render_cv(data)
    assert "Expériences professionnelles" in html and "Restaurant Ariana" in html
    assert "Travail en équipe" in html
    assert "Langues" in html
    for word in ("Nationalit", "réfugi", "protection", "Né le", "née le", "1990", "<img"):
        assert word not in html


def test_cv_get_shows_prefilled_form(client, cast, record):
    login(client, cast.amina)
    response = client.get(reverse("employment:cv", args=[record.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["email"] == "farid@example.org"
    assert "Télécharger le PDF" in response.content.decode()


def test_cv_post_returns_pdf_and_is_audited(client, cast, record):
    login(client, cast.amina)
    data = {**documents.cv_initial(record), "summary": "Cuisinier expérimenté."}
    response = client.post(reverse("employment:cv", args=[record.pk]), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", event="employment.cv.pdf", person_id=record.pk).exists()


def test_cv_post_invalid_shows_french_errors(client, cast, record):
    login(client, cast.amina)
    data = {**documents.cv_initial(record), "title": "", "email": "pas-un-courriel"}
    response = client.post(reverse("employment:cv", args=[record.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert "Saisissez une adresse électronique valide, par exemple nom@exemple.fr." in form.errors["email"]
    assert not AuditEvent.objects.filter(event="employment.cv.pdf").exists()


def test_cv_denied_to_outsiders(client, cast, followed):
    for persona in ("hugo", "claire", "marc"):
        login(client, getattr(cast, persona))
        assert client.get(reverse("employment:cv", args=[followed.pk])).status_code == 404
