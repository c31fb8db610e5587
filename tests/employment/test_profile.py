"""The socio-professional profile: page, edits, validation in French, conflicts, access, API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.employment.models import Diploma, EmploymentProfile, TargetOccupation, WorkExperience
from ancrage.employment.profile_services import profile_facts
from ancrage.persons.models import Person

from ..conftest import login
from ..factories import PersonFactory, appellation_for

pytestmark = pytest.mark.django_db


def _profile_post(**overrides):
    data = {
        "version": "1",
        "schooling_years": "12",
        "literacy": "latin",
        "licence_status": "none",
        "licence_country": "",
        "licence_first_receipt_on": "",
        "mobility_radius_km": "20",
        "mobility_means": ["public_transport", "bike"],
        "availability": "full_time",
        "available_from": "",
        "france_travail_registered_on": "",
        "france_travail_id": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def shared_with_marc(cast, followed):
    """Marc's organisation sees the language section only (consent)."""
    consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    return followed


# --- the page and the computed facts ----------------------------------------------------------------


def test_profile_page_shows_profile_items_and_facts(client, cast, followed, rome, django_assert_max_num_queries):
    EmploymentProfile.objects.create(
        person=followed,
        licence_status="to_exchange",
        licence_country="AF",
        licence_first_receipt_on=dt.date(2020, 1, 10),
        france_travail_registered_on=dt.date(2024, 3, 1),
    )
    Diploma.objects.create(person=followed, title="Licence de gestion", country="AF", level=6, year=2015)
    WorkExperience.objects.create(person=followed, appellation=appellation_for("N1103"), country="AF", years=3)
    TargetOccupation.objects.create(person=followed, appellation=appellation_for("K2204"))
    login(client, cast.amina)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("employment:profile", args=[followed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Licence de gestion" in html
    assert "N1103" in html and "K2204" in html
    assert "10/01/2021" in html  # exchange deadline: first receipt + 1 year
    assert "délai dépassé" in html
    assert "inscrit(e) le" in html
    assert AuditEvent.objects.filter(user=cast.amina.user, person_id=followed.pk, action="read").exists()


def test_cej_eligibility_from_birth_date():
    today = dt.date(2026, 6, 1)
    young = Person(birth_date=dt.date(2001, 6, 2))  # 24
    older = Person(birth_date=dt.date(2000, 6, 1))  # 26 today
    assert profile_facts(young, None, today).cej_eligible is True
    assert profile_facts(older, None, today).cej_eligible is False
    assert profile_facts(Person(birth_date=None), None, today).cej_eligible is None


def test_licence_exchange_not_late_within_the_year():
    today = dt.date(2026, 6, 1)
    profile = EmploymentProfile(licence_status="to_exchange", licence_first_receipt_on=dt.date(2025, 12, 1))
    facts = profile_facts(Person(), profile, today)
    assert facts.licence_exchange_deadline == dt.date(2026, 12, 1)
    assert facts.licence_exchange_late is False


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), [("amina", 200), ("olivier", 200), ("hugo", 404), ("claire", 404)])
def test_profile_access(client, cast, followed, persona, expected):
    login(client, getattr(cast, persona))
    assert client.get(reverse("employment:profile", args=[followed.pk])).status_code == expected
    api = client.get(f"/api/v1/persons/{followed.pk}/employment-profile")
    assert api.status_code == expected


def test_marc_sees_language_only_so_no_profile(client, cast, shared_with_marc):
    login(client, cast.marc)
    assert client.get(reverse("persons:detail", args=[shared_with_marc.pk])).status_code == 200
    assert client.get(reverse("employment:profile", args=[shared_with_marc.pk])).status_code == 404
    assert client.get(f"/api/v1/persons/{shared_with_marc.pk}/employment-profile").status_code == 404
    assert client.get(reverse("employment:profile_edit", args=[shared_with_marc.pk])).status_code == 404


def test_visible_but_not_editable_is_403(client, cast, followed):
    consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["employment"],
        recipients=[cast.france_travail],
        purpose="Recherche d'emploi",
        given_on=dt.date.today(),
    )
    login(client, cast.marc)
    assert client.get(reverse("employment:profile", args=[followed.pk])).status_code == 200
    assert client.get(reverse("employment:profile_edit", args=[followed.pk])).status_code == 403
    assert client.get(reverse("employment:cv", args=[followed.pk])).status_code == 403
    assert client.post(reverse("employment:profile_edit", args=[followed.pk]), _profile_post()).status_code == 403
    assert not EmploymentProfile.objects.filter(person=followed).exists()


def test_missing_person_is_404(client, cast):
    login(client, cast.amina)
    assert client.get(reverse("employment:profile", args=[999999])).status_code == 404
    assert client.get("/api/v1/persons/999999/employment-profile").status_code == 404


