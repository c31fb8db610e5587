import datetime as dt

import pytest

from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.directory.selectors import service_counts_by_commune, services_for_person, services_search
from ancrage.pathways.models import DiagnosticItem
from ancrage.persons.models import FrenchAssessment, Protection

from ..factories import PathwayFactory, PersonFactory
from .helpers import BRUZ, RENNES, make_service, make_structure

pytestmark = pytest.mark.django_db


def test_search_filters(territory):
    structure = make_structure(name="Réseau Louis Guilloux")
    french = make_service(structure, name="Atelier de français", languages=["ara"], zone=[BRUZ])
    health = make_service(
        structure,
        name="Consultation médicale",
        description="Médecine générale avec interprète.",
        thematiques=["sante--acces-aux-soins"],
        publics=["tous-publics"],
        commune_id=BRUZ,
    )
    make_service(structure, name="Service fermé", is_active=False)

    def names(**filters):
        return set(services_search(**filters).values_list("name", flat=True))

    assert names() == {"Atelier de français", "Consultation médicale"}
    assert names(q="MEDECINE generale") == {"Consultation médicale"}  # accents and case folded
    assert names(q="guilloux") == {"Atelier de français", "Consultation médicale"}  # structure name
    assert names(thematique="sante") == {"Consultation médicale"}  # a whole category
    assert names(thematique="lecture-ecriture-calcul--maitriser-le-francais") == {"Atelier de français"}
    assert names(public="personnes-exilees") == {"Atelier de français"}
    assert names(language="ara") == {"Atelier de français"}
    # A commune: services located there and those whose zone covers it.
    assert names(commune_id=BRUZ) == {"Atelier de français", "Consultation médicale"}
    assert names(commune_id=RENNES) == {"Atelier de français"}
    counts = service_counts_by_commune()
    assert counts[BRUZ] == 2 and counts[RENNES] == 1
    assert french.pk and health.pk


@pytest.fixture
def person_scope(cast):
    """A refugee in Bruz, A1 in French, with a high language need; shared with Marc (language only)."""
    person = PersonFactory(name=("KAROUI", "Salma"), commune_id=BRUZ)
    pathway = PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=person)
    Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=dt.date(2025, 1, 5))
    FrenchAssessment.objects.create(person=person, assessed_on=dt.date(2025, 3, 1), level="A1", kind="tested")
    DiagnosticItem.objects.create(pathway=pathway, domain="language", need_level=3, assessed_on=dt.date(2025, 3, 1))
    DiagnosticItem.objects.create(pathway=pathway, domain="housing", need_level=1, assessed_on=dt.date(2025, 3, 1))
    consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    structure = make_structure()
    services = {
        "fle": make_service(structure, name="FLE à Bruz", commune_id=BRUZ, zone=[BRUZ]),
        "stateless_only": make_service(structure, name="Réservé aux apatrides", protections_accepted=["stateless"]),
        "b1": make_service(structure, name="Français vers le B2", min_french_level="B1"),
        "rennes_only": make_service(structure, name="FLE réservé aux Rennais", zone=[RENNES]),
        "housing": make_service(
            structure, name="Logement social", thematiques=["logement-hebergement--louer-un-logement"]
        ),
    }
    return person, services


def _names(suggestions):
    return [s.service.name for s in suggestions]


def test_referent_gets_services_matching_everything_she_sees(cast, person_scope):
    person, _services = person_scope
    facts, suggestions = services_for_person(cast.amina.actor, person)
    assert facts.protection == "refugee" and facts.french_level == "A1" and facts.commune_id == BRUZ
    assert facts.needs == {"language": 3}  # need level 1 is ignored
    names = _names(suggestions)
    assert names[0] == "FLE à Bruz"  # commune and need both match
    assert "Réservé aux apatrides" not in names  # status not accepted
    assert "Français vers le B2" not in names  # French level too low
    assert "FLE réservé aux Rennais" not in names  # zone excludes Bruz
    assert "Logement social" not in names  # no such need
    reasons = " ; ".join(suggestions[0].reasons)
    assert "situé à Bruz" in reasons and "besoin prioritaire" in reasons


def test_partner_gets_results_based_only_on_shared_sections(cast, person_scope):
    person, _services = person_scope
    facts, suggestions = services_for_person(cast.marc.actor, person)
    # Marc sees identity and language: no status, no commune, no needs.
    assert facts.protection is None and facts.commune_id is None and facts.needs == {}
    assert facts.french_level == "A1"
    assert facts.sections_used == ["language"]
    names = _names(suggestions)
    assert "Réservé aux apatrides" in names  # status unknown to him: not used to exclude
    assert "FLE réservé aux Rennais" in names  # commune unknown to him
    assert "Logement social" in names  # needs unknown to him
    assert "Français vers le B2" not in names  # French level is shared
    assert not any("Bruz" in reason for s in suggestions for reason in s.reasons)


def test_services_for_person_is_audited(cast, person_scope):
    person, _services = person_scope
    services_for_person(cast.marc.actor, person)
    event = AuditEvent.objects.get(event="directory.services_for_person", user=cast.marc.user)
    assert event.person_id == person.pk and event.action == "read"
    assert event.details == {"sections_used": ["language"]}
