"""The professional integration platform in the demo (``ancrage.demo.employment``, via ``seed_demo``)."""

from collections import defaultdict
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ancrage.core.dates import add_months
from ancrage.core.validators import validate_siret
from ancrage.demo.employment import EMPLOYERS, OCCUPATIONS, employer_siret
from ancrage.employment.models import (
    FOLLOW_UP_MONTHS,
    ContractType,
    Diploma,
    Employer,
    EmploymentProfile,
    FollowUp,
    LicenceStatus,
    Literacy,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Placement,
    PlacementStatus,
    PlacementTransition,
    RecognitionStatus,
    TargetOccupation,
    TrainingType,
    WorkExperience,
)
from ancrage.pathways.models import Pathway, PathwayStatus, Programme
from ancrage.pathways.outcomes import first_interview_late
from ancrage.persons.models import Person, Situation
from ancrage.rome.models import RomeAppellation, RomeOccupation


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(territory):
    seed(persons=200)


def test_every_occupation_of_the_demo_is_in_the_rome(rome):
    for key, (code, ogr) in OCCUPATIONS.items():
        appellation = RomeAppellation.objects.select_related("occupation").get(code_ogr=ogr)
        assert appellation.occupation.code == code, key


def test_employers_have_valid_sirets_and_commitments(seeded):
    employers = list(Employer.objects.all())
    assert len(employers) >= 24
    for employer in employers:
        validate_siret(employer.siret)
        employer.full_clean()
    assert any("Charte" in e.commitments for e in employers)
    assert any("utorat" in e.commitments for e in employers)
    assert {e.commune.insee_code[:2] for e in employers if e.commune} == {"35"}
    # Synthetic SIRETs of every template, and of their other establishments, pass the Luhn check.
    for spec in EMPLOYERS:
        for site in range(3):
            validate_siret(employer_siret(spec.name, site))


def test_opportunities_of_every_kind_and_status(seeded):
    opportunities = list(Opportunity.objects.all())
    assert {o.kind for o in opportunities} == set(OpportunityKind.values)
    jobs = {o.contract_type for o in opportunities if o.kind == OpportunityKind.JOB}
    assert {ContractType.CDI, ContractType.CDD_LONG, ContractType.CDD_SHORT, ContractType.INTERIM} <= jobs
    assert {o.contract_type for o in opportunities if o.kind == OpportunityKind.IAE} == {ContractType.IAE}
    trainings = {o.training_type for o in opportunities if o.kind == OpportunityKind.TRAINING}
    assert {TrainingType.HOPE, TrainingType.WORK_FRENCH, TrainingType.POEC, TrainingType.QUALIFYING} <= trainings
    statuses = [o.status for o in opportunities]
    assert set(statuses) == set(OpportunityStatus.values)
    assert 0.55 <= statuses.count(OpportunityStatus.OPEN) / len(statuses) <= 0.7
    assert any(o.licence_required for o in opportunities)
    assert any(o.min_french_level for o in opportunities)
    today = timezone.localdate()
    for o in opportunities:
        o.full_clean()
        assert o.opened_on <= today
        assert o.filled_on is None or o.opened_on <= o.filled_on <= today
        assert o.closed_on is None or o.opened_on <= o.closed_on <= today
        if o.status == OpportunityStatus.FILLED:
            assert o.placements.filter(status=PlacementStatus.HIRED).count() >= o.seats
        assert o.commune is None or o.commune.insee_code.startswith("35")
    publishers = set(Opportunity.objects.values_list("organisation__short_name", "organisation__name"))
    assert any("France Travail" in name for _short, name in publishers)


def test_profiles_for_most_accompanied_agir_persons(seeded):
    accompanied = set(
        Pathway.objects.filter(programme=Programme.AGIR, transitions__to_status=PathwayStatus.DIAGNOSTIC).values_list(
            "person_id", flat=True
        )
    )
    profiles = set(EmploymentProfile.objects.values_list("person_id", flat=True))
    assert profiles <= accompanied
    assert len(profiles) >= 0.8 * len(accompanied)
    literacies = set(EmploymentProfile.objects.values_list("literacy", flat=True))
    assert {Literacy.NONE, Literacy.LATIN} <= literacies
    assert EmploymentProfile.objects.filter(licence_status=LicenceStatus.TO_EXCHANGE).exists()
    for profile in EmploymentProfile.objects.filter(licence_status__in=[LicenceStatus.TO_EXCHANGE, "requested"]):
        assert profile.licence_country and profile.licence_first_receipt_on
    assert Diploma.objects.exclude(recognition_status=RecognitionStatus.NOT_REQUESTED).exists()
    assert WorkExperience.objects.exists()
    assert TargetOccupation.objects.exists()
    for model in (EmploymentProfile, Diploma, WorkExperience, TargetOccupation):
        for obj in model.objects.all()[:200]:
            obj.full_clean()


def test_every_rome_code_is_known(seeded):
    known = set(RomeOccupation.objects.values_list("code", flat=True))
    for model in (WorkExperience, TargetOccupation, Opportunity):
        for appellation_code, rome_code in model.objects.exclude(appellation=None).values_list(
            "appellation__occupation__code", "rome_code"
        ):
            assert rome_code == appellation_code
            assert rome_code in known


