"""A person counted once across partners (issue 11 §4, ADR 8): the records two associations hold of
one person, grouped by the linkage engine into a pseudonymous cluster, count once in every figure of
the contract — persons reached and accompanied, each outcome and disaggregation, the trends, the
diagnosis, the annual report, the API, coverage and employment results; merged records count nowhere;
without clusters nothing changes; small counts stay hidden on the new counts.

The world (2021): eight persons with one record each, all reached by action A and accompanied by
AGIR; one *twin* with two records — X at AGIR (action A) and Y at the other association (action B),
one cluster — and a record M merged into X, which still carries rows of its own.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ancrage.employment.results import compute_results
from ancrage.linkage.counting import count_persons, counted_person
from ancrage.linkage.models import Cluster, ClusterMember
from ancrage.persons.models import Nationality, Person, Protection, Situation
from ancrage.steering.diagnosis import as_json, compute_diagnosis
from ancrage.steering.indicators import compute
from ancrage.steering.models import Participation
from ancrage.steering.overview import Filters, action_rows, build_overview, monthly
from ancrage.steering.report import build_report_data, render_xlsx
from ancrage.steering.services import participation_record
from ancrage.tracks.coverage import compute_coverage
from ancrage.tracks.models import HealthCoverage
from tests.factories import PathwayFactory, PersonFactory

from ..conftest import login
from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2021
TODAY = D(2022, 6, 1)
SINGLES = 8


BORN = D(1990, 5, 17)
HOUSED = D(2021, 1, 1)


def _record(*, organisation, commune, sex="M", birth=BORN, housing="social_rental", housed_on=HOUSED):
    person = PersonFactory(sex=sex, birth_date=birth, commune=commune, created_by_organisation=organisation)
    Nationality.objects.create(person=person, code="AF")
    Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=D(2020, 6, 1))
    PathwayFactory(person=person, operator=organisation, entry_date=D(2021, 1, 10))
    Situation.objects.create(person=person, domain="housing", status=housing, start_date=housed_on)
    return person


@pytest.fixture
def world(cast, contract, carriers, place):
    _territory, communes = place
    alpha, beta = communes[0], communes[1]
    action_a = make_action(contract, carriers[0], axis_number=2, title="A")
    action_b = make_action(contract, carriers[1], axis_number=4, title="B")
    singles = []
    for _i in range(SINGLES):
        person = _record(organisation=cast.agir, commune=alpha)
        HealthCoverage.objects.create(person=person, puma_status="open", puma_opened_on=D(2021, 2, 1))
        participation_record(person=person, action=action_a, starts_on=D(2021, 3, 1), source="carrier")
        singles.append(person)
    # X, at AGIR: an older record, another sex, birth date and commune, not durably housed, no PUMa.
    x = _record(organisation=cast.agir, commune=beta, sex="F", birth=D(1950, 1, 1), housing="cada")
    participation_record(person=x, action=action_a, starts_on=D(2021, 3, 1), source="carrier")
    # Y, at the other association, updated last: durably housed since June, PUMa open.
    y = _record(organisation=cast.other_association, commune=alpha, housed_on=D(2021, 6, 1))
    HealthCoverage.objects.create(person=y, puma_status="open", puma_opened_on=D(2021, 2, 1))
    participation_record(person=y, action=action_b, starts_on=D(2021, 9, 1), source="carrier")
    cluster = Cluster.objects.create()
    ClusterMember.objects.create(person=x, cluster=cluster)
    ClusterMember.objects.create(person=y, cluster=cluster)
    Person.objects.filter(pk=y.pk).update(updated_at=x.updated_at + dt.timedelta(hours=1))
    # M, merged into X: its rows should have moved; those left behind count nowhere.
    merged = _record(organisation=cast.agir, commune=beta, sex="F", birth=D(1950, 1, 1))
    participation_record(person=merged, action=action_a, starts_on=D(2021, 3, 1), source="carrier")
    Person.objects.filter(pk=merged.pk).update(merged_into=x)
    return {
        "contract": contract,
        "actions": (action_a, action_b),
        "singles": singles,
        "twin": (x, y),
        "merged": merged,
        "communes": communes,
    }


def _value(code, world, **kwargs):
    result = compute(code, contract=world["contract"], year=YEAR, today=TODAY, **kwargs)
    return result


def _rows(result):
    return {row.key: row.value.value for row in result.rows}


# --- the unit ---------------------------------------------------------------------------------------------


def test_the_records_of_a_cluster_share_one_unit_and_a_lone_record_is_its_own(world):
    x, y = world["twin"]
    units = dict(Person.objects.annotate(unit=counted_person("")).values_list("pk", "unit"))
    assert units[x.pk] == units[y.pk] == -x.cluster_membership.cluster_id
    assert units[world["singles"][0].pk] == world["singles"][0].pk
    assert count_persons(Participation.objects.all()) == SINGLES + 1  # the merged record left out


# --- the contract's figures -----------------------------------------------------------------------------------


def test_persons_reached_and_accompanied_count_the_twin_once_and_the_merged_record_nowhere(world):
    assert _value("persons_reached", world).total.value.value == SINGLES + 1
    assert _value("persons_accompanied", world).total.value.value == SINGLES + 1


def test_each_outcome_pools_the_records_of_the_person(world):
    # The twin is durably housed by Y's latest situation and has PUMa on Y: 9 of 9, not 9 of 10.
    for code in ("durable_housing_rate", "puma_open_rate"):
        total = _value(code, world).total
        assert (total.numerator.value, total.denominator.value) == (SINGLES + 1, SINGLES + 1), code


def test_each_disaggregation_has_the_twin_in_one_row_with_the_latest_record_s_attributes(world):
    alpha = world["communes"][0].pk
    expected = {
        "sex": ("M", "F"),
        "age_band": ("26_35", "46"),
        "commune": (alpha, world["communes"][1].pk),
        "nationality_group": ("AF", "others"),
        "protection_type": ("refugee", "unknown"),
        "programme": ("agir", "none"),
    }
    for by, (row, empty) in expected.items():
        result = _value("persons_reached", world, by=by)
        rows = _rows(result)
        assert result.total.value.value == SINGLES + 1, by
        assert rows[row] == SINGLES + 1, (by, rows)
        assert rows.get(empty, 0) == 0, (by, rows)


def test_actions_count_each_record_where_it_takes_part_and_small_counts_stay_hidden(world, carriers):
    action_a, action_b = world["actions"]
    # A third action with 5 of the singles takes the complementary suppression of B's hidden row.
    action_c = make_action(world["contract"], carriers[0], axis_number=3, title="C")
    for person in world["singles"][:5]:
        participation_record(person=person, action=action_c, starts_on=D(2021, 4, 1), source="carrier")
    rows = {row.action.pk: row.reached for row in action_rows(world["contract"], Filters(year=YEAR))}
    assert rows[action_a.pk].value == SINGLES + 1  # the singles and X; not the merged record
    assert rows[action_b.pk].suppressed  # Y alone: 1 person
    assert rows[action_c.pk].suppressed  # complementary cell
    # Axis 4 (action B) is one person, hidden; the whole contract is not.
    assert _value("persons_reached", world, axis=action_b.axis).total.value.suppressed


def test_monthly_new_persons_count_the_twin_once_at_their_first_participation(world):
    trend = monthly(world["contract"], Filters(year=YEAR), today=TODAY)
    assert trend.new_total.value == SINGLES + 1
    march = next(row for row in trend.rows if row.month == D(2021, 3, 1))
    assert march.new.value == SINGLES + 1
    september = next(row for row in trend.rows if row.month == D(2021, 9, 1))
    assert september.new.value == 0  # Y's participation is the twin's second, not a new person
    assert september.active.value == SINGLES + 1


def test_a_cluster_that_brings_a_count_under_five_is_hidden(cast, contract, carriers, place):
    _territory, communes = place
    action = make_action(contract, carriers[0])
    records = [_record(organisation=cast.agir, commune=communes[0]) for _i in range(5)]
    for person in records:
        participation_record(person=person, action=action, starts_on=D(2021, 3, 1), source="carrier")
    reached = compute("persons_reached", contract=contract, year=YEAR, today=TODAY)
    assert reached.total.value.value == 5
    cluster = Cluster.objects.create()
    for person in records[:2]:
        ClusterMember.objects.create(person=person, cluster=cluster)
    reached = compute("persons_reached", contract=contract, year=YEAR, today=TODAY)
    assert reached.total.value.suppressed  # 4 persons


def test_without_clusters_every_record_counts_as_itself(world):
    ClusterMember.objects.all().delete()
    assert _value("persons_reached", world).total.value.value == SINGLES + 2
    rows = _rows(_value("persons_reached", world, by="sex"))
    assert (rows["M"], rows["F"]) == (None, None)  # 9 and 1: the 1 hidden, and 9 with it
    assert count_persons(Participation.objects.all()) == SINGLES + 2


def test_the_diagnosis_counts_the_twin_once(world):
    data = as_json(compute_diagnosis(world["contract"], year=YEAR, today=TODAY))
    assert data["persons"] == SINGLES + 1
    tables = data["tables"]
    assert dict(tables["age"][1:])["26 à 35 ans"] == str(SINGLES + 1)
    assert dict(tables["protection"][1:])["Total"] == str(SINGLES + 1)
    assert dict(tables["household"][1:])["1 personne"] == str(SINGLES + 1)
    assert dict(tables["commune"][1:]) == {"Alpha": str(SINGLES + 1), "Total": str(SINGLES + 1)}


def test_the_annual_report_counts_the_twin_once(world):
    workbook = load_workbook(io.BytesIO(render_xlsx(build_report_data(world["contract"], YEAR, TODAY))))
    sheet = workbook["Indicateurs"]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows["persons_reached"][4] == SINGLES + 1
    assert rows["persons_accompanied"][4] == SINGLES + 1
    assert rows["durable_housing_rate"][5:7] == (SINGLES + 1, SINGLES + 1)
    overview = build_overview(world["contract"], Filters(year=YEAR), today=TODAY)
    assert overview.reached is not None and overview.reached.total.value.value == SINGLES + 1


def test_the_api_counts_the_twin_once(client, cast, world):
    login(client, cast.claire)
    response = client.get(reverse("api:indicators"), {"code": "persons_reached", "year": YEAR, "by": "sex"})
    assert response.status_code == 200, response.content
    (indicator,) = response.json()["indicators"]
    assert indicator["total"]["value"] == SINGLES + 1
    assert {row["key"]: row["value"] for row in indicator["rows"]}["M"] == SINGLES + 1


# --- coverage and employment results ----------------------------------------------------------------------


def test_coverage_counts_the_twin_once_for_a_coordinator(cast, world):
    data = compute_coverage(cast.claire.actor, today=TODAY)
    assert data.persons.value == SINGLES + 1
    assert (data.housing.numerator.value, data.housing.denominator.value) == (SINGLES + 1, SINGLES + 1)
    assert data.health[0].numerator.value == SINGLES + 1  # PUMa: the singles, and the twin on Y


def test_coverage_of_an_organisation_admin_never_pools_another_partner_s_record(cast, world):
    # Olivier (AGIR) counts AGIR's records: the singles and X, with X's own facts only: X is not durably
    # housed and has no PUMa there. 8 of 9: the one left is hidden, so the 8 are too (pooled with Y's
    # record it would have been 9 of 9, shown).
    data = compute_coverage(cast.olivier.actor, today=TODAY)
    assert data.persons.value == SINGLES + 1
    assert data.housing.denominator.value == SINGLES + 1
    assert data.housing.numerator.suppressed and data.housing.percent is None
    assert data.health[0].numerator.suppressed


def test_employment_results_count_the_twin_once_for_a_coordinator(cast, world):
    assert compute_results(cast.claire.actor, today=TODAY).persons.value == SINGLES + 1
    # Olivier: AGIR's records only (the singles and X), the merged record left out.
    assert compute_results(cast.olivier.actor, today=TODAY).persons.value == SINGLES + 1


@pytest.mark.parametrize("listed", [500, 0], ids=["few-records-listed", "many-records-as-a-subquery"])
def test_a_record_outside_the_population_brings_its_facts_to_the_person(world, monkeypatch, listed):
    # Y no longer takes part in any action: the twin is reached through X only, and Y's record (durably
    # housed, PUMa open) still describes the same person.
    monkeypatch.setattr("ancrage.steering.indicators.LISTED_RECORDS", listed)
    _x, y = world["twin"]
    Participation.objects.filter(person=y).delete()
    assert _value("persons_reached", world).total.value.value == SINGLES + 1
    for code in ("durable_housing_rate", "puma_open_rate"):
        total = _value(code, world).total
        assert (total.numerator.value, total.denominator.value) == (SINGLES + 1, SINGLES + 1), code
    # X is the only record in the population: the twin takes X's attributes (born 1950, Bêta).
    rows = _rows(_value("persons_reached", world, by="age_band"))
    assert (rows["26_35"], rows["46"]) == (None, None)  # 8 and 1: the 1 hidden, and the 8 with it
