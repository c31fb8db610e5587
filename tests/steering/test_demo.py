"""The demo's Rennes contract (``ancrage.demo.steering``, run at the end of the demo generator): what Claire and
Yves see on the steering pages without anybody typing a figure in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from ancrage.demo.cast import ORGANISATIONS
from ancrage.demo.generator import DemoGenerator
from ancrage.organisations.models import Membership, Role
from ancrage.steering.indicators import compute
from ancrage.steering.models import (
    Action,
    ActionStatus,
    Application,
    BudgetLine,
    Contract,
    Decision,
    Participation,
    QualitativeReport,
    Target,
)
from ancrage.steering.participation import SyncReport, sync_participations

TITLE = "Contrat territorial d'accueil et d'intégration des réfugiés — Rennes Métropole"
DEMO_NAMES = {spec.name for spec in ORGANISATIONS}


@pytest.fixture
def demo_contract(territory, rome):
    DemoGenerator(persons=120).run()
    return Contract.objects.get(title=TITLE)


def test_the_rennes_contract_its_amendment_and_about_twenty_fiches_action_of_demo_carriers(demo_contract):
    contract = demo_contract
    today = timezone.localdate()
    assert (contract.signed_on, contract.starts_on, contract.ends_on) == (
        dt.date(2020, 12, 9),
        dt.date(2020, 12, 9),
        dt.date(2023, 12, 8),
    )
    assert "préfet d'Ille-et-Vilaine" in contract.signatories
    assert "DIAIR" in contract.signatories
    amendment = contract.amendments.get()
    assert amendment.number == 1
    assert dt.date(2023, 9, 1) <= amendment.signed_on <= dt.date(2023, 12, 8)
    assert contract.effective_ends_on == dt.date(max(today.year, 2024), 12, 31)
    assert "logement" in amendment.summary
    assert "primo-arrivants" in amendment.summary
    assert list(contract.years.values_list("year", flat=True)) == list(range(2020, contract.effective_ends_on.year + 1))
    assert contract.axes.count() == 5
    actions = list(contract.actions.select_related("carrier", "axis"))
    assert len(actions) >= 18
    for action in actions:
        action.full_clean()
        assert action.carrier.name in DEMO_NAMES
        assert action.carrier_siret == action.carrier.siret
        assert action.axis.contract_id == contract.pk
        if action.starts_on:
            assert contract.starts_on <= action.starts_on <= (action.ends_on or contract.effective_ends_on)
    assert {a.axis.number for a in actions} == {1, 2, 3, 4, 5}
    statuses = [a.status for a in actions]
    assert statuses.count(ActionStatus.ABANDONED) == 1
    assert statuses.count(ActionStatus.DRAFT) == 1
    assert statuses.count(ActionStatus.RUNNING) + statuses.count(ActionStatus.DONE) >= len(actions) - 2
    agir = next(a for a in actions if a.carrier.short_name == "AGIR 35")
    assert agir.programmes == ["agir"]
    assert any("ctair" in a.programmes for a in actions)
    assert any(a.services.exists() for a in actions)


def test_budget_targets_and_calls_for_projects_hold(demo_contract):
    contract = demo_contract
    today = timezone.localdate()
    lines = BudgetLine.objects.filter(action__contract=contract)
    state_2020 = lines.filter(year=2020, co_funder="state_p104").aggregate(total=Sum("granted"))["total"]
    assert state_2020 == Decimal("300000")
    for line in lines:
        line.full_clean()
        assert line.requested >= line.granted >= line.committed >= line.paid >= 0
        assert contract.starts_on.year <= line.year <= today.year
        if line.year < today.year - 1:
            assert line.paid == line.committed or line.action.status == ActionStatus.ABANDONED
    for year in range(2021, today.year + 1):
        state = lines.filter(year=year, co_funder="state_p104").aggregate(total=Sum("granted"))["total"]
        assert Decimal(150_000) <= state <= Decimal(300_000), year
    this_year = lines.filter(year=today.year).aggregate(granted=Sum("granted"), paid=Sum("paid"))
    assert this_year["paid"] < this_year["granted"]  # only the advances of the current year are paid
    assert set(lines.values_list("co_funder", flat=True)) >= {
        "state_p104",
        "metropole",
        "city",
        "eu_funds",
        "caf",
        "ars",
    }
    assert not lines.filter(action__status=ActionStatus.DRAFT).exists()
    assert Target.objects.filter(action__contract=contract, indicator__code="persons_reached").exists()
    assert Target.objects.filter(action__contract=contract).exclude(indicator__code="persons_reached").exists()
    assert set(contract.calls.values_list("year", flat=True)) == set(range(2020, today.year + 1))
    applications = Application.objects.filter(call__contract=contract).select_related("call", "action")
    for application in applications:
        application.full_clean()
        if application.action is not None:
            assert application.decision == Decision.SELECTED
            assert application.organisation_id == application.action.carrier_id
            assert application.decided_on < application.action.starts_on
    decisions = [a.decision for a in applications]
    assert decisions.count(Decision.SELECTED) > decisions.count(Decision.REJECTED) > 0
    assert applications.filter(decision=Decision.PENDING, call__year=today.year).exists()
    assert not applications.filter(decision=Decision.PENDING).exclude(call__year=today.year).exists()


def test_participations_come_from_every_source_and_bilans_from_the_carriers(demo_contract):
    contract = demo_contract
    participations = Participation.objects.filter(action__contract=contract)
    assert set(participations.values_list("source", flat=True)) == {"pathway", "referral", "carrier"}
    assert sync_participations(contract=contract) == SyncReport()  # the demo is in step with its records
    assert not participations.filter(action__status__in=["draft", "abandoned"], source__in=["pathway", "referral"])
    for participation in participations.filter(source="carrier"):
        participation.full_clean()
        assert participation.recorded_by_organisation_id == participation.action.carrier_id
    reached = compute("persons_reached", contract=contract, year=timezone.localdate().year - 1)
    assert reached.total.value.value and reached.total.value.value > 5
    reports = QualitativeReport.objects.filter(action__contract=contract).select_related("action")
    assert reports.count() >= 20
    assert len({r.text for r in reports}) >= reports.count() * 0.8  # varied, not one text copied
    for report in reports:
        assert report.year < timezone.localdate().year
        assert 2 <= report.text.count(". ") + 1 <= 4
        assert Membership.objects.filter(
            user=report.written_by_id, organisation=report.action.carrier_id, role__in=[Role.REFERENT, Role.ORG_ADMIN]
        ).exists()


def test_seeding_again_adds_no_second_contract(demo_contract):
    counts = {model: model.objects.count() for model in (Action, BudgetLine, Application, QualitativeReport, Target)}
    carrier_rows = Participation.objects.filter(source="carrier").count()
    DemoGenerator(persons=10, seed=43).run()
    assert Contract.objects.filter(title=TITLE).count() == 1
    assert {model: model.objects.count() for model in counts} == counts
    assert Participation.objects.filter(source="carrier").count() == carrier_rows
    assert sync_participations() == SyncReport()  # the new persons' pathways were synced too
