"""The indicator catalogue on a hand-made population: each seeded indicator equals an independent
count from the records; disclosure control; no stale figures."""

import datetime as dt
import statistics
from decimal import Decimal

import pytest

from ancrage.core.disclosure import Cell
from ancrage.employment.models import EmploymentProfile
from ancrage.pathways.models import Pathway
from ancrage.persons.models import DURABLE_HOUSING, FrenchAssessment, Person, Protection, Situation
from ancrage.steering.indicators import IndicatorError, compute
from ancrage.steering.models import BudgetLine, IndicatorDefinition, Participation
from ancrage.steering.services import participation_record
from ancrage.tracks.models import BankAccount, CafFile, HealthCoverage
from tests.factories import PathwayFactory, PersonFactory

from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date
N = 30
REF = D(2021, 12, 31)


def protection_on(i: int) -> dt.date:
    return D(2020, 6, 1) + dt.timedelta(days=i)


def cir_on(i: int) -> dt.date:
    return protection_on(i) + dt.timedelta(days=30 + i)


@pytest.fixture
def world(contract, carriers, place):
    """30 persons reached (0–9 in both actions), one accompanied but not reached, one outside."""
    _territory, communes = place
    action_a = make_action(contract, carriers[0], axis_number=2, title="A")
    action_b = make_action(contract, carriers[1], axis_number=4, title="B")
    persons = []
    for i in range(N):
        person = PersonFactory(sex="F" if i % 2 else "M", commune=communes[0] if i % 3 else communes[1])
        Person.objects.filter(pk=person.pk).update(cir_signed_on=cir_on(i))
        Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=protection_on(i))
        entry = cir_on(i) + dt.timedelta(days=10)
        PathwayFactory(
            person=person,
            operator=carriers[0],
            entry_date=entry,
            first_interview_on=entry + dt.timedelta(days=i % 7),
        )
        Situation.objects.create(
            person=person,
            domain="housing",
            status="social_rental" if i < 15 else "cada",
            start_date=D(2021, 1, 1),
        )
        if i % 3 == 0:
            Situation.objects.create(person=person, domain="employment", status="cdi", start_date=D(2021, 1, 1))
        if i % 5 == 0:
            Situation.objects.create(person=person, domain="training", status="qualifying", start_date=D(2021, 3, 1))
        if i < 20:
            FrenchAssessment.objects.create(
                person=person, assessed_on=D(2021, 1, 5), level="A1", kind="tested", skill="global"
            )
            FrenchAssessment.objects.create(
                person=person, assessed_on=D(2021, 6, 5), level="A2" if i < 12 else "A1", kind="tested", skill="global"
            )
        if i < 18:
            CafFile.objects.create(person=person, number="1234567", registered_on=D(2021, 2, 1), benefits=["rsa"])
        if i < 22:
            HealthCoverage.objects.create(
                person=person, puma_status="open", puma_requested_on=D(2021, 1, 1), puma_opened_on=D(2021, 2, 1)
            )
        if 5 <= i < 25:
            BankAccount.objects.create(person=person, step="open", opened_on=D(2021, 3, 1))
        if i < 16:
            EmploymentProfile.objects.create(
                person=person, licence_status="exchanged" if i < 7 else "to_exchange", licence_country="SY"
            )
        action = action_a if i % 2 == 0 else action_b
        participation_record(person=person, action=action, starts_on=D(2021, 2, 1), source="carrier")
        if i < 10:
            other = action_b if action == action_a else action_a
            participation_record(person=person, action=other, starts_on=D(2021, 5, 1), source="pathway")
        persons.append(person)
    accompanied_only = PersonFactory(commune=communes[2])
    PathwayFactory(person=accompanied_only, operator=carriers[1], entry_date=D(2021, 3, 1))
    outside = PersonFactory(commune=None)
    PathwayFactory(person=outside, operator=carriers[1], entry_date=D(2021, 3, 1))
    for funder, granted, paid in (("state_p104", 100000, 60000), ("metropole", 30000, 30000)):
        BudgetLine.objects.create(
            action=action_a,
            year=2021,
            co_funder=funder,
            requested=Decimal(granted),
            granted=Decimal(granted),
            committed=Decimal(paid),
            paid=Decimal(paid),
        )
    BudgetLine.objects.create(
        action=action_b, year=2022, co_funder="state_p104", requested=Decimal(9), granted=Decimal(9)
    )
    return {"contract": contract, "persons": persons, "actions": (action_a, action_b), "communes": communes}