def test_placements_at_every_stage_with_consistent_dates(seeded):
    placements = list(Placement.objects.select_related("opportunity", "pathway"))
    assert {p.status for p in placements} == set(PlacementStatus.values)
    assert all(p.not_retained_reason for p in placements if p.status == PlacementStatus.NOT_RETAINED)
    today = timezone.localdate()
    for p in placements:
        p.full_clean()
        assert p.pathway.programme == Programme.AGIR and p.pathway.person_id == p.person_id
        assert p.organisation_id == p.pathway.operator_id
        assert p.pathway.entry_date <= p.proposed_on <= today
        assert p.opportunity.opened_on <= p.proposed_on
        if p.decided_on:
            assert p.proposed_on <= p.decided_on <= today
        if p.status == PlacementStatus.HIRED:
            assert p.decided_on <= p.contract_start <= today
        else:
            assert p.contract_start is None
        names = list(PlacementTransition.objects.filter(placement=p).values_list("to_status", flat=True))
        assert names[0] == PlacementStatus.PROPOSED and names[-1] == p.status


def test_follow_ups_only_on_hired_placements_at_the_right_dates(seeded):
    today = timezone.localdate()
    hired = Placement.objects.filter(status=PlacementStatus.HIRED).prefetch_related("follow_ups")
    assert hired.exists()
    assert not FollowUp.objects.exclude(placement__status=PlacementStatus.HIRED).exists()
    done = still = upcoming = 0
    for placement in hired:
        follow_ups = sorted(placement.follow_ups.all(), key=lambda f: f.month)
        assert [f.month for f in follow_ups] == list(FOLLOW_UP_MONTHS)
        for follow_up in follow_ups:
            follow_up.full_clean()
            assert follow_up.due_on == add_months(placement.contract_start, follow_up.month)
            if follow_up.done_on:
                assert follow_up.due_on <= follow_up.done_on <= today
                assert follow_up.still_in_post is not None
                done += 1
                still += follow_up.still_in_post
            else:
                assert follow_up.still_in_post is None
            if follow_up.due_on > today:
                assert follow_up.done_on is None
                upcoming += 1
    assert done and upcoming
    assert still > done / 2  # mostly still in post


def test_hirings_open_the_matching_situation_and_histories_do_not_overlap(seeded):
    for placement in Placement.objects.filter(status=PlacementStatus.HIRED).select_related("opportunity"):
        if placement.opportunity.kind == OpportunityKind.TRAINING:
            domains, status = ("training", "language"), placement.opportunity.training_type
        else:
            domains, status = ("employment",), placement.contract_type
        assert Situation.objects.filter(
            person=placement.person_id, domain__in=domains, status=status, start_date=placement.contract_start
        ).exists(), placement
    by_domain = defaultdict(list)
    for row in Situation.objects.filter(person__employment_profile__isnull=False).values_list(
        "person_id", "domain", "start_date", "end_date"
    ):
        by_domain[row[:2]].append(row[2:])
    for segments in by_domain.values():
        segments.sort()
        for (start, end), (next_start, _next_end) in pairwise(segments):
            assert end is not None and start <= end < next_start
        assert segments[-1][1] is None or segments[-1][0] <= segments[-1][1]


def test_cir_and_first_interview_dates(seeded):
    today = timezone.localdate()
    agir = list(Pathway.objects.filter(programme=Programme.AGIR).select_related("person"))
    assert agir
    late = 0
    for pathway in agir:
        person = pathway.person
        assert person.cir_signed_on is not None and person.cir_ofii_directorate == "Rennes"
        assert person.cir_signed_on <= pathway.entry_date
        assert (pathway.entry_date - person.cir_signed_on).days <= 30
        late += first_interview_late(pathway, person.cir_signed_on, today)
    assert 0 < late < len(agir) / 2
    for pathway in Pathway.objects.all():
        reached = set(pathway.transitions.values_list("to_status", flat=True))
        assert (pathway.first_interview_on is not None) == (PathwayStatus.FIRST_INTERVIEW in reached)
        assert (pathway.commitment_signed_on is not None) == (PathwayStatus.ACCOMPANIMENT in reached)
        if pathway.status == PathwayStatus.ORIENTED:
            assert pathway.first_interview_on is None
        pathway.full_clean(validate_constraints=False)
    assert not Person.objects.filter(nationalities__code="UA", cir_signed_on__isnull=False).exists()


def test_same_seed_same_employment_data(territory):
    def snapshot(since: int) -> tuple:
        placements = list(
            Placement.objects.filter(pk__gt=since)
            .order_by("pk")
            .values_list("status", "proposed_on", "contract_type", "contract_start", "opportunity__title")
        )
        return placements, sorted(
            Opportunity.objects.filter(placements__pk__gt=since).values_list("title", "kind", "status").distinct()
        )

    seed(persons=60, seed=7)
    first = snapshot(0)
    last = Placement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seed(persons=60, seed=7)
    assert first[0]
    assert snapshot(last) == first
    assert Employer.objects.count() == len({e.siret for e in Employer.objects.all()})


def test_seed_demo_refuses_without_the_rome(territory):
    RomeAppellation.objects.all().delete()  # rolled back after the test
    with pytest.raises(CommandError, match="load_rome"):
        seed(persons=5)
    assert not Person.objects.exists()
