"""The job-title field: a suggestion picked from the list, or an unambiguous text; never a silent guess."""

import pytest
from django import forms
from django.urls import reverse

from ancrage.www.employment.rome_field import AppellationField
from tests.conftest import login

pytestmark = pytest.mark.django_db


class JobForm(forms.Form):
    job = AppellationField(label="Métier")


def test_a_picked_suggestion_gives_its_appellation(rome):
    form = JobForm({"job": "Abatteur / Abatteuse de carrière (10200)"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["job"].occupation.code == "F1402"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Pilote de fusée (99999999)", "Ce code ROME n'existe pas"),
        ("zzzqqq", "Aucun métier ne correspond à « zzzqqq »"),
        ("aide", "Plusieurs métiers correspondent à « aide »"),
    ],
)
def test_unknown_or_ambiguous_text_is_refused_with_a_clear_message(rome, text, message):
    form = JobForm({"job": text})
    assert not form.is_valid()
    assert message in form.errors["job"][0]


def test_suggestions_for_case_workers_only(client, cast, rome):
    url = reverse("employment:appellation_search") + "?q=cariste"
    response = login(client, cast.amina).get(url)
    assert response.status_code == 200 and "Cariste" in response.content.decode()
    assert login(client, cast.claire).get(url).status_code == 404
