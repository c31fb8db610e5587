"""The review selectors and the decision service (issue 11 §3)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ancrage.audit.models import AuditEvent
from ancrage.linkage.merge import person_merge
from ancrage.linkage.models import CandidateStatus, DuplicateCandidate
from ancrage.linkage.review import (
    CandidateConflict,
    candidate_decide,
    candidates_visible_to,
    get_candidate_for_user,
)

from ..factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def accompanied(organisation, name=("NOURI", "Sara"), **kwargs):
    return PathwayFactory(operator=organisation, person=PersonFactory(name=name, **kwargs)).person


def pair(first, second, **fields):
    a, b = sorted([first.pk, second.pk])
    defaults = {
        "match_probability": 0.96,
        "match_weight": 8.4,
        "source": "daily",
        "evidence": [
            {"field": "last_name", "label": "Nom", "level": "Graphies proches (translittération)", "weight": 4.2},
            {"field": "birth_date", "label": "Date de naissance", "level": "Identique", "weight": 5.1},
            {"field": "phone", "label": "Téléphone", "level": "Différent", "weight": -0.9},
        ],
    }
    return DuplicateCandidate.objects.create(person_a_id=a, person_b_id=b, **{**defaults, **fields})


@pytest.fixture
def pairs(cast):
    mine_1 = accompanied(cast.agir)
    mine_2 = accompanied(cast.agir, ("NOURY", "Sarah"))
    theirs = accompanied(cast.other_association, ("NOURI", "Sara"))
    return {
        "mine": pair(mine_1, mine_2),
        "cross": pair(mine_1, theirs),
        "theirs": pair(theirs, accompanied(cast.other_association, ("NURI", "Sara"))),
    }


def test_the_queue_lists_only_pairs_whose_two_records_she_accompanies(cast, pairs):
    assert list(candidates_visible_to(cast.amina.actor)) == [pairs["mine"]]
    assert list(candidates_visible_to(cast.olivier.actor)) == [pairs["mine"]]
    assert list(candidates_visible_to(cast.hugo.actor)) == [pairs["theirs"]]
    for persona in (cast.marc, cast.claire, cast.yves, cast.sofia):
        assert not candidates_visible_to(persona.actor).exists()


def test_a_pair_with_another_partners_record_is_404_like_a_missing_one(cast, pairs):
    assert get_candidate_for_user(cast.amina.actor, pairs["mine"].pk) == pairs["mine"]
    for pk in (pairs["cross"].pk, pairs["theirs"].pk, 999_999):
        with pytest.raises(Http404):
            get_candidate_for_user(cast.amina.actor, pk)
    for persona in (cast.marc, cast.claire, cast.sofia):
        with pytest.raises(Http404):
            get_candidate_for_user(persona.actor, pairs["mine"].pk)


def test_merged_records_leave_the_queue(cast, pairs):
    candidate = pairs["mine"]
    person_merge(actor=cast.amina.actor, kept=candidate.person_a, absorbed=candidate.person_b, candidate=candidate)
    assert not candidates_visible_to(cast.amina.actor).exists()


def test_decisions_are_remembered_and_audited_on_both_records(cast, pairs):
    candidate = pairs["mine"]
    candidate_decide(actor=cast.amina.actor, candidate=candidate, status="different", reason="Sœurs jumelles")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DIFFERENT
    assert (candidate.decided_by, candidate.decided_for) == (cast.amina.user, cast.agir)
    assert candidate.reason == "Sœurs jumelles" and candidate.decided_at is not None
    assert not candidates_visible_to(cast.amina.actor).pending().exists()
    events = AuditEvent.objects.filter(event="duplicate.decide")
    assert set(events.values_list("person_id", flat=True)) == {candidate.person_a_id, candidate.person_b_id}


def test_a_decision_made_meanwhile_by_a_colleague_is_not_overwritten(cast, pairs):
    seen_by_amina = DuplicateCandidate.objects.get(pk=pairs["mine"].pk)
    seen_by_olivier = DuplicateCandidate.objects.get(pk=pairs["mine"].pk)
    candidate_decide(actor=cast.olivier.actor, candidate=seen_by_olivier, status="same", reason="Même AGDREF")
    with pytest.raises(CandidateConflict, match="Olivier Le Goff"):
        candidate_decide(actor=cast.amina.actor, candidate=seen_by_amina, status="different", reason="Non")
    stored = DuplicateCandidate.objects.get(pk=pairs["mine"].pk)
    assert (stored.status, stored.decided_by) == (CandidateStatus.SAME, cast.olivier.user)


def test_outsiders_cannot_decide(cast, pairs):
    for persona, candidate in ((cast.hugo, pairs["mine"]), (cast.amina, pairs["cross"]), (cast.marc, pairs["mine"])):
        with pytest.raises(PermissionDenied):
            candidate_decide(actor=persona.actor, candidate=candidate, status="same", reason="")
    assert not DuplicateCandidate.objects.exclude(status="pending").exists()


def test_a_decision_different_is_kept_when_the_engine_scores_the_pair_again(cast, pairs):
    """The daily job records pairs through ``candidate_pairs_record``: a decided pair keeps its decision."""
    from ancrage.linkage import services
    from ancrage.linkage.records import Match

    candidate = pairs["mine"]
    candidate_decide(actor=cast.amina.actor, candidate=candidate, status="different", reason="Homonymes")
    match = Match(person_id=candidate.person_b_id, match_probability=0.99, match_weight=11.0, evidence=[])
    services.candidate_pairs_record([(candidate.person_a_id, candidate.person_b_id, match)], source="daily")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DIFFERENT
