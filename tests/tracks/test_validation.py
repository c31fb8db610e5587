"""Bad input on the tracks forms: a clear French message, nothing saved."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.core.concurrency import save_versioned
from ancrage.persons.models import Situation
from ancrage.territory.models import Commune
from ancrage.tracks.models import HealthCoverage, HousingOffer, SiaoRequest, SocialHousingRequest

from ..conftest import login

pytestmark = pytest.mark.django_db

FUTURE = (dt.date.today() + dt.timedelta(days=10)).isoformat()


def _post(client, cast, url, data):
    response = login(client, cast.amina).post(url, data)
    assert response.status_code == 200, "the form is shown again with its errors"
    return response, response.context["form"]


def test_overlapping_housing_periods_are_refused(client, cast, person):
    before = Situation.objects.filter(person=person).count()
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "situation-logement"]),
        {"status": "chrs", "start_date": "2025-03-01", "end_date": "2025-05-01"},
    )
    assert "chevauche une autre situation de logement" in " ".join(form.errors["start_date"])
    assert Situation.objects.filter(person=person).count() == before


def test_a_second_current_housing_situation_overlaps(client, cast, person):
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "situation-logement"]),
        {"status": "social_rental", "start_date": "2025-10-01"},
    )
    assert "chevauche" in " ".join(form.errors["start_date"])


def test_consecutive_housing_periods_are_fine(client, cast, person):
    current = Situation.objects.get(person=person, end_date__isnull=True)
    response = login(client, cast.amina).post(
        reverse("tracks:item_edit", args=[person.pk, "situation-logement", current.pk]),
        {"status": "third_party", "start_date": "2025-06-30", "end_date": "2025-09-30"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tracks:item_add", args=[person.pk, "situation-logement"]),
        {"status": "social_rental", "start_date": "2025-09-30"},
    )
    assert response.status_code == 302
    assert Situation.objects.filter(person=person, domain="housing", status="social_rental").exists()


def test_css_expiry_before_opening(client, cast, person):
    coverage = HealthCoverage.objects.get(person=person)
    _response, form = _post(
        client,
        cast,
        reverse("tracks:record_edit", args=[person.pk, "sante"]),
        {
            "version": coverage.version,
            "puma_status": "open",
            "puma_requested_on": "2025-01-05",
            "puma_opened_on": "2025-02-01",
            "css_status": "open",
            "css_requested_on": "2025-01-05",
            "css_opened_on": "2025-02-01",
            "css_expires_on": "2025-01-20",
        },
    )
    assert "ne peut pas précéder" in str(form.errors)
    coverage.refresh_from_db()
    assert coverage.css_expires_on != dt.date(2025, 1, 20)


def test_puma_opened_before_requested(client, cast, person):
    coverage = HealthCoverage.objects.get(person=person)
    _response, form = _post(
        client,
        cast,
        reverse("tracks:record_edit", args=[person.pk, "sante"]),
        {
            "version": coverage.version,
            "puma_status": "open",
            "puma_requested_on": "2025-03-05",
            "puma_opened_on": "2025-02-01",
            "css_status": "none",
        },
    )
    assert "ne peut pas précéder la demande" in str(form.errors)


def test_renewal_before_request(client, cast, person):
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "logement-social"]),
        {
            "sne_number": "035012345678",
            "requested_on": "2025-05-01",
            "last_renewed_on": "2025-04-01",
            "household_size": 2,
            "status": "active",
        },
    )
    assert "Le renouvellement ne peut pas précéder la demande." in str(form.errors)
    assert not SocialHousingRequest.objects.filter(person=person).exists()


def test_dates_in_the_future(client, cast, person):
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "siao"]),
        {"kind": "emergency", "requested_on": FUTURE, "status": "pending"},
    )
    assert form.errors["requested_on"] == ["Cette date ne peut pas être dans le futur."]
    assert SiaoRequest.objects.filter(person=person).count() == 1


def test_sne_number_format(client, cast, person):
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "logement-social"]),
        {"sne_number": "ABC", "requested_on": "2025-05-01", "household_size": 2, "status": "active"},
    )
    assert "Le numéro unique commence par le code du département" in " ".join(form.errors["sne_number"])


def test_rent_range(client, cast, person, territory):
    _response, form = _post(
        client,
        cast,
        reverse("tracks:item_add", args=[person.pk, "proposition"]),
        {
            "landlord": "Archipel Habitat",
            "commune": Commune.objects.first().pk,
            "typology": "T2",
            "rent": "6000",
            "offered_on": "2025-09-01",
            "decision": "pending",
        },
    )
    assert "rent" in form.errors and "5000" in form.errors["rent"][0]
    assert not HousingOffer.objects.filter(person=person).exists()


def test_stale_version_shows_the_conflict_screen(client, cast, person):
    request = SocialHousingRequest.objects.create(
        person=person, sne_number="035012345678", requested_on=dt.date(2025, 5, 1), household_size=2
    )
    url = reverse("tracks:item_edit", args=[person.pk, "logement-social", request.pk])
    login(client, cast.amina)
    assert client.get(url).status_code == 200
    # A colleague saves meanwhile.
    request.household_size = 4
    save_versioned(request, expected_version=1)
    response = client.post(
        url,
        {
            "version": 1,
            "sne_number": "035012345678",
            "requested_on": "2025-05-01",
            "household_size": 3,
            "status": "active",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un collègue a modifié cette fiche" in html
    assert "Champs qui diffèrent" in html
    request.refresh_from_db()
    assert request.household_size == 4 and request.version == 2
    # Saving again from the screen (now at version 2) keeps the user's input.
    response = client.post(
        url,
        {
            "version": 2,
            "sne_number": "035012345678",
            "requested_on": "2025-05-01",
            "household_size": 3,
            "status": "active",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.household_size == 3 and request.version == 3
