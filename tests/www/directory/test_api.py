import pytest
from data_inclusion.schema import v1
from django.urls import reverse

from ancrage.organisations.models import ApiToken

from ...directory.helpers import BRUZ, make_service, make_structure

pytestmark = pytest.mark.django_db


def test_services_api_returns_data_inclusion_records(cast, client):
    structure = make_structure(cast.agir)
    make_service(structure, name="Atelier de français", zone=[BRUZ])
    make_service(structure, name="Consultation médicale", thematiques=["sante--acces-aux-soins"])
    make_service(structure, name="Service fermé", is_active=False)
    url = reverse("api:service_list")
    assert client.get(url).status_code == 401
    _token, key = ApiToken.issue(membership=cast.marc.membership, name="test")
    headers = {"Authorization": f"Bearer {key}"}
    body = client.get(url, headers=headers).json()
    assert body["count"] == 2 and body["pages"] == 1
    for record in body["results"]:
        v1.Service.model_validate(record)
    body = client.get(url, {"thematique": "sante"}, headers=headers).json()
    assert [r["nom"] for r in body["results"]] == ["Consultation médicale"]
    body = client.get(url, {"commune": BRUZ, "q": "FRANCAIS"}, headers=headers).json()
    assert [r["nom"] for r in body["results"]] == ["Atelier de français"]
    body = client.get(url, {"page": 2, "page_size": 1}, headers=headers).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["pages"] == 2
    assert client.get(url, {"page_size": 1000}, headers=headers).status_code == 422
