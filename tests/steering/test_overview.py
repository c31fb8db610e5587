"""The figures of the contract overview (``steering.overview``) on a hand-made contract: each equals an
independent count written over the records, counts from 1 to 4 are hidden, and so is the cell that a
total would otherwise give back."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from ancrage.persons.models import DURABLE_HOUSING, Person, Protection, Situation
from ancrage.steering import overview as ov
from ancrage.steering.models import Amendment, BudgetLine, IndicatorDefinition, Participation, QualitativeReport, Target
from ancrage.steering.services import participation_record
from tests.factories import PathwayFactory, PersonFactory

from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date


def shown(n: int) -> int | None:
    """What the statistical secret lets through, written independently of core.disclosure."""
    return None if 0 < n < 5 else n


def _person(commune, i: int) -> Person:
    person = PersonFactory(
        sex="F" if i % 2 else "M",
        birth_date=(D(1990, 5, 17), D(2001, 2, 3), D(1975, 9, 9))[i % 3],
        commune=commune,
    )
    Protection.objects.create(
        person=person,
        type="refugee" if i % 4 else "subsidiary",
        deciding_body="ofpra",
        decision_date=D(2020, 3, 1) + dt.timedelta(days=17 * i),
    )
    return person


def build_world(contract, carriers, communes) -> dict:
    """Three actions; Alpha: 12 persons (+2 reached in 2022 only), Bêta: 7, Gamma: 3 (a small cell).

    A (axis 2): the 12 of Alpha from 2021-02-01 (open-ended), 2 more from 2022-03-01.
    B (axis 4): the 7 of Bêta from 2021-03-15 to 2021-09-30, and 5 of Alpha from 2021-06-01.
    C (axis 2, « retenue »): the 3 of Gamma from 2021-05-10.
    """
    alpha, beta, gamma = communes
    action_a = make_action(contract, carriers[0], axis_number=2, title="Accompagnement global")
    action_b = make_action(contract, carriers[1], axis_number=4, title="Ateliers sociolinguistiques")
    action_c = make_action(contract, carriers[0], axis_number=2, title="Mobilité")
    action_c.status = "selected"
    action_c.save(update_fields=["status"])
    Amendment.objects.create(contract=contract, number=1, signed_on=D(2023, 6, 1), new_end_on=D(2024, 6, 30))
    a_persons = [_person(alpha, i) for i in range(12)]
    late = [_person(alpha, 12 + i) for i in range(2)]
    b_persons = [_person(beta, 20 + i) for i in range(7)]
    c_persons = [_person(gamma, 30 + i) for i in range(3)]
    for i, person in enumerate(a_persons):
        participation_record(person=person, action=action_a, starts_on=D(2021, 2, 1), source="carrier")
        PathwayFactory(person=person, operator=carriers[0], entry_date=D(2021, 1, 10))
        if i < 8:
            Situation.objects.create(person=person, domain="housing", status="social_rental", start_date=D(2021, 1, 15))
        else:
            Situation.objects.create(person=person, domain="housing", status="cada", start_date=D(2021, 1, 15))
        if i < 5:
            participation_record(person=person, action=action_b, starts_on=D(2021, 6, 1), source="carrier")
    for person in late:
        participation_record(person=person, action=action_a, starts_on=D(2022, 3, 1), source="carrier")
    for i, person in enumerate(b_persons):
        participation_record(
            person=person, action=action_b, starts_on=D(2021, 3, 15), ends_on=D(2021, 9, 30), source="carrier"
        )
        if i < 6:
            PathwayFactory(person=person, operator=carriers[1], entry_date=D(2021, 2, 1))
    for person in c_persons:
        participation_record(person=person, action=action_c, starts_on=D(2021, 5, 10), source="carrier")
        PathwayFactory(person=person, operator=carriers[0], entry_date=D(2021, 4, 1))
    lines = [
        (action_a, 2021, "state_p104", 100000, 80000, 60000, 50000),
        (action_a, 2021, "metropole", 20000, 20000, 10000, 5000),
        (action_a, 2022, "state_p104", 90000, 90000, 0, 0),
        (action_b, 2022, "caf", 9000, 9000, 9000, 9000),
        (action_b, 2021, "eu_funds", Decimal("1500.50"), Decimal("1500.50"), 0, 0),
    ]
    for action, year, funder, requested, granted, committed, paid in lines:
        BudgetLine.objects.create(
            action=action,
            year=year,
            co_funder=funder,
            requested=Decimal(requested),
            granted=Decimal(granted),
            committed=Decimal(committed),
            paid=Decimal(paid),
        )
    Target.objects.create(
        action=action_a, indicator=IndicatorDefinition.objects.get(code="persons_reached"), year=2021, value=10
    )
    Target.objects.create(
        action=action_c, indicator=IndicatorDefinition.objects.get(code="persons_reached"), year=2021, value=8
    )
    return {
        "contract": contract,
        "actions": (action_a, action_b, action_c),
        "communes": communes,
        "persons": {"a": a_persons, "late": late, "b": b_persons, "c": c_persons},
    }


@pytest.fixture
def world(contract, carriers, place):
    _territory, communes = place
    return build_world(contract, carriers, communes)


# --- independent counts, written over the records ------------------------------------------------------


def period(year: int | None, contract) -> tuple[dt.date, dt.date]:
    if year:
        return D(year, 1, 1), D(year, 12, 31)
    return contract.starts_on, D(2024, 6, 30)  # the amendment moved the end


def participants(contract, year=None, action=None, axis=None, commune=None) -> set[int]:
    start, end = period(year, contract)
    found = set()
    for p in Participation.objects.select_related("person", "action"):
        if p.action.contract_id != contract.pk or p.starts_on > end or (p.ends_on and p.ends_on < start):
            continue
        if action and p.action_id != action.pk:
            continue
        if axis and p.action.axis_id != axis.pk:
            continue
        if commune and p.person.commune_id != commune:
            continue
        found.add(p.person_id)
    return found


def accompanied(contract, year=None) -> Counter:
    from ancrage.pathways.models import Pathway

    start, end = period(year, contract)
    persons = {
        pw.person_id: pw.person.commune_id
        for pw in Pathway.objects.select_related("person__commune")
        if pw.entry_date <= end
        and (pw.exit_date is None or pw.exit_date >= start)
        and pw.person.commune
        and pw.person.commune.territory_id == contract.territory_id
    }
    return Counter(persons.values())


# --- tests ----------------------------------------------------------------------------------------------


def test_budget_tables_equal_the_sums_of_the_lines(world):
    contract = world["contract"]
    for year in (None, 2021, 2022):
        filters = ov.Filters(year=year)
        lines = [line for line in BudgetLine.objects.all() if year is None or line.year == year]
        for by in ("axis", "co_funder", "year"):
            table = ov.budget_table(contract, filters, by)
            assert table.total.granted == sum((line.granted for line in lines), Decimal(0))
            assert table.total.paid == sum((line.paid for line in lines), Decimal(0))
            assert table.total.requested == sum((line.requested for line in lines), Decimal(0))
        funders = {row.key: row for row in ov.budget_table(contract, filters, "co_funder").rows}
        for funder in ("state_p104", "metropole", "caf", "eu_funds", "ars"):
            assert funders[funder].committed == sum(
                (line.committed for line in lines if line.co_funder == funder), Decimal(0)
            )
        axes = {row.key: row for row in ov.budget_table(contract, filters, "axis").rows}
        assert axes["2"].granted == sum((line.granted for line in lines if line.action.axis.number == 2), Decimal(0))
        assert axes["1"].granted == 0  # an axis without money still has its row
    by_year = {row.key: row for row in ov.budget_table(contract, ov.Filters(), "year").rows}
    assert list(by_year) == ["2020", "2021", "2022", "2023", "2024"]  # amendment included
    assert by_year["2021"].paid_rate == round(100 * 55000 / 101500.50, 1)
    assert by_year["2023"].paid_rate is None


def test_budget_ignores_the_commune_filter(world):
    contract, communes = world["contract"], world["communes"]
    everywhere = ov.budget_table(contract, ov.Filters(year=2021), "axis").total
    in_gamma = ov.budget_table(contract, ov.Filters(year=2021, commune=communes[2]), "axis").total
    assert everywhere.granted == in_gamma.granted == Decimal("101500.50")


def test_action_rows_count_persons_with_complementary_suppression(world):
    contract = world["contract"]
    action_a, action_b, action_c = world["actions"]
    rows = {row.action.pk: row for row in ov.action_rows(contract, ov.Filters(year=2021))}
    counts = {a.pk: len(participants(contract, 2021, action=a)) for a in world["actions"]}
    assert counts == {action_a.pk: 12, action_b.pk: 12, action_c.pk: 3}
    assert rows[action_c.pk].reached.suppressed  # 3 persons: hidden
    # A lone hidden row would be total − others when nobody overlaps: one more row is hidden.
    assert [rows[a.pk].reached.suppressed for a in (action_a, action_b)].count(True) == 1
    visible = [rows[a.pk] for a in (action_a, action_b) if not rows[a.pk].reached.suppressed]
    assert visible[0].reached.value == 12
    assert rows[action_a.pk].granted == Decimal(100000)
    assert rows[action_a.pk].paid == Decimal(55000)
    assert rows[action_a.pk].target == 10
    assert rows[action_b.pk].target is None
    # Whole contract: A 14, B 12, C 3.
    whole = {row.action.pk: row for row in ov.action_rows(contract, ov.Filters(year=None))}
    assert len(participants(contract, None, action=action_a)) == 14
    assert [whole[a.pk].reached.value for a in (action_a, action_b)].count(None) == 1
    assert whole[action_c.pk].reached.suppressed
    assert ov.status_counts(list(whole.values())) == [("Retenue", 1), ("En cours", 2)]


def test_one_action_alone_is_not_complemented(world):
    contract = world["contract"]
    action_c = world["actions"][2]
    rows = ov.action_rows(contract, ov.Filters(year=2021, action=action_c))
    assert len(rows) == 1 and rows[0].reached.suppressed


def test_communes_equal_independent_counts(world):
    contract = world["contract"]
    alpha, beta, gamma = (c.insee_code for c in world["communes"])
    reached, accompanied_result = ov.commune_results(contract, ov.Filters(year=2021))
    by_commune = Counter(Person.objects.get(pk=pid).commune_id for pid in participants(contract, 2021))
    assert by_commune == {alpha: 12, beta: 7, gamma: 3}
    cells = {row.key: row.value for row in reached.rows}
    assert cells[alpha].value == 12
    assert cells[gamma].suppressed  # 3
    assert cells[beta].suppressed  # complementary: 22 − 12 − 7 would give Gamma back
    assert reached.total.value.value == sum(by_commune.values()) == 22
    expected = accompanied(contract, 2021)
    assert expected == {alpha: 12, beta: 6, gamma: 3}
    cells = {row.key: row.value for row in accompanied_result.rows}
    assert cells[alpha].value == 12 and cells[gamma].suppressed and cells[beta].suppressed
    assert accompanied_result.total.value.value == 21


def test_monthly_trend_equals_independent_counts(world):
    contract = world["contract"]
    trend = ov.monthly(contract, ov.Filters(year=2021))
    assert [row.month for row in trend.rows] == [D(2021, m, 1) for m in range(1, 13)]
    firsts: dict[int, dt.date] = {}
    for p in Participation.objects.all():
        firsts[p.person_id] = min(firsts.get(p.person_id, p.starts_on), p.starts_on)
    new = Counter(D(d.year, d.month, 1) for d in firsts.values() if d.year == 2021)
    assert new == {D(2021, 2, 1): 12, D(2021, 3, 1): 7, D(2021, 5, 1): 3}
    rows = {row.month: row for row in trend.rows}
    assert rows[D(2021, 2, 1)].new.value == 12
    assert rows[D(2021, 5, 1)].new.suppressed and rows[D(2021, 3, 1)].new.suppressed  # 3, and 7 to protect it
    assert rows[D(2021, 1, 1)].new.value == 0
    assert trend.new_total.value == 22
    active: dict[dt.date, set[int]] = defaultdict(set)
    for p in Participation.objects.all():
        for month in range(1, 13):
            first, last = D(2021, month, 1), ov._month_end(D(2021, month, 1))
            if p.starts_on <= last and (p.ends_on is None or p.ends_on >= first):
                active[first].add(p.person_id)
    for month, row in rows.items():
        assert row.active.value == shown(len(active[month])), month
    assert rows[D(2021, 6, 1)].active.value == 22 and rows[D(2021, 10, 1)].active.value == 15


def test_monthly_trend_hides_a_small_year(world):
    trend = ov.monthly(world["contract"], ov.Filters(year=2022))
    rows = {row.month: row for row in trend.rows}
    assert rows[D(2022, 3, 1)].new.suppressed  # the 2 late persons
    assert trend.new_total.suppressed
    assert all(row.new.value in (0, None) for row in trend.rows)


def test_outcomes_equal_independent_counts(world):
    contract = world["contract"]
    sections = ov.outcomes(contract, ov.Filters(year=2021))
    results = {r.code: r for s in sections for r in s.results}
    assert [s.key for s in sections][:3] == ["persons", "housing", "employment"]
    ids = participants(contract, 2021)
    durable = {
        s.person_id
        for s in Situation.objects.filter(person__in=ids, domain="housing", status__in=DURABLE_HOUSING)
        if s.start_date <= D(2021, 12, 31)
    }
    rate = results["durable_housing_rate"].total
    assert (rate.numerator.value, rate.denominator.value) == (len(durable), len(ids)) == (8, 22)
    assert rate.percent == round(100 * 8 / 22, 1)
    assert results["persons_reached"].total.value.value == 22
    assert results["persons_accompanied"].total.value.value == sum(accompanied(contract, 2021).values()) == 21


def test_rate_with_a_small_complement_is_hidden(world):
    """In action A, 8 of 12 persons are durably housed: the 4 others are a hidden cell, and since the
    base is shown, the numerator is hidden with them and no percent is shown."""
    contract = world["contract"]
    sections = ov.outcomes(contract, ov.Filters(year=2021, action=world["actions"][0]))
    rate = next(r for s in sections for r in s.results if r.code == "durable_housing_rate").total
    assert rate.denominator.value == 12
    assert rate.numerator.suppressed and rate.percent is None


def test_targets_against_achievements(world):
    contract = world["contract"]
    action_a, _b, action_c = world["actions"]
    rows = {row.target.action_id: row for row in ov.target_rows(contract, ov.Filters(year=2021))}
    assert rows[action_a.pk].achieved == 12 and rows[action_a.pk].reached_target is True
    assert rows[action_c.pk].achieved is None and rows[action_c.pk].reached_target is None  # 3: hidden


def test_parse_filters(world):
    contract = world["contract"]
    action_a = world["actions"][0]
    filters, errors = ov.parse_filters(
        contract, {"annee": "2021", "axe": "2", "action": str(action_a.pk), "commune": "99001"}
    )
    assert errors == []
    assert (filters.year, filters.axis.number, filters.action, filters.commune_code) == (2021, 2, action_a, "99001")
    filters, errors = ov.parse_filters(contract, {"annee": "tout"})
    assert filters.year is None and not errors
    filters, errors = ov.parse_filters(contract, {}, today=D(2026, 1, 1))
    assert filters.year == 2024  # the last year of the amended contract
    filters, errors = ov.parse_filters(
        contract,
        {"annee": "1999", "axe": "x", "action": "99999999999999999999", "commune": "<script>"},
        today=D(2022, 5, 1),
    )
    assert filters == ov.Filters(year=2022)
    assert len(errors) == 4


def test_bilans_in_scope(world, cast):
    contract = world["contract"]
    action_a = world["actions"][0]
    QualitativeReport.objects.create(action=action_a, year=2021, text="Bilan 2021", written_by=cast.amina.user)
    assert [r.year for r in ov.bilans(contract, ov.Filters(year=2021))] == [2021]
    assert list(ov.bilans(contract, ov.Filters(year=2022))) == []


def test_overview_queries_do_not_grow_with_persons_or_actions(world, carriers, django_assert_max_num_queries):
    contract = world["contract"]
    with django_assert_max_num_queries(60) as before:
        ov.build_overview(contract, ov.Filters(year=2021), with_targets=False)
    gamma = world["communes"][2]
    for n in range(4):
        action = make_action(contract, carriers[1], axis_number=3, title=f"Nouvelle {n}")
        for i in range(6):
            participation_record(
                person=_person(gamma, 40 + i), action=action, starts_on=D(2021, 7, 1), source="carrier"
            )
    with django_assert_max_num_queries(len(before.captured_queries)):
        ov.build_overview(contract, ov.Filters(year=2021), with_targets=False)
