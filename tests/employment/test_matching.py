"""Explained matching: every component on hand-made cases, then ranking, access and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.employment.matching import (
    OpportunityFacts,
    PersonFacts,
    haversine_km,
    match_pair,
    rank_candidates,
    rank_opportunities,
    score,
)
from ancrage.employment.models import EmploymentProfile, Opportunity, TargetOccupation, WorkExperience
from ancrage.persons.models import FrenchAssessment

from ..conftest import login
from ..factories import OpportunityFactory, PathwayFactory, appellation_for

PARENTS = {"K1302": "K1302", "K1306": "K1302", "K1311": "K1302", "K1303": "K1303", "K2204": "K2204"}
TODAY = dt.date(2026, 6, 1)
RENNES = (48.1113, -1.6800)


def person(**kw) -> PersonFacts:
    return PersonFacts(person_id=kw.pop("person_id", 1), **kw)


def opp(**kw) -> OpportunityFacts:
    kw.setdefault("kind", "job")
    return OpportunityFacts(opportunity_id=kw.pop("opportunity_id", 10), **kw)


def reason(match, code):
    found = [r for r in match.reasons if r.code == code]
    assert found, f"no {code} in {match.reasons}"
    return found[0]


# --- occupation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("targets", "experiences", "code", "points", "expected"),
    [
        (["K1302"], [], "occupation_target", 45, "plus"),
        ([], [("K1302", Decimal("3"))], "occupation_experience", 38, "plus"),
        ([], [("K1302", Decimal("12.5"))], "occupation_experience", 40, "plus"),
        (["K1306"], [], "occupation_parent", 25, "plus"),
        (["K1303"], [], "occupation_domain", 15, "plus"),
        (["K2204"], [], "occupation_family", 5, "plus"),
        (["A1101"], [], "occupation_none", 0, "missing"),
        ([], [], "occupation_unknown", 0, "missing"),
    ],
)
def test_occupation_component(targets, experiences, code, points, expected):
    match = score(person(targets=targets, experiences=experiences), opp(rome_code="K1302"), PARENTS, TODAY)
    r = reason(match, code)
    assert (r.points, r.kind) == (points, expected)


def test_the_best_occupation_relation_wins():
    facts = person(targets=["K2204", "K1302"], experiences=[("K1302", Decimal("2"))])
    assert reason(score(facts, opp(rome_code="K1302"), PARENTS, TODAY), "occupation_target").points == 45


def test_training_without_rome_code_is_neutral():
    match = score(person(targets=["K1302"]), opp(kind="training", rome_code=""), PARENTS, TODAY)
    r = reason(match, "occupation_neutral")
    assert (r.points, r.kind) == (20, "info")


# --- French ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "level", "kind", "points", "label", "expected"),
    [
        ("B1", "B2", "certified", 25, "B1 requis, B2 certifié", "plus"),
        ("B1", "B1", "tested", 25, "B1 requis, B1 testé", "plus"),
        ("B1", "A2", "certified", 10, "B1 requis, A2 certifié", "missing"),
        ("B1", "A1", "self", 0, "B1 requis, A1 auto-évalué", "missing"),
        ("B1", "", "", 10, "Niveau de français inconnu", "info"),
        ("", "A1", "self", 25, "Pas de niveau de français exigé", "info"),
    ],
)
def test_french_component(required, level, kind, points, label, expected):
    match = score(person(french_level=level, french_kind=kind), opp(min_french_level=required), PARENTS, TODAY)
    r = next(r for r in match.reasons if r.code.startswith("french"))
    assert (r.points, r.label, r.kind) == (points, label, expected)


# --- distance --------------------------------------------------------------------------------------


def test_haversine_known_distance():
    # Rennes → Paris (centres): about 308 km.
    assert 300 < haversine_km(48.1113, -1.68, 48.8566, 2.3522) < 315


def test_distance_within_and_beyond_mobility():
    here = person(latitude=RENNES[0], longitude=RENNES[1], mobility_radius_km=20)
    near = opp(latitude=RENNES[0] + 0.072, longitude=RENNES[1])  # 8 km north
    far = opp(latitude=RENNES[0] + 0.288, longitude=RENNES[1])  # 32 km north
    r = reason(score(here, near, PARENTS, TODAY), "distance_within")
    assert (r.label, r.points, r.kind) == ("à 8 km (mobilité 20 km)", 15, "plus")
    r = reason(score(here, far, PARENTS, TODAY), "distance_beyond")
    assert (r.label, r.points, r.kind) == ("à 32 km, au-delà de sa mobilité (20 km)", 0, "missing")


def test_distance_default_radius_and_unknown_commune():
    here = person(latitude=RENNES[0], longitude=RENNES[1])
    r = reason(score(here, opp(latitude=RENNES[0] + 0.153, longitude=RENNES[1]), PARENTS, TODAY), "distance_beyond")
    assert r.label == "à 17 km, au-delà de sa mobilité (15 km)"
    r = reason(score(here, opp(), PARENTS, TODAY), "distance_unknown")
    assert (r.points, r.kind) == (7, "info")


# --- constraints and dates -------------------------------------------------------------------------


def test_licence_required_blocks_who_cannot_drive():
    match = score(person(licence_status="requested"), opp(licence_required=True), PARENTS, TODAY)
    assert match.blocking
    r = reason(match, "licence_missing")
    assert (r.label, r.kind) == ("Permis B exigé", "missing")
    assert not score(person(licence_status="exchanged"), opp(licence_required=True), PARENTS, TODAY).blocking


def test_part_time_availability_and_late_availability():
    facts = person(availability="part_time", available_from=dt.date(2026, 9, 1))
    match = score(facts, opp(hours_per_week=Decimal("35"), start_date=dt.date(2026, 7, 1)), PARENTS, TODAY)
    assert reason(match, "hours_too_many").kind == "missing"
    assert reason(match, "available_later").label == "Disponible à partir du 01/09/2026"
    assert reason(match, "constraints_partial").points == 0
    ok = score(person(availability="part_time"), opp(hours_per_week=Decimal("24")), PARENTS, TODAY)
    assert reason(ok, "constraints_ok").points == 15


def test_full_score_and_bounds():
    facts = person(
        targets=["K1302"],
        french_level="B2",
        french_kind="certified",
        latitude=RENNES[0],
        longitude=RENNES[1],
        licence_status="french",
    )
    offer = opp(rome_code="K1302", min_french_level="B1", latitude=RENNES[0], longitude=RENNES[1])
    assert score(facts, offer, PARENTS, TODAY).score == 100
    assert score(person(), opp(rome_code="A1101", min_french_level="C1"), PARENTS, TODAY).score == 0 + 10 + 7 + 15


def test_scoring_is_deterministic():
    facts = person(targets=["K1306"], experiences=[("K1303", Decimal("1"))], french_level="A2", french_kind="self")
    offer = opp(rome_code="K1302", min_french_level="B1", licence_required=True)
    assert score(facts, offer, PARENTS, TODAY) == score(facts, offer, PARENTS, TODAY)


# --- with the database -----------------------------------------------------------------------------


@pytest.fixture
def candidate(cast, rome):
    pathway = PathwayFactory(operator=cast.agir, referent=cast.amina.user)
    p = pathway.person
    TargetOccupation.objects.create(person=p, appellation=appellation_for("K1302"))
    WorkExperience.objects.create(person=p, appellation=appellation_for("K2204"), country="AF", years=Decimal("2"))
    EmploymentProfile.objects.create(person=p, licence_status="none", mobility_radius_km=20)
    day = dt.date(2026, 1, 10)
    FrenchAssessment.objects.create(person=p, assessed_on=day, level="A2", kind="self")
    FrenchAssessment.objects.create(person=p, assessed_on=day, level="B1", kind="certified")
    FrenchAssessment.objects.create(person=p, assessed_on=dt.date(2025, 1, 1), level="C1", kind="certified")
    return p


def _opportunity(cast, code="K1302", **kw):
    return OpportunityFactory(organisation=cast.agir, appellation=appellation_for(code), **kw)


def test_match_pair_reads_the_record(candidate, cast):
    offer = _opportunity(cast, min_french_level="B2")
    match = match_pair(candidate.pk, offer)
    assert reason(match, "occupation_target").points == 45
    # Latest assessment; on the same date, certified wins over self-assessed.
    assert reason(match, "french_below").label == "B2 requis, B1 certifié"


def test_rank_opportunities_orders_filters_and_excludes(candidate, cast):
    best = _opportunity(cast, "K1302")
    close = _opportunity(cast, "K1306")
    twin = _opportunity(cast, "K1306")
    blocked = _opportunity(cast, "K1302", licence_required=True)
    _opportunity(cast, "K1302", status="closed", closed_on=dt.date.today())
    _opportunity(cast, "K1302", start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 6, 1))
    training = OpportunityFactory(
        organisation=cast.agir, kind="training", training_type="work_french", appellation=None, contract_type=""
    )
    ids = [m.opportunity_id for m in rank_opportunities(candidate.pk)]
    assert ids[:3] == [best.pk, close.pk, twin.pk]  # equal scores: by id
    assert blocked.pk not in ids and training.pk in ids and len(ids) == 4
    with_blocked = rank_opportunities(candidate.pk, include_blocked=True)
    assert blocked.pk in [m.opportunity_id for m in with_blocked if m.blocking]
    assert [m.opportunity_id for m in rank_opportunities(candidate.pk, kinds=["training"])] == [training.pk]
    assert rank_opportunities(candidate.pk, limit=1)[0].opportunity_id == best.pk


def test_rank_opportunities_query_count_is_bounded(candidate, cast, django_assert_max_num_queries):
    for _ in range(3):
        _opportunity(cast)
    with django_assert_max_num_queries(8):
        few = rank_opportunities(candidate.pk)
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                kind="job",
                title=f"Offre {i}",
                organisation=cast.agir,
                appellation=appellation_for("K2204"),
                rome_code="K2204",
                contract_type="cdi",
                opened_on=dt.date.today(),
            )
            for i in range(60)
        ]
    )
    with django_assert_max_num_queries(8):
        many = rank_opportunities(candidate.pk, limit=100)
    assert len(many) == len(few) + 60


def test_rank_candidates_only_among_visible_employment_sections(candidate, cast, django_assert_max_num_queries):
    offer = _opportunity(cast)
    other = PathwayFactory(operator=cast.agir, referent=cast.amina.user).person
    outsider = PathwayFactory(operator=cast.other_association).person
    TargetOccupation.objects.create(person=outsider, appellation=appellation_for("K1302"))
    with django_assert_max_num_queries(10):
        ranked = rank_candidates(cast.amina.actor, offer)
    assert [m.person_id for m in ranked] == [candidate.pk, other.pk]
    assert rank_candidates(cast.hugo.actor, offer)[0].person_id == outsider.pk
    assert candidate.pk not in [m.person_id for m in rank_candidates(cast.hugo.actor, offer)]
    # Marc sees the record through a consent on the language section only: no candidate.
    consent_record(
        actor=cast.amina.actor,
        person=candidate,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    assert rank_candidates(cast.marc.actor, offer) == []
    for _ in range(5):
        PathwayFactory(operator=cast.agir, referent=cast.amina.user)
    with django_assert_max_num_queries(10):
        assert len(rank_candidates(cast.amina.actor, offer, include_blocked=True)) == 7


def test_candidate_ids_follow_the_access_rules(candidate, cast):
    """The grant filter of the ranking gives exactly what access.perms gives."""
    from ancrage.access import perms
    from ancrage.employment.matching import candidate_ids
    from ancrage.persons.models import Person

    PathwayFactory(operator=cast.agir)
    PathwayFactory(operator=cast.other_association)
    consent_record(
        actor=cast.amina.actor,
        person=candidate,
        sections=["language", "employment"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    for persona in (cast.amina, cast.olivier, cast.hugo, cast.marc, cast.claire, cast.sofia):
        actor = persona.actor
        ids = list(Person.objects.filter(perms.visible_persons_filter(actor)).values_list("pk", flat=True))
        sections = perms.visible_sections_many(actor, ids)
        assert candidate_ids(actor) == sorted(pk for pk in ids if "employment" in sections[pk])
    assert candidate_ids(cast.marc.actor) == [candidate.pk]


# --- pages and API ---------------------------------------------------------------------------------


def test_matches_page_shows_reasons_and_is_audited(client, cast, candidate):
    offer = _opportunity(cast, min_french_level="B2", title="Aide à domicile")
    login(client, cast.amina)
    response = client.get(reverse("employment:matches_for_person", args=[candidate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aide à domicile" in html and "B2 requis, B1 certifié" in html and "Ce qui manque" in html
    assert AuditEvent.objects.filter(event="employment.matches.read", person_id=candidate.pk).exists()
    assert offer.title in html


@pytest.mark.parametrize("persona", ["hugo", "marc", "claire", "sofia"])
def test_matches_page_and_api_deny(client, cast, candidate, persona):
    login(client, getattr(cast, persona))
    assert client.get(reverse("employment:matches_for_person", args=[candidate.pk])).status_code == 404
    assert client.get(f"/api/v1/persons/{candidate.pk}/matches").status_code == 404


def test_candidates_page_lists_visible_persons_and_audits_ids(client, cast, candidate):
    offer = _opportunity(cast)
    PathwayFactory(operator=cast.other_association)
    login(client, cast.amina)
    response = client.get(reverse("employment:candidates_for_opportunity", args=[offer.pk]))
    assert response.status_code == 200
    assert candidate.display_name in response.content.decode()
    event = AuditEvent.objects.filter(event="employment.candidates.read", person__isnull=True).latest("id")
    assert event.details["ids"] == [candidate.pk]
    assert AuditEvent.objects.filter(event="employment.candidates.read", person_id=candidate.pk).count() == 1


@pytest.mark.parametrize("persona", ["claire", "yves", "sofia"])
def test_candidates_denied_to_non_case_workers(client, cast, candidate, persona):
    offer = _opportunity(cast)
    login(client, getattr(cast, persona))
    assert client.get(reverse("employment:candidates_for_opportunity", args=[offer.pk])).status_code == 404
    assert client.get(f"/api/v1/opportunities/{offer.pk}/candidates").status_code == 404


def test_api_matches_and_candidates(client, cast, candidate):
    offer = _opportunity(cast, licence_required=True)
    login(client, cast.amina)
    body = client.get(f"/api/v1/persons/{candidate.pk}/matches?include_blocked=true").json()
    row = next(r for r in body if r["opportunity_id"] == offer.pk)
    assert (
        row["blocking"] is True
        and {"code": "licence_missing", "label": "Permis B exigé"}.items()
        <= next(r for r in row["reasons"] if r["code"] == "licence_missing").items()
    )
    assert client.get(f"/api/v1/persons/{candidate.pk}/matches").json() == []
    body = client.get(f"/api/v1/opportunities/{offer.pk}/candidates?include_blocked=true").json()
    assert [r["person_id"] for r in body] == [candidate.pk]
    assert client.get("/api/v1/opportunities/999999/candidates").status_code == 404