def run(world, code, **kwargs):
    return compute(code, contract=world["contract"], year=2021, today=D(2024, 1, 1), **kwargs)


def reached_ids(world) -> set[int]:
    return set(Participation.objects.filter(action__contract=world["contract"]).values_list("person_id", flat=True))


def rate_of(result) -> tuple[int | None, int | None]:
    return result.total.numerator.value, result.total.denominator.value


def test_catalogue_is_seeded():
    codes = set(IndicatorDefinition.objects.values_list("code", flat=True))
    assert len(codes) >= 12
    assert {"persons_reached", "durable_housing_rate", "delay_protection_cir", "budget_paid"} <= codes


def test_counts(world):
    assert run(world, "persons_reached").total.value.value == len(reached_ids(world)) == N
    accompanied = set(
        Pathway.objects.filter(person__commune__territory=world["contract"].territory).values_list(
            "person_id", flat=True
        )
    )
    assert run(world, "persons_accompanied").total.value.value == len(accompanied) == N + 1


def test_rates_equal_independent_counts(world):
    ids = reached_ids(world)
    durable = set(
        Situation.objects.filter(
            person__in=ids, domain="housing", status__in=DURABLE_HOUSING, start_date__lte=REF
        ).values_list("person_id", flat=True)
    )
    assert rate_of(run(world, "durable_housing_rate")) == (len(durable), N)
    working = set(
        Situation.objects.filter(
            person__in=ids, domain="employment", status__in=["cdi", "cdd_long", "work_study"]
        ).values_list("person_id", flat=True)
    ) | set(
        Situation.objects.filter(person__in=ids, domain="training", status="qualifying").values_list(
            "person_id", flat=True
        )
    )
    assert rate_of(run(world, "employment_or_training_rate")) == (len(working), N)
    assessed_twice = [p for p in ids if FrenchAssessment.objects.filter(person=p).count() >= 2]
    progressed = [
        p
        for p in assessed_twice
        if FrenchAssessment.objects.filter(person=p).order_by("assessed_on").last().level
        != FrenchAssessment.objects.filter(person=p).order_by("assessed_on").first().level
    ]
    assert rate_of(run(world, "cefr_progression_rate")) == (len(progressed), len(assessed_twice)) == (12, 20)
    assert rate_of(run(world, "caf_rights_rate")) == (CafFile.objects.filter(person__in=ids).count(), N)
    assert rate_of(run(world, "puma_open_rate")) == (
        HealthCoverage.objects.filter(person__in=ids, puma_status="open").count(),
        N,
    )
    assert rate_of(run(world, "bank_account_rate")) == (
        BankAccount.objects.filter(person__in=ids, step="open").count(),
        N,
    )
    foreign = EmploymentProfile.objects.filter(person__in=ids).exclude(licence_status__in=["none", "french"])
    assert rate_of(run(world, "licence_exchanged_rate")) == (
        foreign.filter(licence_status="exchanged").count(),
        foreign.count(),
    )
    assert run(world, "durable_housing_rate").total.percent == 50.0


def test_median_delays_equal_independent_computation(world):
    persons = world["persons"]
    protection_cir = [
        (p.__class__.objects.get(pk=p.pk).cir_signed_on - protection_on(i)).days for i, p in enumerate(persons)
    ]
    result = run(world, "delay_protection_cir")
    assert result.total.persons.value == N
    assert result.total.median_days == statistics.median(protection_cir)

    contact = [
        (Pathway.objects.get(person=p).first_interview_on - Person.objects.get(pk=p.pk).cir_signed_on).days
        for p in persons
    ]
    assert run(world, "delay_cir_first_contact").total.median_days == statistics.median(contact)

    first_contract = [
        (D(2021, 1, 1) - Pathway.objects.get(person=p).entry_date).days for i, p in enumerate(persons) if i % 3 == 0
    ]
    result = run(world, "delay_entry_first_contract")
    assert result.total.persons.value == len(first_contract) == 10
    assert result.total.median_days == statistics.median(first_contract)

    housing = [(D(2021, 1, 1) - protection_on(i)).days for i in range(15)]
    result = run(world, "delay_protection_durable_housing")
    assert result.total.persons.value == 15
    assert result.total.median_days == statistics.median(housing)


