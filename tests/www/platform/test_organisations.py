"""Organisation list and form (/plateforme/organisations/): platform administrators only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.organisations.models import Organisation, OrganisationKind, Role
from ancrage.territory.models import Commune
from tests.conftest import Persona
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import assert_page, events

VALID_SIRET = "13002526500013"
LIST_URL = reverse("platform:organisations")
CREATE_URL = reverse("platform:organisation_create")


def _form_data(**overrides):
    rennes = Commune.objects.get(name="Rennes")
    data = {
        "name": "Secours Populaire d'Ille-et-Vilaine",
        "short_name": "SPF 35",
        "kind": OrganisationKind.ASSOCIATION,
        "siret": VALID_SIRET,
        "email": "contact@spf35.org",
        "phone": "02 99 00 00 00",
        "address": "1 rue de la Paix",
        "commune": rennes.pk,
        "communes": [rennes.pk],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_sofia_sees_the_organisations_with_their_active_member_counts(cast, as_persona):
    MembershipFactory(organisation=cast.agir, is_active=False)
    html = assert_page(as_persona(cast.sofia).get(LIST_URL))
    assert "Ajouter une organisation" in html
    assert "<caption>" in html
    assert "Coallia — plateforme AGIR 35" in html
    row = next(r for r in html.split('data-testid="organisation-row"') if "AGIR 35" in r)
    assert "<td>2</td>" in row  # Amina and Olivier; the inactive membership is not counted


def test_search_by_name_or_siret_and_filter_by_kind(cast, as_persona):
    OrganisationFactory(name="Secours Catholique", siret=VALID_SIRET, kind=OrganisationKind.ASSOCIATION)
    client = as_persona(cast.sofia)
    html = assert_page(client.get(LIST_URL, {"q": "130 025"}))
    assert "Secours Catholique" in html
    assert "France Travail Rennes" not in html
    html = assert_page(client.get(LIST_URL, {"q": "travail"}))
    assert "France Travail Rennes" in html
    assert "Secours Catholique" not in html
    html = assert_page(client.get(LIST_URL, {"kind": OrganisationKind.STATE}))
    assert "DDETS" in html
    assert "Rennes Métropole" not in html


def test_an_unknown_kind_is_an_error_in_french_not_a_crash(cast, as_persona):
    html = assert_page(as_persona(cast.sofia).get(LIST_URL, {"kind": "nope", "page": "x"}))
    assert "Sélectionnez un choix valide" in html


def test_empty_search_shows_the_empty_state(cast, as_persona):
    html = assert_page(as_persona(cast.sofia).get(LIST_URL, {"q": "zzzz"}))
    assert 'data-testid="empty-state"' in html
    assert "Aucune organisation ne correspond" in html


def test_empty_list_invites_to_add_an_organisation(db, as_persona):
    admin = Persona(user=UserFactory(is_staff=True), membership=None)
    html = assert_page(as_persona(admin).get(LIST_URL))
    assert "Aucune organisation pour l'instant" in html


def test_list_is_paginated(cast, as_persona, settings):
    settings.PAGE_SIZE = 2
    html = assert_page(as_persona(cast.sofia).get(LIST_URL, {"page": 2}))
    assert "fr-pagination" in html
    assert "2 / 3" in html


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert_page(client.get(LIST_URL))
    return len(ctx.captured_queries)


def test_list_runs_a_bounded_number_of_queries(cast, as_persona, django_assert_max_num_queries):
    client = as_persona(cast.sofia)
    few = _count_queries(client)
    for _ in range(15):
        MembershipFactory(organisation=OrganisationFactory(commune=Commune.objects.first()), role=Role.REFERENT)
    assert Organisation.objects.count() == 20
    assert _count_queries(client) == few
    with django_assert_max_num_queries(7):  # +1: the second-factor device (django-otp)
        client.get(LIST_URL)


def test_sofia_creates_an_organisation(cast, as_persona):
    response = as_persona(cast.sofia).post(CREATE_URL, _form_data())
    organisation = Organisation.objects.get(siret=VALID_SIRET)
    assert response.status_code == 302
    assert response.url == reverse("platform:organisation_members", args=[organisation.pk])
    assert organisation.short_name == "SPF 35"
    assert organisation.commune.name == "Rennes"
    assert [c.name for c in organisation.communes.all()] == ["Rennes"]
    assert events("organisation.create").filter(object_id=str(organisation.pk)).exists()


def test_the_form_lists_the_communes_of_the_territory(cast, as_persona):
    html = assert_page(as_persona(cast.sofia).get(CREATE_URL))
    assert html.count('name="communes"') == Commune.objects.count() == 43
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("13002526500014", "Ce SIRET n&#x27;est pas valide (clé de contrôle)."),
        ("1300252650", "Le SIRET doit comporter exactement 14 chiffres."),
        ("ABCDEFGHIJKLMN", "Le SIRET doit comporter exactement 14 chiffres."),
    ],
)
def test_an_invalid_siret_gets_a_french_error_and_nothing_is_saved(cast, as_persona, siret, message):
    before = Organisation.objects.count()
    html = assert_page(as_persona(cast.sofia).post(CREATE_URL, _form_data(siret=siret)))
    assert message in html
    assert "Le formulaire contient des erreurs" in html
    assert "Secours Populaire d&#x27;Ille-et-Vilaine" in html  # what was typed is kept
    assert Organisation.objects.count() == before
    assert not events("organisation.create").exists()


def test_a_siret_typed_with_spaces_is_accepted(cast, as_persona):
    response = as_persona(cast.sofia).post(CREATE_URL, _form_data(siret="130 025 265 00013"))
    assert response.status_code == 302
    assert Organisation.objects.filter(siret=VALID_SIRET).exists()


def test_a_duplicate_siret_is_refused(cast, as_persona):
    OrganisationFactory(siret=VALID_SIRET)
    html = assert_page(as_persona(cast.sofia).post(CREATE_URL, _form_data()))
    assert "Une organisation avec ce SIRET existe déjà." in html
    assert Organisation.objects.filter(siret=VALID_SIRET).count() == 1


def test_bad_input_everywhere_never_crashes(cast, as_persona):
    data = _form_data(
        name="", kind="nope", email="pas-une-adresse", phone="abc", commune="99999", communes=["nope"], siret=""
    )
    html = assert_page(as_persona(cast.sofia).post(CREATE_URL, data))
    assert "Ce champ est obligatoire." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert "Saisissez un numéro de téléphone valide" in html
    assert not Organisation.objects.filter(email="pas-une-adresse").exists()


def test_sofia_updates_an_organisation(cast, as_persona):
    url = reverse("platform:organisation_update", args=[cast.agir.pk])
    client = as_persona(cast.sofia)
    html = assert_page(client.get(url))
    assert 'name="loaded_at"' in html
    data = _form_data(name="AGIR 35 — Coallia", siret="", loaded_at=cast.agir.updated_at.isoformat())
    response = client.post(url, data)
    assert response.status_code == 302
    cast.agir.refresh_from_db()
    assert cast.agir.name == "AGIR 35 — Coallia"
    event = events("organisation.update").get()
    assert "name" in event.details["fields"]


def test_a_stale_edit_keeps_the_input_and_saves_nothing(cast, as_persona):
    url = reverse("platform:organisation_update", args=[cast.agir.pk])
    loaded_at = cast.agir.updated_at.isoformat()
    Organisation.objects.filter(pk=cast.agir.pk).update(name="Changed meanwhile")
    Organisation.objects.get(pk=cast.agir.pk).save()  # bumps updated_at
    client = as_persona(cast.sofia)
    html = assert_page(client.post(url, _form_data(name="My edit", siret="", loaded_at=loaded_at)))
    assert "Quelqu&#x27;un d&#x27;autre a modifié cette organisation" in html
    assert 'value="My edit"' in html
    cast.agir.refresh_from_db()
    assert cast.agir.name == "Changed meanwhile"
    # Submitting again (the form now carries the current version) saves.
    fresh = cast.agir.updated_at.isoformat()
    assert fresh in html
    assert client.post(url, _form_data(name="My edit", siret="", loaded_at=fresh)).status_code == 302


def test_update_of_a_missing_organisation_is_404(cast, as_persona):
    assert_page(as_persona(cast.sofia).get(reverse("platform:organisation_update", args=[99999])), 404)
