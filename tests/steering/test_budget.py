"""The contract, its actions and budget lines: consistency checks, optimistic locking, totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ancrage.core.concurrency import ConcurrentEditError
from ancrage.steering.models import (
    Action,
    Application,
    BudgetLine,
    CallForProjects,
    ContractYear,
    Decision,
    PriorityAxis,
)
from ancrage.steering.services import (
    action_save,
    application_decide,
    budget_grand_total,
    budget_line_save,
    budget_totals,
)

from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date
E = Decimal


def test_contract_create_seeds_the_five_axes_and_years(contract):
    axes = list(PriorityAxis.objects.filter(contract=contract).values_list("number", "title"))
    assert [n for n, _t in axes] == [1, 2, 3, 4, 5]
    assert axes[0][1].startswith("Renforcer le pilotage")
    assert axes[3][1] == "Garantir l'accès au logement"
    assert list(ContractYear.objects.filter(contract=contract).values_list("year", flat=True)) == [
        2020,
        2021,
        2022,
        2023,
    ]


def test_action_siret_defaults_to_carrier_and_is_validated(contract, carriers):
    action = make_action(contract, carriers[0])
    assert action.carrier_siret == "73282932000074"
    action.carrier_siret = "73282932000075"
    with pytest.raises(ValidationError) as error:
        action_save(action, expected_version=action.version)
    assert "clé de contrôle" in str(error.value)


def test_action_axis_must_belong_to_the_contract(contract, carriers, place):
    from ancrage.steering.services import contract_create

    other = contract_create(
        territory=place[0], title="Autre", signed_on=D(2021, 1, 1), starts_on=D(2021, 1, 1), ends_on=D(2022, 1, 1)
    )
    action = Action(contract=contract, axis=other.axes.first(), title="X", carrier=carriers[0])
    with pytest.raises(ValidationError) as error:
        action_save(action)
    assert "n'appartient pas à ce contrat" in str(error.value)


def line(action, **amounts) -> BudgetLine:
    return BudgetLine(action=action, year=2021, co_funder="state_p104", **{k: E(v) for k, v in amounts.items()})


@pytest.mark.parametrize(
    ("amounts", "field", "message"),
    [
        ({"requested": 100, "granted": 150}, "granted", "accordé ne peut pas dépasser le montant demandé"),
        (
            {"requested": 100, "granted": 80, "committed": 90},
            "committed",
            "engagé ne peut pas dépasser le montant accordé",
        ),
        (
            {"requested": 100, "granted": 80, "committed": 60, "paid": 70},
            "paid",
            "versé ne peut pas dépasser le montant engagé",
        ),
        ({"requested": -1}, "requested", "ne peut pas être négatif"),
    ],
)
def test_budget_line_inconsistency_refused_with_its_message(contract, carriers, amounts, field, message):
    action = make_action(contract, carriers[0])
    with pytest.raises(ValidationError) as error:
        budget_line_save(line(action, **amounts))
    assert field in error.value.message_dict
    assert any(message in m for m in error.value.message_dict[field])
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    "amounts",
    [
        {"requested": 100, "granted": 150},
        {"requested": 100, "granted": 80, "committed": 90},
        {"requested": 100, "granted": 80, "committed": 60, "paid": 70},
        {"requested": -5},
    ],
)
def test_database_constraints_hold_without_the_service(contract, carriers, amounts):
    action = make_action(contract, carriers[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        line(action, **amounts).save()


def test_update_bypassing_checks_is_refused_by_the_database(contract, carriers):
    action = make_action(contract, carriers[0])
    saved = budget_line_save(line(action, requested=100, granted=100, committed=50, paid=50))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=saved.pk).update(paid=E(60))


def test_budget_year_outside_contract_refused(contract, carriers):
    action = make_action(contract, carriers[0])
    bad = line(action, requested=10)
    bad.year = 2026
    with pytest.raises(ValidationError) as error:
        budget_line_save(bad)
    assert "pas couverte par le contrat" in str(error.value)


def test_budget_line_duplicate_and_stale_edit_refused(contract, carriers):
    action = make_action(contract, carriers[0])
    first = budget_line_save(line(action, requested=100, granted=90))
    with pytest.raises(ValidationError) as error:
        budget_line_save(line(action, requested=5))
    assert "déjà une ligne" in str(error.value)
    stale = BudgetLine.objects.get(pk=first.pk)
    first.committed = E(50)
    budget_line_save(first, expected_version=1)
    stale.committed = E(10)
    with pytest.raises(ConcurrentEditError):
        budget_line_save(stale, expected_version=1)
    assert BudgetLine.objects.get(pk=first.pk).committed == E(50)


def test_totals_per_axis_co_funder_and_year(contract, carriers):
    housing = make_action(contract, carriers[0], axis_number=4, title="Logement")
    language = make_action(contract, carriers[1], axis_number=3, title="Français")
    other_language = make_action(contract, carriers[0], axis_number=3, title="Français 2")
    rows = [
        (housing, 2021, "state_p104", 100000, 90000, 80000, 40000),
        (housing, 2021, "metropole", 20000, 20000, 20000, 20000),
        (housing, 2022, "state_p104", 50000, 50000, 0, 0),
        (language, 2021, "state_p104", 60000, 60000, 60000, 30000),
        (language, 2021, "eu_funds", 15000, 10000, 10000, 5000),
        (other_language, 2022, "caf", 7000, 7000, 7000, 7000),
    ]
    for action, year, funder, requested, granted, committed, paid in rows:
        budget_line_save(
            BudgetLine(
                action=action,
                year=year,
                co_funder=funder,
                requested=E(requested),
                granted=E(granted),
                committed=E(committed),
                paid=E(paid),
            )
        )

    def expected(key_of, key):
        sums = dict.fromkeys(("requested", "granted", "committed", "paid"), E(0))
        for row in rows:
            if key_of(row) == key:
                for name, value in zip(sums, row[3:], strict=True):
                    sums[name] += E(value)
        return sums

    by_axis = budget_totals(contract, "axis")
    assert list(by_axis) == [1, 2, 3, 4, 5]
    assert by_axis[4] == expected(lambda r: r[0].axis.number, 4)
    assert by_axis[3] == expected(lambda r: r[0].axis.number, 3)
    assert by_axis[1]["granted"] == 0
    by_funder = budget_totals(contract, "co_funder")
    assert by_funder["state_p104"] == expected(lambda r: r[2], "state_p104")
    assert by_funder["ars"]["requested"] == 0
    by_year = budget_totals(contract, "year")
    assert by_year[2021] == expected(lambda r: r[1], 2021)
    assert by_year[2022] == expected(lambda r: r[1], 2022)
    assert budget_totals(contract, "co_funder", year=2022)["state_p104"]["granted"] == E(50000)
    grand = budget_grand_total(contract)
    assert grand["granted"] == sum(E(r[4]) for r in rows)
    assert grand["paid"] == sum(E(r[6]) for r in rows)


def test_totals_use_one_query(contract, carriers, django_assert_num_queries):
    make_action(contract, carriers[0])
    with django_assert_num_queries(2):  # the aggregate, and the contract's axes (rows with zeros)
        budget_totals(contract, "axis")


def test_selecting_an_application_creates_the_action(contract, carriers):
    call = CallForProjects.objects.create(
        contract=contract, year=2021, title="AAP 2021", opens_on=D(2021, 1, 10), closes_on=D(2021, 3, 1)
    )
    selected = Application.objects.create(
        call=call,
        organisation=carriers[1],
        title="Ateliers logement",
        requested_amount=E(12000),
        received_on=D(2021, 2, 1),
    )
    rejected = Application.objects.create(
        call=call, organisation=carriers[0], title="Autre projet", requested_amount=E(5000), received_on=D(2021, 2, 2)
    )
    axis = contract.axes.get(number=4)
    application_decide(selected, decision=Decision.SELECTED, decided_on=D(2021, 4, 1), expected_version=1, axis=axis)
    application_decide(rejected, decision=Decision.REJECTED, decided_on=D(2021, 4, 1), expected_version=1)
    selected.refresh_from_db()
    assert selected.action is not None
    assert selected.action.carrier == carriers[1]
    assert selected.action.carrier_siret == "44306184100047"
    assert selected.action.axis == axis
    assert selected.action.status == "selected"
    rejected.refresh_from_db()
    assert rejected.action is None and rejected.decision == "rejected"
    with pytest.raises(ValidationError) as error:
        application_decide(
            rejected, decision=Decision.SELECTED, decided_on=D(2021, 5, 1), expected_version=2, axis=axis
        )
    assert "déjà été prise" in str(error.value)


def test_selecting_without_axis_creates_nothing(contract, carriers):
    call = CallForProjects.objects.create(
        contract=contract, year=2021, title="AAP", opens_on=D(2021, 1, 10), closes_on=D(2021, 3, 1)
    )
    application = Application.objects.create(
        call=call, organisation=carriers[1], title="Projet", received_on=D(2021, 2, 1)
    )
    with pytest.raises(ValidationError):
        application_decide(application, decision=Decision.SELECTED, decided_on=D(2021, 4, 1), expected_version=1)
    assert not Action.objects.exists()
    application.refresh_from_db()
    assert application.decision == "pending"