# --- the profile edit ----------------------------------------------------------------------------


def test_profile_create_and_update(client, cast, followed):
    login(client, cast.amina)
    url = reverse("employment:profile_edit", args=[followed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _profile_post())
    assert response.status_code == 302
    profile = EmploymentProfile.objects.get(person=followed)
    assert profile.mobility_means == ["public_transport", "bike"]
    assert profile.schooling_years == 12
    response = client.post(url, _profile_post(version=str(profile.version), schooling_years="14"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.schooling_years == 14
    assert profile.version == 2
    assert AuditEvent.objects.filter(event="employment.profile.save", person_id=followed.pk).count() == 2


def test_stale_profile_version_shows_the_conflict_screen(client, cast, followed):
    profile = EmploymentProfile.objects.create(person=followed, schooling_years=5)
    EmploymentProfile.objects.filter(pk=profile.pk).update(schooling_years=8, version=2)
    login(client, cast.amina)
    response = client.post(
        reverse("employment:profile_edit", args=[followed.pk]), _profile_post(version="1", schooling_years="10")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un collègue a modifié ce profil" in html
    assert "Années de scolarité" in html
    profile.refresh_from_db()
    assert profile.schooling_years == 8  # nothing overwritten


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"licence_status": "to_exchange"}, "licence_country", "Indiquez le pays qui a délivré le permis."),
        ({"mobility_means": ["teleport"]}, "mobility_means", "Choisissez les moyens de déplacement dans la liste."),
        (
            {"licence_first_receipt_on": "2999-01-01"},
            "licence_first_receipt_on",
            "La date du premier récépissé ne peut pas être dans le futur.",
        ),
    ],
)
def test_profile_validation_in_french(client, cast, followed, overrides, field, message):
    login(client, cast.amina)
    response = client.post(reverse("employment:profile_edit", args=[followed.pk]), _profile_post(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not EmploymentProfile.objects.filter(person=followed).exists()


# --- diplomas ------------------------------------------------------------------------------------


def _diploma_post(**overrides):
    data = {
        "title": "Baccalauréat scientifique",
        "country": "SY",
        "level": "4",
        "field": "Sciences",
        "year": "2012",
        "recognition_status": "not_requested",
        "recognition_requested_on": "",
        "recognition_outcome": "",
    }
    data.update(overrides)
    return data


def test_diploma_add_edit_delete(client, cast, followed):
    login(client, cast.amina)
    response = client.post(reverse("employment:diploma_add", args=[followed.pk]), _diploma_post())
    assert response.status_code == 302
    diploma = Diploma.objects.get(person=followed)
    url = reverse("employment:diploma_edit", args=[followed.pk, diploma.pk])
    response = client.post(url, _diploma_post(recognition_status="requested", recognition_requested_on="2024-02-01"))
    assert response.status_code == 302
    diploma.refresh_from_db()
    assert diploma.recognition_status == "requested"
    response = client.post(reverse("employment:diploma_delete", args=[followed.pk, diploma.pk]))
    assert response.status_code == 302
    assert not Diploma.objects.filter(person=followed).exists()
    assert AuditEvent.objects.filter(event="employment.diploma.delete", person_id=followed.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": str(timezone.localdate().year + 1)}, "year", "L'année d'obtention ne peut pas être dans le futur."),
        (
            {"recognition_status": "requested"},
            "recognition_requested_on",
            "Indiquez la date de la demande de reconnaissance.",
        ),
        (
            {"recognition_status": "obtained", "recognition_requested_on": "2999-01-01"},
            "recognition_requested_on",
            "La date de la demande ne peut pas être dans le futur.",
        ),
    ],
)
def test_diploma_validation_in_french(client, cast, followed, overrides, field, message):
    login(client, cast.amina)
    response = client.post(reverse("employment:diploma_add", args=[followed.pk]), _diploma_post(**overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Diploma.objects.filter(person=followed).exists()


def test_diploma_of_another_person_is_404(client, cast, followed):
    other = PersonFactory()
    diploma = Diploma.objects.create(person=other, title="X", country="AF", level=3)
    login(client, cast.amina)
    assert client.get(reverse("employment:diploma_edit", args=[followed.pk, diploma.pk])).status_code == 404


# --- experiences and target occupations ----------------------------------------------------------


def _experience_post(job, **overrides):
    data = {
        "appellation": f"{job.label} ({job.code_ogr})",
        "country": "AF",
        "years": "3",
        "employer_name": "Boulangerie Kaboul",
        "description": "",
    }
    data.update(overrides)
    return data


def test_experience_add_edit_delete(client, cast, followed, rome):
    login(client, cast.amina)
    cook = appellation_for("G1602")
    response = client.post(reverse("employment:experience_add", args=[followed.pk]), _experience_post(cook))
    assert response.status_code == 302
    experience = WorkExperience.objects.get(person=followed)
    assert experience.rome_code == "G1602"
    url = reverse("employment:experience_edit", args=[followed.pk, experience.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _experience_post(cook, years="4.5")).status_code == 302
    experience.refresh_from_db()
    assert str(experience.years) == "4.5"
    assert client.post(reverse("employment:experience_delete", args=[followed.pk, experience.pk])).status_code == 302
    assert not WorkExperience.objects.filter(person=followed).exists()


@pytest.mark.parametrize("years", ["61", "-1"])
def test_experience_years_between_0_and_60(client, cast, followed, rome, years):
    login(client, cast.amina)
    response = client.post(
        reverse("employment:experience_add", args=[followed.pk]),
        _experience_post(appellation_for("G1602"), years=years),
    )
    assert response.status_code == 200
    assert "Le nombre d'années doit être compris entre 0 et 60." in response.context["form"].errors["years"]
    assert not WorkExperience.objects.exists()


def test_experience_unknown_job_title(client, cast, followed, rome):
    login(client, cast.amina)
    response = client.post(
        reverse("employment:experience_add", args=[followed.pk]),
        _experience_post(appellation_for("G1602"), appellation="Métier (99999999)"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["appellation"]


def test_target_occupations_at_most_five(client, cast, followed, rome):
    login(client, cast.amina)
    url = reverse("employment:target_add", args=[followed.pk])
    codes = ["G1602", "K2204", "N1103", "F1703", "H2102", "A1203"]
    for code in codes[:5]:
        a = appellation_for(code)
        assert client.post(url, {"appellation": f"{a.label} ({a.code_ogr})"}).status_code == 302
    a = appellation_for(codes[5])
    response = client.post(url, {"appellation": f"{a.label} ({a.code_ogr})"})
    assert response.status_code == 200
    assert "5 métiers visés au plus" in response.content.decode()
    assert TargetOccupation.objects.filter(person=followed).count() == 5
    target = TargetOccupation.objects.filter(person=followed).first()
    assert client.post(reverse("employment:target_delete", args=[followed.pk, target.pk])).status_code == 302
    assert TargetOccupation.objects.filter(person=followed).count() == 4


def test_target_occupation_twice_is_refused(client, cast, followed, rome):
    login(client, cast.amina)
    a = appellation_for("G1602")
    url = reverse("employment:target_add", args=[followed.pk])
    assert client.post(url, {"appellation": f"{a.label} ({a.code_ogr})"}).status_code == 302
    response = client.post(url, {"appellation": f"{a.label} ({a.code_ogr})"})
    assert "Ce métier est déjà dans les métiers visés." in response.context["form"].errors["appellation"]


# --- record page and API ---------------------------------------------------------------------------


def test_record_page_has_employment_section(client, cast, followed, rome):
    TargetOccupation.objects.create(person=followed, appellation=appellation_for("G1602"))
    login(client, cast.amina)
    html = client.get(reverse("persons:detail", args=[followed.pk])).content.decode()
    assert 'id="employment"' in html
    assert reverse("employment:profile", args=[followed.pk]) in html


def test_record_page_hides_employment_section_from_marc(client, cast, shared_with_marc):
    login(client, cast.marc)
    html = client.get(reverse("persons:detail", args=[shared_with_marc.pk])).content.decode()
    assert 'id="employment"' not in html


def test_api_employment_profile(client, cast, followed, rome):
    EmploymentProfile.objects.create(person=followed, schooling_years=9, mobility_means=["bike"])
    a = appellation_for("N1103")
    WorkExperience.objects.create(person=followed, appellation=a, country="AF", years=2)
    TargetOccupation.objects.create(person=followed, appellation=appellation_for("K2204"))
    login(client, cast.amina)
    response = client.get(f"/api/v1/persons/{followed.pk}/employment-profile")
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["schooling_years"] == 9
    assert body["experiences"][0]["rome_code"] == "N1103"
    assert body["experiences"][0]["appellation"] == a.label
    assert body["targets"][0]["rome_code"] == "K2204"
    assert AuditEvent.objects.filter(event="employment.read", person_id=followed.pk, user=cast.amina.user).exists()


def test_api_is_documented_in_french(client, cast):
    login(client, cast.amina)
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/persons/{person_id}/employment-profile"]["get"]
    assert "Profil professionnel" in operation["summary"]


def test_person_edit_form_has_cir(client, cast, followed):
    login(client, cast.amina)
    response = client.get(reverse("persons:edit", args=[followed.pk]))
    assert "cir_signed_on" in response.context["form"].fields
    assert "cir_ofii_directorate" in response.context["form"].fields
