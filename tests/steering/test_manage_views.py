"""Claire and Yves keep the contract in the interface: fiches action, budget, targets, calls for projects,
amendments. Everybody else gets the 404 of a missing page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.directory.models import Service, Structure
from ancrage.steering.models import (
    Action,
    Amendment,
    Application,
    BudgetLine,
    CallForProjects,
    Contract,
    ContractYear,
    IndicatorDefinition,
    Target,
)
from ancrage.steering.services import budget_line_save

from ..conftest import login
from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date
E = Decimal


@pytest.fixture
def claire(client, cast):
    return login(client, cast.claire)


def events(name: str) -> int:
    return AuditEvent.objects.filter(event=f"steering.{name}").count()


def action_data(contract, carrier, **extra) -> dict:
    data = {
        "axis": contract.axes.get(number=3).pk,
        "title": "Cours de français à visée professionnelle",
        "carrier": carrier.pk,
        "carrier_siret": "",
        "description": "Ateliers hebdomadaires.",
        "objectives": "Atteindre le niveau A2.",
        "starts_on": "2021-02-01",
        "ends_on": "2022-12-31",
        "status": "running",
        "programmes": ["agir"],
    }
    data.update(extra)
    return data


def budget_post(rows: list[dict], initial: int = 0) -> dict:
    data = {
        "budget-TOTAL_FORMS": str(len(rows)),
        "budget-INITIAL_FORMS": str(initial),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key in ("line_id", "version", "year", "co_funder", "requested", "granted", "committed", "paid"):
            data[f"budget-{i}-{key}"] = str(row.get(key, ""))
    return data


# --- fiches action and budget ------------------------------------------------------------------------------


def test_claire_creates_an_action_and_its_budget(claire, contract, carriers):
    carrier = carriers[0]
    structure = Structure.objects.create(name="Antenne Porteur Un", organisation=carrier)
    service = Service.objects.create(structure=structure, name="Cours de français", description="Ateliers FLE.")
    page = claire.get(reverse("steering:action_create", args=[contract.pk]))
    assert page.status_code == 200
    assert "Nouvelle fiche action" in page.content.decode()

    response = claire.post(
        reverse("steering:action_create", args=[contract.pk]),
        action_data(contract, carrier, services=[service.pk]),
    )
    action = Action.objects.get(title="Cours de français à visée professionnelle")
    assert response.status_code == 302 and response.url == reverse("steering:action_edit", args=[action.pk])
    assert action.carrier_siret == "73282932000074"  # taken from the carrier
    assert action.programmes == ["agir"]
    assert list(action.services.all()) == [service]
    assert events("action.create") == 1

    budget_url = reverse("steering:budget_edit", args=[action.pk])
    page = claire.get(budget_url)
    assert page.status_code == 200
    rows = [
        {
            "year": 2021,
            "co_funder": "state_p104",
            "requested": "12 500,50",
            "granted": "12000",
            "committed": "11000.5",
            "paid": "5 000",
        },
        {"year": 2022, "co_funder": "metropole", "requested": "3000", "granted": "3000"},
        {},  # an empty row is ignored
    ]
    response = claire.post(budget_url, budget_post(rows, initial=3))
    assert response.status_code == 302
    lines = {(line.year, line.co_funder): line for line in BudgetLine.objects.filter(action=action)}
    assert set(lines) == {(2021, "state_p104"), (2022, "metropole")}
    first = lines[(2021, "state_p104")]
    assert (first.requested, first.granted, first.committed, first.paid) == (
        E("12500.50"),
        E("12000"),
        E("11000.50"),
        E("5000"),
    )
    assert lines[(2022, "metropole")].committed == 0
    assert events("budget_line.create") == 2

    # The grid shows the lines back, with the totals per year; changing one line keeps the other.
    page = claire.get(budget_url).content.decode()
    assert 'value="12500.50"' in page
    assert "12\u202f500,50" in page or "12 500,50" in page or "12500,50" in page
    rows = [
        {"line_id": first.pk, "version": 1, "year": 2021, "co_funder": "state_p104", "requested": "12500.50",
         "granted": "12000", "committed": "11000.50", "paid": "8000"},
        {"line_id": lines[(2022, "metropole")].pk, "version": 1, "year": 2022, "co_funder": "metropole",
         "requested": "3000", "granted": "3000", "committed": "0", "paid": "0"},
    ]  # fmt: skip
    assert claire.post(budget_url, budget_post(rows, initial=2)).status_code == 302
    first.refresh_from_db()
    assert first.paid == E("8000") and first.version == 2
    assert BudgetLine.objects.get(pk=lines[(2022, "metropole")].pk).version == 1  # unchanged, not rewritten
    assert events("budget_line.update") == 1


def test_inconsistent_budget_shows_the_french_error_and_keeps_the_input(claire, contract, carriers):
    action = make_action(contract, carriers[0])
    url = reverse("steering:budget_edit", args=[action.pk])
    rows = [
        {"year": 2021, "co_funder": "caf", "requested": "1000", "granted": "1000"},  # valid
        {"year": 2022, "co_funder": "state_p104", "requested": "100", "granted": "150,5"},
        {"year": 2023, "co_funder": "city", "requested": "-3"},
        {"year": 2023, "co_funder": "ars", "requested": "100", "granted": "80", "committed": "60", "paid": "70"},
    ]
    response = claire.post(url, budget_post(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le montant accordé ne peut pas dépasser le montant demandé." in page
    assert "Le montant ne peut pas être négatif." in page
    assert "Le montant versé ne peut pas dépasser le montant engagé." in page
    assert 'value="150,5"' in page and 'value="-3"' in page  # the input comes back as typed
    assert not BudgetLine.objects.exists()  # nothing saved, not even the valid row
    assert events("budget_line.create") == 0


def test_budget_rejects_a_duplicate_co_funder_and_a_stale_line(claire, contract, carriers):
    action = make_action(contract, carriers[0])
    url = reverse("steering:budget_edit", args=[action.pk])
    rows = [
        {"year": 2021, "co_funder": "caf", "requested": "10"},
        {"year": 2021, "co_funder": "caf", "requested": "20"},
    ]
    response = claire.post(url, budget_post(rows))
    assert "Ce financeur a déjà une ligne pour cette année." in response.content.decode()
    assert not BudgetLine.objects.exists()

    line = budget_line_save(BudgetLine(action=action, year=2021, co_funder="caf", requested=E(100)))
    # Yves saves the line while Claire still has version 1 on screen.
    line.granted = E(90)
    budget_line_save(line, expected_version=1)
    rows = [{"line_id": line.pk, "version": 1, "year": 2021, "co_funder": "caf", "requested": "100", "granted": "50"}]
    response = claire.post(url, budget_post(rows, initial=1))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Quelqu&#x27;un d&#x27;autre a modifié cette ligne" in page
    assert 'value="50"' in page  # Claire's input is kept
    assert BudgetLine.objects.get(pk=line.pk).granted == E(90)


def test_stale_action_edit_is_refused_in_french(claire, cast, contract, carriers):
    action = make_action(contract, carriers[0], title="Logement d'abord")
    url = reverse("steering:action_edit", args=[action.pk])
    assert 'name="version" value="1"' in claire.get(url).content.decode()
    # Yves saves the fiche meanwhile.
    login(claire, cast.yves)
    assert (
        claire.post(url, action_data(contract, carriers[0], title="Logement d'abord (Yves)", version=1)).status_code
        == 302
    )
    login(claire, cast.claire)
    response = claire.post(url, action_data(contract, carriers[0], title="Logement d'abord (Claire)", version=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a enregistré ce dossier" in page
    assert "Logement d&#x27;abord (Claire)" in page  # the input is kept
    assert 'name="version" value="2"' in page  # the next save is on the current version
    assert Action.objects.get(pk=action.pk).title == "Logement d'abord (Yves)"
    assert events("action.update") == 1


def test_action_form_checks_dates_and_services_of_the_carrier(claire, contract, carriers):
    other_structure = Structure.objects.create(name="Antenne Porteur Deux", organisation=carriers[1])
    foreign = Service.objects.create(structure=other_structure, name="Permanence", description="Accueil.")
    response = claire.post(
        reverse("steering:action_create", args=[contract.pk]),
        action_data(contract, carriers[0], starts_on="2019-01-01", ends_on="2030-01-01", services=[foreign.pk]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "L&#x27;action doit commencer pendant le contrat." in page
    assert "L&#x27;action doit finir pendant le contrat" in page
    assert "Ce service n&#x27;appartient pas à une structure de la structure porteuse." in page
    assert not Action.objects.exists()


def test_targets_are_added_changed_and_deleted(claire, contract, carriers):
    action = make_action(contract, carriers[0])
    reached, _ = IndicatorDefinition.objects.get_or_create(
        code="test_reached", defaults={"label": "Personnes touchées (test)", "kind": "count_distinct_persons"}
    )
    budget, _ = IndicatorDefinition.objects.get_or_create(
        code="test_budget", defaults={"label": "Montant engagé (test)", "kind": "budget_sum"}
    )
    url = reverse("steering:targets_edit", args=[action.pk])
    page = claire.get(url).content.decode()
    assert "Personnes touchées (test)" in page
    assert "Montant engagé (test)" not in page  # budget indicators have no target here

    def post(rows, initial):
        data = {
            "cibles-TOTAL_FORMS": str(len(rows)),
            "cibles-INITIAL_FORMS": str(initial),
            "cibles-MIN_NUM_FORMS": "0",
            "cibles-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"cibles-{i}-{key}"] = str(value)
        return claire.post(url, data)

    response = post(
        [{"indicator": reached.pk, "year": 2021, "value": "120"}, {"indicator": "", "year": "", "value": ""}], 0
    )
    assert response.status_code == 302
    target = Target.objects.get(action=action)
    assert (target.indicator, target.year, target.value) == (reached, 2021, E(120))

    response = post([{"id": target.pk, "indicator": reached.pk, "year": 2021, "value": "150,5"}], 1)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == E("150.5")

    response = post([{"id": target.pk, "indicator": budget.pk, "year": 2021, "value": "1"}], 1)
    assert response.status_code == 200  # a budget indicator is not a choice
    response = post([{"id": target.pk, "indicator": reached.pk, "year": 2021, "value": "150", "DELETE": "on"}], 1)
    assert response.status_code == 302
    assert not Target.objects.exists()
    assert events("target.create") == events("target.update") == events("target.delete") == 1


def test_actions_list_searches_filters_and_links(claire, contract, carriers, django_assert_max_num_queries):
    for i in range(30):
        make_action(contract, carriers[i % 2], axis_number=2 + i % 3, title=f"Action {i:02d}")
    url = reverse("steering:actions", args=[contract.pk])
    with django_assert_max_num_queries(20):
        response = claire.get(url)
    page = response.content.decode()
    assert "30 fiches action" in page
    assert reverse("steering:budget_edit", args=[Action.objects.order_by("axis__number", "title").first().pk]) in page
    page = claire.get(url, {"q": "Porteur Deux"}).content.decode()
    assert "15 fiches action" in page
    axis = contract.axes.get(number=4)
    page = claire.get(url, {"axis": axis.pk, "status": "running"}).content.decode()
    assert "10 fiches action" in page
    assert events("actions.read") == 3


# --- calls for projects ------------------------------------------------------------------------------------------


def test_an_application_is_selected_and_becomes_an_action(claire, contract, carriers):
    response = claire.post(
        reverse("steering:call_create", args=[contract.pk]),
        {"year": 2021, "title": "AAP 2021", "opens_on": "2021-01-10", "closes_on": "2021-03-01"},
    )
    call = CallForProjects.objects.get(title="AAP 2021")
    assert response.status_code == 302 and call.contract == contract
    add_url = reverse("steering:application_add", args=[call.pk])
    for org, title in ((carriers[1], "Ateliers logement"), (carriers[0], "Autre projet")):
        response = claire.post(
            add_url,
            {"organisation": org.pk, "title": title, "requested_amount": "12 000,00", "received_on": "2021-02-01"},
        )
        assert response.status_code == 302
    selected = Application.objects.get(title="Ateliers logement")
    rejected = Application.objects.get(title="Autre projet")
    assert selected.requested_amount == E(12000) and selected.decision == "pending"

    decide = reverse("steering:application_decide", args=[selected.pk])
    response = claire.post(decide, {"version": 1, "decision": "selected", "decided_on": "2021-04-01", "axis": ""})
    assert "Choisissez un axe du contrat pour la fiche action." in response.content.decode()
    assert not Action.objects.exists()

    axis = contract.axes.get(number=4)
    response = claire.post(decide, {"version": 1, "decision": "selected", "decided_on": "2021-04-01", "axis": axis.pk})
    action = Action.objects.get()
    assert response.status_code == 302 and response.url == reverse("steering:action_edit", args=[action.pk])
    assert (action.title, action.carrier, action.axis, action.status) == (
        "Ateliers logement",
        carriers[1],
        axis,
        "selected",
    )
    assert action.carrier_siret == "44306184100047"
    response = claire.post(
        reverse("steering:application_decide", args=[rejected.pk]),
        {"version": 1, "decision": "rejected", "decided_on": "2021-04-01", "axis": ""},
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.decision == "rejected" and rejected.action is None

    # A decision already taken is not taken again.
    response = claire.post(decide, {"version": 2, "decision": "rejected", "decided_on": "2021-05-01", "axis": ""})
    assert response.status_code == 200
    assert Application.objects.get(pk=selected.pk).decision == "selected"

    page = claire.get(reverse("steering:calls", args=[contract.pk])).content.decode()
    assert "AAP 2021" in page
    detail = claire.get(reverse("steering:call_detail", args=[call.pk])).content.decode()
    assert reverse("steering:action_edit", args=[action.pk]) in detail
    assert events("application.decide") == 2 and events("call.create") == 1 and events("application.create") == 2
    assert events("action.create") == 1


def test_calls_list_counts_applications_by_decision(claire, contract, carriers):
    call = CallForProjects.objects.create(
        contract=contract, year=2022, title="AAP 2022", opens_on=D(2022, 1, 1), closes_on=D(2022, 3, 1)
    )
    for i, decision in enumerate(["pending", "pending", "rejected"]):
        Application.objects.create(
            call=call,
            organisation=carriers[0],
            title=f"P{i}",
            received_on=D(2022, 2, 1),
            decision=decision,
            decided_on=None if decision == "pending" else D(2022, 4, 1),
        )
    page = claire.get(reverse("steering:calls", args=[contract.pk])).content.decode()
    assert "<td>3</td><td>2</td><td>0</td><td>1</td>" in page


def test_call_year_outside_the_contract_is_refused(claire, contract):
    response = claire.post(
        reverse("steering:call_create", args=[contract.pk]),
        {"year": 2026, "title": "AAP 2026", "opens_on": "2026-01-10", "closes_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert not CallForProjects.objects.exists()


# --- the contract and its amendments ------------------------------------------------------------------------


def test_amendment_extends_the_years(claire, contract):
    url = reverse("steering:amendment_add", args=[contract.pk])
    assert 'name="number" value="1"' in claire.get(url).content.decode()  # the next free number is proposed
    response = claire.post(
        url, {"number": 1, "signed_on": "2023-10-01", "summary": "Prolongation de deux ans", "new_end_on": "2025-12-08"}
    )
    assert response.status_code == 302
    assert list(ContractYear.objects.filter(contract=contract).values_list("year", flat=True)) == [
        2020,
        2021,
        2022,
        2023,
        2024,
        2025,
    ]
    contract.refresh_from_db()
    assert contract.effective_ends_on == D(2025, 12, 8)
    assert events("amendment.create") == 1
    assert 'name="number" value="2"' in claire.get(url).content.decode()
    response = claire.post(url, {"number": 1, "signed_on": "2024-01-01", "summary": "", "new_end_on": ""})
    assert "Un avenant porte déjà ce numéro." in response.content.decode()
    assert Amendment.objects.count() == 1
    # The new years are open to budget lines.
    action = make_action(
        contract, Action._meta.get_field("carrier").related_model.objects.create(name="P", kind="association")
    )
    rows = [{"year": 2025, "co_funder": "caf", "requested": "10"}]
    assert claire.post(reverse("steering:budget_edit", args=[action.pk]), budget_post(rows)).status_code == 302


def test_contract_edit_is_versioned(claire, cast, contract):
    url = reverse("steering:contract_edit", args=[contract.pk])
    data = {
        "title": "CTAIR renommé",
        "signed_on": "2020-12-09",
        "starts_on": "2020-12-09",
        "ends_on": "2024-12-08",
        "signatories": "Préfet, présidente",
        "version": 1,
    }
    assert claire.post(url, data).status_code == 302
    contract.refresh_from_db()
    assert contract.title == "CTAIR renommé" and contract.years.filter(year=2024).exists()
    response = claire.post(url, {**data, "title": "Titre périmé"})
    assert response.status_code == 200
    assert "Quelqu&#x27;un d&#x27;autre a enregistré ce dossier" in response.content.decode()
    contract.refresh_from_db()
    assert contract.title == "CTAIR renommé"
    assert events("contract.update") == 1


# --- nobody else -----------------------------------------------------------------------------------------------


@pytest.fixture
def objects(contract, carriers):
    action = make_action(contract, carriers[0])
    call = CallForProjects.objects.create(
        contract=contract, year=2021, title="AAP", opens_on=D(2021, 1, 1), closes_on=D(2021, 3, 1)
    )
    application = Application.objects.create(
        call=call, organisation=carriers[1], title="Projet", received_on=D(2021, 2, 1)
    )
    return {"contract": contract.pk, "action": action.pk, "call": call.pk, "application": application.pk}


PAGES = {
    "steering:contract_edit": "contract",
    "steering:amendment_add": "contract",
    "steering:actions": "contract",
    "steering:action_create": "contract",
    "steering:action_edit": "action",
    "steering:budget_edit": "action",
    "steering:targets_edit": "action",
    "steering:calls": "contract",
    "steering:call_create": "contract",
    "steering:call_detail": "call",
    "steering:application_add": "call",
    "steering:application_decide": "application",
}


@pytest.mark.parametrize("persona", ["amina", "olivier", "marc", "hugo", "sofia", "anonymous"])
@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_only_coordinators_keep_the_contract(client, cast, objects, contract, url_name, persona):
    if persona != "anonymous":
        login(client, getattr(cast, persona))
    url = reverse(url_name, args=[objects[PAGES[url_name]]])
    before = AuditEvent.objects.filter(event__startswith="steering.").count()
    get = client.get(url)
    post = client.post(
        url,
        {
            "title": "Piratage",
            "version": 1,
            "number": 1,
            "signed_on": "2021-01-01",
            "decision": "rejected",
            "decided_on": "2021-04-01",
            "year": 2021,
            "opens_on": "2021-01-01",
            "closes_on": "2021-02-01",
        },
    )
    expected = 302 if persona == "anonymous" else 404
    assert (get.status_code, post.status_code) == (expected, expected)
    if persona == "anonymous":
        assert "/comptes/connexion/" in post.url
    assert AuditEvent.objects.filter(event__startswith="steering.").count() == before
    assert not Amendment.objects.exists()
    assert Application.objects.get().decision == "pending"
    assert CallForProjects.objects.count() == 1
    assert Action.objects.get().title == "Action"
    contract.refresh_from_db()
    assert contract.version == 1


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_yves_reaches_every_page_and_each_read_is_audited(client, cast, objects, url_name):
    login(client, cast.yves)
    before = AuditEvent.objects.filter(event__startswith="steering.", action="read").count()
    assert client.get(reverse(url_name, args=[objects[PAGES[url_name]]])).status_code == 200
    assert AuditEvent.objects.filter(event__startswith="steering.", action="read").count() == before + 1


def test_claire_opens_a_new_contract_with_its_years_and_axes(client, cast, place):
    territory, _communes = place
    login(client, cast.claire)
    url = reverse("steering:contract_create")
    response = client.post(
        url,
        {
            "territory": territory.pk,
            "title": "CTAI 2027-2029",
            "signed_on": "2027-01-15",
            "starts_on": "2027-01-01",
            "ends_on": "2026-12-31",
            "signatories": "Préfet",
        },
    )
    assert response.status_code == 200
    assert "La fin du contrat doit être postérieure à son début." in response.content.decode()
    assert not Contract.objects.filter(title="CTAI 2027-2029").exists()
    response = client.post(
        url,
        {
            "territory": territory.pk,
            "title": "CTAI 2027-2029",
            "signed_on": "2027-01-15",
            "starts_on": "2027-01-01",
            "ends_on": "2029-12-31",
            "signatories": "Préfet",
        },
    )
    contract = Contract.objects.get(title="CTAI 2027-2029")
    assert response.status_code == 302
    assert list(contract.years.values_list("year", flat=True)) == [2027, 2028, 2029]
    assert contract.axes.count() == 5
    assert AuditEvent.objects.filter(user=cast.claire.user, event="steering.contract.create").exists()
    login(client, cast.amina)
    assert client.get(url).status_code == 404
