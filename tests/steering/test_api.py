"""The steering API: indicators, fiches action and budget for the coordinators; figures equal an
independent count from the records, small counts are null; everybody else gets 404; calls are audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.steering.models import BudgetLine, Participation
from ancrage.steering.services import participation_record
from tests.conftest import login
from tests.factories import PathwayFactory, PersonFactory

from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(contract, carriers, place):
    """Action A reaches persons 0–5 in 2021, action B persons 4–6 (two shared); person 7 took part in
    A in 2022 only. Sexes: 0–4 women, 5–7 men."""
    _territory, communes = place
    action_a = make_action(contract, carriers[0], axis_number=2, title="Apprendre le français")
    action_b = make_action(contract, carriers[1], axis_number=4, title="Accès au logement")
    persons = []
    for i in range(8):
        person = PersonFactory(sex="F" if i < 5 else "M", commune=communes[0])
        PathwayFactory(person=person, operator=carriers[0], entry_date=D(2021, 1, 15))
        persons.append(person)
    for i in range(6):
        participation_record(person=persons[i], action=action_a, starts_on=D(2021, 2, 1), source="carrier")
    for i in (4, 5, 6):
        participation_record(
            person=persons[i], action=action_b, starts_on=D(2021, 3, 1), ends_on=D(2021, 9, 1), source="carrier"
        )
    participation_record(person=persons[7], action=action_a, starts_on=D(2022, 2, 1), source="carrier")
    lines = [
        (action_a, 2021, "state_p104", 50000, 40000, 30000, 20000),
        (action_a, 2021, "metropole", 10000, 10000, 10000, 10000),
        (action_a, 2022, "state_p104", 60000, 50000, 0, 0),
        (action_b, 2021, "caf", 8000, 5000, 5000, 2500),
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
    return {"contract": contract, "actions": (action_a, action_b), "persons": persons, "lines": lines}


def _get(client, name, **params):
    return client.get(reverse(f"api:{name}"), params)


def _reached(action, year: int | None = None) -> set[int]:
    found = set()
    for participation in Participation.objects.filter(action=action):
        if year is None or (
            participation.starts_on <= D(year, 12, 31)
            and (participation.ends_on is None or participation.ends_on >= D(year, 1, 1))
        ):
            found.add(participation.person_id)
    return found


def test_indicator_matches_an_independent_count(client, cast, world):
    login(client, cast.claire)
    action_a, action_b = world["actions"]
    expected = _reached(action_a, 2021) | _reached(action_b, 2021)
    assert len(expected) == 7
    response = _get(client, "indicators", code="persons_reached", year=2021)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["contract"]["id"] == world["contract"].pk
    (indicator,) = data["indicators"]
    assert indicator["code"] == "persons_reached"
    assert indicator["total"]["value"] == 7

    # By sex: 5 women and 2 men; the 2 are hidden and the women with them (total − women = men).
    by_sex = _get(client, "indicators", code="persons_reached", year=2021, by="sex").json()["indicators"][0]
    rows = {row["key"]: row["value"] for row in by_sex["rows"]}
    assert rows["M"] is None and rows["F"] is None
    assert by_sex["total"]["value"] == 7

    # One action: 3 persons in B, hidden (null).
    response = _get(client, "indicators", code="persons_reached", year=2021, action=action_b.pk)
    assert response.json()["indicators"][0]["total"]["value"] is None
    # One axis: axis 2 is action A's, 6 persons.
    response = _get(client, "indicators", code="persons_reached", year=2021, axis=2)
    assert response.json()["indicators"][0]["total"]["value"] == len(_reached(action_a, 2021)) == 6


def test_whole_catalogue(client, cast, world):
    login(client, cast.yves)
    response = _get(client, "indicators", year=2021)
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()["indicators"]]
    assert "persons_reached" in codes and "budget_paid" in codes
    budget = next(i for i in response.json()["indicators"] if i["code"] == "budget_paid")
    assert Decimal(budget["total"]["amount"]) == sum(Decimal(line[6]) for line in world["lines"] if line[1] == 2021)


def test_actions(client, cast, world):
    login(client, cast.claire)
    action_a, action_b = world["actions"]
    response = _get(client, "contract_actions", year=2021)
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["actions"]}
    a, b = rows[action_a.pk], rows[action_b.pk]
    assert a["title"] == "Apprendre le français" and a["axis_number"] == 2
    assert a["carrier_name"] == "Porteur Un" and a["carrier_siret"] == "73282932000074"
    assert a["status"] == "running" and a["starts_on"] == "2021-01-01"
    granted_a = sum(line[4] for line in world["lines"] if line[0] == action_a and line[1] == 2021)
    paid_b = sum(line[6] for line in world["lines"] if line[0] == action_b and line[1] == 2021)
    assert Decimal(a["granted"]) == granted_a == 50000
    assert Decimal(b["paid"]) == paid_b
    assert b["persons_reached"] is None  # 3 persons
    # Nobody is in both actions: A's 6 plus B's hidden 3 would be the 9 persons reached the indicators
    # show, so A is hidden too (complementary suppression, as on the coordinators' pages).
    assert len(_reached(action_a, 2021)) == 6
    assert a["persons_reached"] is None
    # All years: person 7 joins A in 2022 (still the complement of B's hidden count).
    rows = {row["id"]: row for row in _get(client, "contract_actions").json()["actions"]}
    assert rows[action_a.pk]["persons_reached"] is None and len(_reached(action_a)) == 7
    assert Decimal(rows[action_a.pk]["granted"]) == 100000


def test_budget(client, cast, world):
    login(client, cast.claire)
    response = _get(client, "contract_budget", by="co_funder", year=2021)
    assert response.status_code == 200
    data = response.json()
    rows = {row["key"]: row for row in data["rows"]}
    assert Decimal(rows["state_p104"]["granted"]) == 40000
    assert Decimal(rows["caf"]["paid"]) == Decimal(2500)
    assert Decimal(rows["ars"]["requested"]) == 0
    assert Decimal(data["total"]["committed"]) == sum(Decimal(line[5]) for line in world["lines"] if line[1] == 2021)
    by_axis = {row["key"]: row for row in _get(client, "contract_budget").json()["rows"]}
    assert Decimal(by_axis["2"]["requested"]) == 120000
    assert by_axis["2"]["label"].startswith("2. ")
    by_year = {row["key"]: row for row in _get(client, "contract_budget", by="year").json()["rows"]}
    assert Decimal(by_year["2022"]["granted"]) == 50000


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("indicators", {"code": "persons_reached", "by": "colour"}),
        ("indicators", {"code": "budget_paid", "by": "sex"}),
        ("indicators", {"by": "sex"}),
        ("indicators", {"year": "deux mille"}),
        ("indicators", {"year": "2030"}),
        ("indicators", {"code": "unknown_code"}),
        ("indicators", {"commune": "75056"}),
        ("contract_budget", {"by": "colour"}),
        ("contract_actions", {"contract": "x"}),
    ],
)
def test_bad_parameters_answer_400_in_french(client, cast, world, name, params):
    login(client, cast.claire)
    response = _get(client, name, **params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_unknown_contract_or_action_answers_404(client, cast, world):
    login(client, cast.claire)
    assert _get(client, "indicators", contract=999999).status_code == 404
    assert _get(client, "indicators", action=999999).status_code == 404
    assert _get(client, "indicators", axis=9).status_code == 404
    assert _get(client, "contract_actions", contract=999999).status_code == 404
    assert _get(client, "contract_budget", contract=999999).status_code == 404


def test_no_contract_is_an_empty_answer(client, cast, db):
    login(client, cast.claire)
    data = _get(client, "indicators").json()
    assert data["contract"] is None and data["indicators"] == []
    assert _get(client, "contract_actions").json()["actions"] == []


@pytest.mark.parametrize("name", ["indicators", "contract_actions", "contract_budget"])
@pytest.mark.parametrize("persona", ["amina", "olivier", "marc", "hugo", "sofia"])
def test_denied(client, cast, world, name, persona):
    login(client, getattr(cast, persona))
    response = _get(client, name)
    assert response.status_code == 404
    assert "Porteur" not in response.content.decode()
    assert not AuditEvent.objects.filter(event__startswith="steering.").exists()


def test_anonymous_401(client, world):
    assert _get(client, "contract_budget").status_code == 401


def test_calls_are_audited(client, cast, world):
    login(client, cast.claire)
    _get(client, "indicators", code="persons_reached", year=2021)
    _get(client, "contract_actions", year=2021)
    _get(client, "contract_budget", by="axis")
    events = {e.event: e for e in AuditEvent.objects.filter(event__startswith="steering.")}
    assert set(events) == {"steering.indicators.read", "steering.actions.read", "steering.budget.read"}
    indicators = events["steering.indicators.read"]
    assert indicators.user == cast.claire.user and indicators.person_id is None
    assert indicators.details == {"year": 2021, "code": "persons_reached"}
    assert indicators.object_id == str(world["contract"].pk)
