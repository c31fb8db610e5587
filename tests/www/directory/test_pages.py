import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.directory.models import Service
from ancrage.persons.models import Protection

from ...directory.helpers import BRUZ, RENNES, make_service, make_structure
from ...factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_search_page_filters_and_htmx_partial(cast, as_persona):
    structure = make_structure(cast.agir)
    make_service(structure, name="Atelier de français")
    make_service(structure, name="Consultation médicale", thematiques=["sante--acces-aux-soins"])
    client = as_persona(cast.marc)
    response = client.get(reverse("directory:list"))
    assert response.status_code == 200
    assert "Atelier de français" in response.text and "Consultation médicale" in response.text
    response = client.get(reverse("directory:list"), {"thematique": "sante"})
    assert "Consultation médicale" in response.text and "Atelier de français" not in response.text
    response = client.get(reverse("directory:list"), {"q": "medicale"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text and 'id="resultats"' in response.text
    assert "Consultation médicale" in response.text


def test_search_page_empty_states(cast, as_persona):
    client = as_persona(cast.claire)
    assert "L'annuaire est vide pour l'instant" in client.get(reverse("directory:list")).text
    make_service()
    assert "Aucun service ne correspond" in client.get(reverse("directory:list"), {"q": "zzzz"}).text


def test_search_page_runs_a_bounded_number_of_queries(cast, as_persona):
    structure = make_structure(cast.agir)
    for i in range(5):
        make_service(structure, name=f"Service {i}", zone=[BRUZ])
    client = as_persona(cast.amina)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("directory:list"), {"commune": BRUZ}).status_code == 200
    for i in range(5, 30):
        make_service(structure, name=f"Service {i}", zone=[BRUZ], age_days=300)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("directory:list"), {"commune": BRUZ})
    assert "À actualiser" in response.text
    assert len(many) == len(few)


def test_service_page_shows_update_date_and_stale_badge(cast, as_persona):
    service = make_service(make_structure(cast.agir), age_days=250, languages=["ara"], interpreting=True)
    response = as_persona(cast.hugo).get(reverse("directory:service_detail", args=[service.pk]))
    assert response.status_code == 200
    assert "mis à jour le" in response.text and "À actualiser" in response.text
    assert "Modifier" not in response.text
    response = as_persona(cast.olivier).get(reverse("directory:service_detail", args=[service.pk]))
    assert reverse("directory:service_edit", args=[service.pk]) in response.text


def test_map_page_renders_communes_as_svg_with_links_and_table(cast, as_persona):
    make_service(zone=[BRUZ])
    response = as_persona(cast.claire).get(reverse("directory:map"))
    assert response.status_code == 200
    text = response.text
    assert "<svg" in text and '<path d="M' in text
    assert "<title>Bruz : 1 service</title>" in text
    assert f"?commune={BRUZ}" in text and f"?commune={RENNES}" in text
    assert "<caption>Services par commune</caption>" in text
    assert "http" not in text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")


def _form_data(service: Service, **changes) -> dict:
    data = {
        "structure": service.structure_id,
        "name": service.name,
        "description": service.description,
        "thematiques": service.thematiques,
        "publics": service.publics,
        "types": service.types,
        "modes_accueil": ["en-presentiel"],
        "commune": RENNES,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_org_admin_edits_own_service(cast, as_persona):
    service = make_service(make_structure(cast.agir), age_days=300)
    client = as_persona(cast.olivier)
    url = reverse("directory:service_edit", args=[service.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(service, name="Cours de français renforcé", waiting_days="12"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Cours de français renforcé" and service.waiting_days == 12 and not service.stale
    assert AuditEvent.objects.filter(event="directory.service.update", user=cast.olivier.user).exists()


def test_invalid_edit_shows_french_errors_and_saves_nothing(cast, as_persona):
    service = make_service(make_structure(cast.agir))
    client = as_persona(cast.olivier)
    url = reverse("directory:service_edit", args=[service.pk])
    response = client.post(
        url, _form_data(service, name="", commune="", modes_mobilisation=["telephoner"], waiting_days="99999")
    )
    assert response.status_code == 200
    assert "rien n'a été enregistré" in response.text
    assert "Indiquez la commune d&#x27;un service qui reçoit en présentiel." in response.text
    assert "Indiquez le numéro à appeler." in response.text
    service.refresh_from_db()
    assert service.name == "Cours de français"


@pytest.mark.parametrize("persona", ["hugo", "marc", "claire"])
def test_others_may_not_edit_a_service(cast, as_persona, persona):
    service = make_service(make_structure(cast.agir))
    client = as_persona(getattr(cast, persona))
    url = reverse("directory:service_edit", args=[service.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(service, name="Piraté")).status_code == 403
    service.refresh_from_db()
    assert service.name == "Cours de français"


def test_create_service_for_own_structure_only(cast, as_persona):
    mine = make_structure(cast.agir, name="AGIR 35")
    other = make_structure(cast.other_association, name="Un Toit")
    client = as_persona(cast.amina)
    url = reverse("directory:service_create")
    response = client.get(url)
    assert "AGIR 35" in response.text and "Un Toit" not in response.text
    data = {
        "structure": mine.pk,
        "name": "Permanence logement",
        "description": "Accueil des demandeurs de logement.",
        "thematiques": ["logement-hebergement--louer-un-logement"],
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    assert Service.objects.get(name="Permanence logement").structure == mine
    response = client.post(url, {**data, "structure": other.pk, "name": "Intrus"})
    assert response.status_code == 200 and not Service.objects.filter(name="Intrus").exists()
    assert as_persona(cast.marc).get(url).status_code == 403


def test_services_for_person_page(cast, as_persona):
    person = PersonFactory(name=("KAROUI", "Salma"), commune_id=BRUZ)
    PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=person)
    Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=dt.date(2025, 1, 5))
    make_service(name="FLE à Bruz", zone=[BRUZ])
    url = reverse("directory:for_person", args=[person.pk])
    response = as_persona(cast.amina).get(url)
    assert response.status_code == 200
    assert "FLE à Bruz" in response.text and "dessert Bruz" in response.text
    assert AuditEvent.objects.filter(event="directory.for_person", person_id=person.pk).exists()
    assert as_persona(cast.hugo).get(url).status_code == 404
