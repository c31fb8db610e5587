"""The access-request export carries the tracks; the health compartment only for the health permission."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from ancrage.organisations.models import Membership
from ancrage.persons.export import _track_tables, person_export_data
from ancrage.tracks.models import BankAccount, HealthCoverage, SocialHousingRequest

pytestmark = pytest.mark.django_db

CSS = "Renouvellement de la complémentaire santé solidaire"


@pytest.fixture
def record(followed):
    HealthCoverage.objects.create(
        person=followed,
        css_status="open",
        css_requested_on=dt.date(2025, 1, 10),
        css_opened_on=dt.date(2025, 2, 1),
        css_expires_on=dt.date(2026, 2, 1),
        gp_declared_on=dt.date(2025, 3, 1),
    )
    SocialHousingRequest.objects.create(
        person=followed, sne_number="035 0125 00042 XY", requested_on=dt.date(2025, 4, 2), household_size=2
    )
    BankAccount.objects.create(person=followed, step="open", opened_on=dt.date(2025, 5, 5), bank_name="Banque A")
    return followed


def _with_health(persona, allowed: bool):
    Membership.objects.filter(pk=persona.membership.pk).update(can_access_health=allowed)
    persona.membership.refresh_from_db()


def test_the_export_holds_the_tracks_and_health_only_with_the_permission(cast, record, as_persona):
    _with_health(cast.amina, False)
    data = json.loads(as_persona(cast.amina).get(reverse("persons:export_json", args=[record.pk])).content)
    assert data["social_housing_requests"][0]["sne_number"] == "035 0125 00042 XY"
    assert data["bank_account"][0]["bank_name"] == "Banque A"
    assert "health" not in data
    assert CSS not in {d["code"] for d in data["deadlines"]}
    assert "Renouvellement de la demande de logement social" in {d["code"] for d in data["deadlines"]}

    _with_health(cast.amina, True)
    data = person_export_data(cast.amina.actor, record)
    assert data["health"][0]["gp_declared_on"] == "2025-03-01"
    assert CSS in {d["code"] for d in data["deadlines"]}
    titles = [title for title, _headers, _rows in _track_tables(data)]
    assert "Santé (couverture)" in titles and "Demandes de logement social" in titles


def test_the_pdf_export_renders_the_tracks(cast, record, as_persona):
    _with_health(cast.amina, False)
    response = as_persona(cast.amina).get(reverse("persons:export_pdf", args=[record.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