def test_budget_sums(world):
    assert run(world, "budget_granted").total.amount == Decimal(130000)
    assert run(world, "budget_paid").total.amount == Decimal(90000)
    by_funder = {r.key: r.amount for r in run(world, "budget_granted", by="co_funder").rows}
    assert by_funder["state_p104"] == Decimal(100000)
    assert by_funder["metropole"] == Decimal(30000)
    assert by_funder["caf"] == Decimal(0)
    whole = compute("budget_granted", contract=world["contract"])
    assert whole.total.amount == Decimal(130009)


def test_filters_action_and_commune(world):
    action_a, _b = world["actions"]
    in_a = set(Participation.objects.filter(action=action_a).values_list("person_id", flat=True))
    assert run(world, "persons_reached", action=action_a).total.value.value == len(in_a)
    commune = world["communes"][1]
    there = Person.objects.filter(pk__in=reached_ids(world), commune=commune).count()
    assert run(world, "persons_reached", commune=commune.pk).total.value.value == there


def test_disaggregation_rows_add_up(world):
    result = run(world, "persons_reached", by="sex")
    values = {r.key: r.value.value for r in result.rows}
    assert values["F"] == 15 and values["M"] == 15 and values["unknown"] == 0
    assert result.total.value.value == N
    with pytest.raises(IndicatorError):
        run(world, "budget_paid", by="sex")


def test_persons_reached_once_across_actions_and_carriers(contract, carriers):
    action_a = make_action(contract, carriers[0], axis_number=2, title="A")
    action_b = make_action(contract, carriers[1], axis_number=3, title="B")
    persons = [PersonFactory() for _ in range(6)]
    for person in persons:
        participation_record(person=person, action=action_a, starts_on=D(2021, 3, 1), source="carrier")
    for person in persons[:4]:
        participation_record(person=person, action=action_b, starts_on=D(2021, 4, 1), source="referral")
        participation_record(person=person, action=action_b, starts_on=D(2021, 9, 1), source="carrier")
    _same, created = participation_record(person=persons[0], action=action_a, starts_on=D(2021, 3, 1), source="carrier")
    assert not created
    assert Participation.objects.count() == 14
    result = compute("persons_reached", contract=contract, year=2021)
    assert result.total.value.value == len({p.pk for p in persons}) == 6


def test_complementary_suppression_by_commune(contract, carriers, place):
    _territory, communes = place
    action = make_action(contract, carriers[0])
    for commune, size in zip(communes, (10, 3, 8), strict=True):
        for _ in range(size):
            participation_record(
                person=PersonFactory(commune=commune), action=action, starts_on=D(2021, 3, 1), source="carrier"
            )
    result = compute("persons_reached", contract=contract, year=2021, by="commune")
    cells = {r.key: r.value for r in result.rows}
    assert cells["99002"] == Cell(None)  # 3: hidden
    assert cells["99003"] == Cell(None)  # its complement (the next smallest): hidden too
    assert cells["99001"] == Cell(10)
    assert result.total.value == Cell(21)
    # The total minus the visible cells gives only the sum of the two hidden ones, never one of them.
    visible = sum(c.value for c in cells.values() if not c.suppressed)
    hidden = [k for k, c in cells.items() if c.suppressed and k != "unknown"]
    assert result.total.value.value - visible == 11 and len(hidden) == 2
    assert 3 not in [r.as_json()["value"] for r in result.rows]


def test_small_rate_is_hidden(contract, carriers):
    action = make_action(contract, carriers[0])
    for i in range(12):
        person = PersonFactory()
        participation_record(person=person, action=action, starts_on=D(2021, 3, 1), source="carrier")
        if i < 3:
            BankAccount.objects.create(person=person, step="open", opened_on=D(2021, 3, 1))
    result = compute("bank_account_rate", contract=contract, year=2021)
    assert result.total.numerator.suppressed
    assert result.total.denominator.value == 12
    assert result.total.percent is None


def test_a_changed_record_changes_the_indicator(world):
    before = rate_of(run(world, "durable_housing_rate"))
    person = world["persons"][20]
    Situation.objects.filter(person=person, domain="housing").update(end_date=D(2021, 6, 30))
    Situation.objects.create(person=person, domain="housing", status="private_rental", start_date=D(2021, 7, 1))
    after = rate_of(run(world, "durable_housing_rate"))
    assert after == (before[0] + 1, before[1])


def test_queries_are_bounded(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        run(world, "employment_or_training_rate", by="commune")
    with django_assert_max_num_queries(8):
        run(world, "delay_entry_first_contract", by="programme")
