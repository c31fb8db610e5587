"""GET /api/v1/rome/appellations: reference data, behind the API's authentication."""

import pytest

from ancrage.organisations.models import ApiToken
from ancrage.rome.models import RomeAppellation

URL = "/api/v1/rome/appellations"


def bearer(persona) -> dict[str, str]:
    _token, key = ApiToken.issue(membership=persona.membership, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_anonymous_callers_get_401(client, rome):
    response = client.get(URL, {"q": "cariste"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentification requise."


def test_an_invalid_token_gets_401(client, rome):
    response = client.get(URL, {"q": "cariste"}, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_a_token_finds_appellations_with_their_fiche(client, cast, rome):
    codes = dict(RomeAppellation.objects.filter(occupation__code="J1501").values_list("label", "code_ogr"))

    response = client.get(URL, {"q": "aide soignant", "limit": 2}, **bearer(cast.amina))

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": str(codes[label]),
            "label": label,
            "rome_code": "J1501",
            "rome_label": "Aide-soignant / Aide-soignante",
        }
        for label in ("Aide-soignant / Aide-soignante", "Aide-soignant / Aide-soignante en gériatrie")
    ]


@pytest.mark.parametrize("persona", ["marc", "claire", "sofia"])
def test_any_signed_in_user_may_search(as_persona, cast, rome, persona):
    response = as_persona(getattr(cast, persona)).get(URL, {"q": "ménage"})
    assert response.status_code == 200
    assert response.json()[0]["label"] == "Employé / Employée de ménage"
    assert len(response.json()) == 20


def test_an_empty_query_gives_an_empty_list(as_persona, cast, rome):
    assert as_persona(cast.amina).get(URL).json() == []


@pytest.mark.parametrize("limit", [0, 51, "many"])
def test_the_limit_is_validated(as_persona, cast, rome, limit):
    assert as_persona(cast.amina).get(URL, {"q": "cariste", "limit": limit}).status_code == 422
