"""Placement services: the state machine, dates, conflicts, and what hiring does."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ancrage.core.dates import add_months
from ancrage.employment.models import (
    PLACEMENT_TRANSITIONS,
    OpportunityStatus,
    Placement,
    PlacementStatus,
    PlacementTransition,
)
from ancrage.employment.services import (
    PlacementConflict,
    opportunity_transition,
    placement_propose,
    placement_transition,
)
from ancrage.persons.models import Situation

from ..factories import OpportunityFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
HIRE = {"contract_type": "cdi", "contract_start": TODAY}
DATA = {
    "schedule_interview": {"interview_on": TODAY},
    "hire": HIRE,
    "not_retained": {"not_retained_reason": "experience"},
    "withdraw": {},
}


@pytest.fixture
def opportunity(cast, rome):
    return OpportunityFactory(organisation=cast.agir)


@pytest.fixture
def proposed(cast, followed, opportunity):
    return placement_propose(actor=cast.amina.actor, person=followed, opportunity=opportunity)


def _at(placement: Placement, status: str) -> Placement:
    Placement.objects.filter(pk=placement.pk).update(
        status=status,
        decided_on=None if status in ("proposed", "interview") else TODAY,
        contract_type="cdi" if status == "hired" else "",
        contract_start=TODAY if status == "hired" else None,
        not_retained_reason="other" if status == "not_retained" else "",
    )
    placement.refresh_from_db()
    return placement


def test_propose_snapshots_the_match_and_links_the_pathway(cast, followed, proposed):
    assert proposed.status == PlacementStatus.PROPOSED
    assert proposed.pathway == followed.pathways.get()
    assert proposed.organisation == cast.agir and proposed.proposed_by == cast.amina.user
    assert proposed.match_score is not None and isinstance(proposed.match_reasons, list)
    assert PlacementTransition.objects.filter(placement=proposed, name="propose").exists()


def test_propose_refuses_a_duplicate(cast, followed, opportunity, proposed):
    with pytest.raises(ValidationError, match="déjà proposée"):
        placement_propose(actor=cast.amina.actor, person=followed, opportunity=opportunity)


@pytest.mark.parametrize("name", ["fill", "close"])
def test_propose_refuses_a_filled_or_closed_opportunity(cast, followed, opportunity, name):
    opportunity_transition(actor=cast.amina.actor, opportunity=opportunity, name=name, expected_version=1)
    with pytest.raises(PlacementConflict, match="pourvue ou fermée"):
        placement_propose(actor=cast.amina.actor, person=followed, opportunity=opportunity)


def test_propose_needs_the_right_to_edit_employment(cast, followed, opportunity):
    for persona in (cast.hugo, cast.marc, cast.claire):
        with pytest.raises(PermissionDenied):
            placement_propose(actor=persona.actor, person=followed, opportunity=opportunity)


ALL_STATES = [s.value for s in PlacementStatus]


@pytest.mark.parametrize("name", list(PLACEMENT_TRANSITIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_every_transition_from_every_state(cast, proposed, name, state):
    placement = _at(proposed, state)
    sources, target = PLACEMENT_TRANSITIONS[name]
    if state in sources:
        placement = placement_transition(
            actor=cast.amina.actor, placement=placement, name=name, expected_version=placement.version, **DATA[name]
        )
        assert placement.status == target
        assert (placement.decided_on is not None) == (name != "schedule_interview")
        assert PlacementTransition.objects.filter(placement=placement, name=name, from_status=state).exists()
    else:
        with pytest.raises(PlacementConflict, match="Impossible"):
            placement_transition(
                actor=cast.amina.actor,
                placement=placement,
                name=name,
                expected_version=placement.version,
                **DATA[name],
            )


def test_unknown_transition_is_refused(cast, proposed):
    with pytest.raises(PlacementConflict):
        placement_transition(actor=cast.amina.actor, placement=proposed, name="promote", expected_version=1)


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("schedule_interview", {}, "interview_on"),
        ("schedule_interview", {"interview_on": TODAY - dt.timedelta(days=1)}, "interview_on"),
        ("hire", {"contract_start": TODAY}, "contract_type"),
        ("hire", {"contract_type": "cdi"}, "contract_start"),
        ("hire", {"contract_type": "cdi", "contract_start": TODAY - dt.timedelta(days=1)}, "contract_start"),
        ("hire", {**HIRE, "contract_end": TODAY - dt.timedelta(days=1)}, "contract_end"),
        ("hire", {**HIRE, "hours_per_week": 60}, "hours_per_week"),
        ("hire", {**HIRE, "hours_per_week": 0}, "hours_per_week"),
        ("not_retained", {}, "not_retained_reason"),
    ],
)
def test_invalid_data_is_refused_and_nothing_changes(cast, proposed, name, data, field):
    with pytest.raises(ValidationError) as error:
        placement_transition(actor=cast.amina.actor, placement=proposed, name=name, expected_version=1, **data)
    assert field in error.value.message_dict
    proposed.refresh_from_db()
    assert proposed.status == PlacementStatus.PROPOSED and proposed.version == 1
    assert not proposed.follow_ups.exists()


def test_two_concurrent_hires_one_wins(cast, proposed):
    stale = Placement.objects.get(pk=proposed.pk)
    placement_transition(actor=cast.amina.actor, placement=proposed, name="hire", expected_version=1, **HIRE)
    with pytest.raises(PlacementConflict, match="Quelqu'un"):
        placement_transition(actor=cast.olivier.actor, placement=stale, name="hire", expected_version=1, **HIRE)
    assert proposed.follow_ups.count() == 4


def test_stale_version_is_a_conflict(cast, proposed):
    with pytest.raises(PlacementConflict):
        placement_transition(actor=cast.amina.actor, placement=proposed, name="withdraw", expected_version=7)


def test_transition_needs_the_right_to_edit_employment(cast, proposed):
    with pytest.raises(PermissionDenied):
        placement_transition(actor=cast.hugo.actor, placement=proposed, name="withdraw", expected_version=1)


def test_hire_creates_the_follow_ups(cast, proposed):
    start = dt.date(TODAY.year + 1, 1, 31)
    placement = placement_transition(
        actor=cast.amina.actor,
        placement=proposed,
        name="hire",
        expected_version=1,
        contract_type="cdi",
        contract_start=start,
    )
    due = {f.month: f.due_on for f in placement.follow_ups.all()}
    assert due == {m: add_months(start, m) for m in (1, 3, 6, 12)}
    assert due[1] == dt.date(start.year, 2, 28) or due[1] == dt.date(start.year, 2, 29)


def test_hire_cdi_updates_the_employment_situation(cast, followed, proposed):
    old = Situation.objects.create(
        person=followed, domain="employment", status="job_seeker", start_date=TODAY - dt.timedelta(days=90)
    )
    start = TODAY + dt.timedelta(days=10)
    placement_transition(
        actor=cast.amina.actor,
        placement=proposed,
        name="hire",
        expected_version=1,
        contract_type="cdi",
        contract_start=start,
    )
    old.refresh_from_db()
    assert old.end_date == start - dt.timedelta(days=1)
    new = Situation.objects.get(person=followed, domain="employment", end_date__isnull=True)
    assert (new.status, new.start_date) == ("cdi", start)


def test_hire_on_a_qualifying_training_session_opens_a_training_situation(cast, followed, rome):
    session = OpportunityFactory(
        organisation=cast.agir, kind="training", training_type="qualifying", appellation=None, contract_type=""
    )
    placement = placement_propose(actor=cast.amina.actor, person=followed, opportunity=session)
    placement_transition(
        actor=cast.amina.actor,
        placement=placement,
        name="hire",
        expected_version=1,
        contract_type="qualifying",
        contract_start=TODAY,
    )
    situation = Situation.objects.get(person=followed, end_date__isnull=True)
    assert (situation.domain, situation.status) == ("training", "qualifying")


def test_hire_on_work_french_opens_a_language_situation(cast, followed, rome):
    session = OpportunityFactory(
        organisation=cast.agir, kind="training", training_type="work_french", appellation=None, contract_type=""
    )
    placement = placement_propose(actor=cast.amina.actor, person=followed, opportunity=session)
    placement_transition(
        actor=cast.amina.actor,
        placement=placement,
        name="hire",
        expected_version=1,
        contract_type="qualifying",
        contract_start=TODAY,
    )
    assert Situation.objects.get(person=followed, end_date__isnull=True).domain == "language"


def test_qualifying_contract_on_a_job_opens_a_training_situation(cast, followed, opportunity, proposed):
    placement_transition(
        actor=cast.amina.actor,
        placement=proposed,
        name="hire",
        expected_version=1,
        contract_type="qualifying",
        contract_start=TODAY,
    )
    situation = Situation.objects.get(person=followed, end_date__isnull=True)
    assert (situation.domain, situation.status) == ("training", "qualifying")


def test_seats_filling_marks_the_opportunity_filled(cast, followed, rome):
    opportunity = OpportunityFactory(organisation=cast.agir, seats=2)
    other = PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=PersonFactory()).person
    first = placement_propose(actor=cast.amina.actor, person=followed, opportunity=opportunity)
    second = placement_propose(actor=cast.amina.actor, person=other, opportunity=opportunity)
    placement_transition(actor=cast.amina.actor, placement=first, name="hire", expected_version=1, **HIRE)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    placement_transition(actor=cast.amina.actor, placement=second, name="hire", expected_version=1, **HIRE)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED and opportunity.filled_on == TODAY
