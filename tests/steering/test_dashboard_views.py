"""The coordinators' dashboards of the contract: Claire reads the overview, drills into an action and a
commune; every figure shown equals an independent count from the records; no count of 1 to 4 persons
appears on any page she can reach; everybody else gets a 404; every read is audited."""

import csv
import datetime as dt
import io
import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from ancrage.audit.models import AuditEvent
from ancrage.persons.models import Person
from ancrage.steering.models import Action, BudgetLine, Contract, QualitativeReport
from ancrage.steering.services import contract_create, participation_record
from tests.conftest import login

from .conftest import make_action
from .test_overview import _person, accompanied, build_world, participants, shown

pytestmark = pytest.mark.django_db
D = dt.date
DASHBOARD = {"overview", "action", "commune", "trends", "trends_csv"}


@pytest.fixture
def world(contract, carriers, place):
    _territory, communes = place
    return build_world(contract, carriers, communes)


class Page(HTMLParser):
    """The figures of a page: person counts (data-count), amounts (data-amount), links, chart titles."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.counts: list[tuple[str, str]] = []  # (data-key or "", data-count)
        self.by_key: dict[str, str] = {}
        self.amounts: dict[str, Decimal] = {}
        self.links: list[str] = []
        self.svg_titles: list[str] = []
        self._in_svg_title = False
        self._svg = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-count" in a:
            self.counts.append((a.get("data-key", ""), a["data-count"]))
            if a.get("data-key"):
                self.by_key[a["data-key"]] = a["data-count"]
        if "data-amount" in a:
            self.amounts[a["data-key"]] = Decimal(a["data-amount"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "svg":
            self._svg += 1
        if tag == "title" and self._svg:
            self._in_svg_title = True

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        if tag == "title":
            self._in_svg_title = False

    def handle_data(self, data):
        if self._in_svg_title:
            self.svg_titles.append(data.strip())

    def count(self, key: str) -> int | None:
        """The count shown under data-key ``key``; None when it is hidden (« secret statistique »)."""
        value = self.by_key[key]
        return None if value == "secret" else int(value)


def get_page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.content.decode())


def assert_no_small_count(page: Page, url: str) -> None:
    for key, value in page.counts:
        assert value == "secret" or not 1 <= int(value) <= 4, f"{url}: {key} = {value}"
    for title in page.svg_titles:
        match = re.search(r" : (\d+)$", title)
        assert not (match and 1 <= int(match.group(1)) <= 4), f"{url}: chart {title}"


# --- the overview ---------------------------------------------------------------------------------------


def test_overview_figures_equal_independent_counts(client, cast, world):
    contract = world["contract"]
    action_a, action_b, action_c = world["actions"]
    alpha, beta, gamma = (c.insee_code for c in world["communes"])
    login(client, cast.claire)
    response = client.get(reverse("steering:overview"), {"annee": "2021"})
    html = response.content.decode()
    page = Page(html)
    assert contract.title in html and "Avenant n° 1" in html and "Préfet" in html
    # Persons: counted once across actions.
    reached = participants(contract, 2021)
    assert page.count("key-reached") == len(reached) == 22
    assert page.count("key-accompanied") == sum(accompanied(contract, 2021).values()) == 21
    # Money.
    lines = list(BudgetLine.objects.filter(year=2021))
    granted = sum((line.granted for line in lines), Decimal(0))
    paid = sum((line.paid for line in lines), Decimal(0))
    assert page.amounts["key-granted"] == granted == Decimal("101500.50")
    assert page.amounts["key-paid"] == paid == Decimal(55000)
    assert "101\u202f500,50\xa0€" in html or "101\xa0500,50\xa0€" in html
    assert page.amounts["funder-state_p104-granted"] == Decimal(80000)
    assert page.amounts["funder-eu_funds-requested"] == Decimal("1500.50")
    assert page.amounts["axis-2-paid"] == Decimal(55000) and page.amounts["axis-4-paid"] == 0
    assert page.amounts["year-total-committed"] == sum((line.committed for line in lines), Decimal(0))
    assert page.amounts[f"action-{action_a.pk}-granted"] == Decimal(100000)
    # Actions: C (3 persons) hidden, and one of A / B with it; the other shows its 12.
    assert page.count(f"action-reached-{action_c.pk}") is None
    pair = [page.count(f"action-reached-{a.pk}") for a in (action_a, action_b)]
    assert sorted(pair, key=str) == [12, None]
    assert len(participants(contract, 2021, action=action_a)) == len(participants(contract, 2021, action=action_b))
    # Communes: Gamma (3) hidden, Bêta (7) hidden so the total cannot give Gamma back.
    by_commune = Counter(Person.objects.get(pk=pid).commune_id for pid in reached)
    assert page.count(f"commune-reached-{alpha}") == by_commune[alpha] == 12
    assert page.count(f"commune-reached-{gamma}") is None and page.count(f"commune-reached-{beta}") is None
    assert page.count("commune-reached-total") == 22
    assert page.count(f"commune-accompanied-{alpha}") == 12
    # Outcomes with their definitions.
    assert page.count("out-durable_housing_rate-numerator") == 8
    assert page.count("out-durable_housing_rate-denominator") == 22
    assert "Parmi les personnes touchées, celles dont la situation de logement" in html
    # Trend.
    assert page.count("month-2021-02-01-new") == 12
    assert page.count("month-2021-05-01-new") is None and page.count("month-2021-03-01-new") is None
    assert page.count("month-2021-10-01-active") == 15
    # Targets (persons reached, 2021): A reached its 10, C's figure is hidden.
    assert "Personnes touchées et cible 2021 par fiche action" in html
    assert page.by_key.get("status-1") is None  # state counts are not person counts
    assert_no_small_count(page, "overview 2021")
    # Links: to each action page, each commune page, the trends.
    assert f"{reverse('steering:action', args=[action_c.pk])}?annee=2021" in page.links
    assert f"{reverse('steering:commune', args=[gamma])}?annee=2021" in page.links
    assert any(link.startswith(reverse("steering:trends")) for link in page.links)


def test_overview_default_year_and_whole_contract(client, cast, world):
    contract = world["contract"]
    login(client, cast.claire)
    page = get_page(client, reverse("steering:overview"))
    # The contract ended (amended to 2024-06-30): its last year is shown by default.
    assert page.count("key-reached") == len(participants(contract, 2024)) == 17
    page = get_page(client, reverse("steering:overview") + "?annee=tout")
    assert page.count("key-reached") == len(participants(contract)) == 24
    assert page.amounts["key-granted"] == sum((line.granted for line in BudgetLine.objects.all()), Decimal(0))


def test_filters_axis_action_commune(client, cast, world):
    contract = world["contract"]
    action_a, _b, action_c = world["actions"]
    login(client, cast.claire)
    url = reverse("steering:overview")
    axis_2 = action_a.axis
    page = get_page(client, f"{url}?annee=2021&axe=2")
    assert page.count("key-reached") == len(participants(contract, 2021, axis=axis_2)) == 15
    assert page.amounts["key-granted"] == Decimal(100000)
    page = get_page(client, f"{url}?annee=2021&action={action_a.pk}")
    assert page.count("key-reached") == 12
    page = get_page(client, f"{url}?annee=2021&action={action_c.pk}")
    assert page.count("key-reached") is None
    page = get_page(client, f"{url}?annee=2021&commune=99001")
    assert page.count("key-reached") == len(participants(contract, 2021, commune="99001")) == 12
    assert page.amounts["key-granted"] == Decimal("101500.50")  # budget not broken down by commune


def test_invalid_filters_are_explained(client, cast, world):
    login(client, cast.claire)
    response = client.get(
        reverse("steering:overview"), {"annee": "1850", "axe": "9", "action": "abc", "commune": "00000"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "fr-alert--warning" in html
    for message in ("Année inconnue", "Axe inconnu", "Fiche action inconnue", "Commune inconnue"):
        assert message in html
    assert client.get(reverse("steering:overview"), {"contrat": "999999"}).status_code == 404
    assert client.get(reverse("steering:overview"), {"contrat": "x" * 40}).status_code == 404


def test_explicit_contract_is_kept_in_links(client, cast, world, place):
    territory, _communes = place
    other = contract_create(
        territory=territory,
        title="Autre contrat",
        signed_on=D(2025, 1, 1),
        starts_on=D(2025, 1, 1),
        ends_on=D(2027, 12, 31),
    )
    login(client, cast.claire)
    html = client.get(reverse("steering:overview")).content.decode()
    assert "Autre contrat" in html  # the running one
    page = get_page(client, reverse("steering:overview") + f"?contrat={world['contract'].pk}&annee=2021")
    assert page.count("key-reached") == 22
    assert any(f"contrat={world['contract'].pk}" in link for link in page.links if "/communes/" in link)
    assert other.pk != world["contract"].pk


# --- the action and commune pages -------------------------------------------------------------------------


def test_action_page(client, cast, world):
    contract = world["contract"]
    action_a = world["actions"][0]
    action_a.carrier_siret = "73282932000074"
    action_a.description = "Un accompagnement global des familles."
    action_a.save(update_fields=["carrier_siret", "description"])
    report = QualitativeReport.objects.create(
        action=action_a, year=2021, text="Bonne dynamique de groupe.", written_by=cast.amina.user
    )
    login(client, cast.claire)
    response = client.get(reverse("steering:action", args=[action_a.pk]), {"annee": "tout"})
    html = response.content.decode()
    page = Page(html)
    assert "73282932000074" in html and "Un accompagnement global des familles." in html
    assert "Bonne dynamique de groupe." in html
    lines = list(BudgetLine.objects.filter(action=action_a))
    assert page.amounts["lines-total-granted"] == sum((line.granted for line in lines), Decimal(0)) == 190000
    assert page.amounts["year-2022-granted"] == 90000
    assert page.amounts["funder-metropole-paid"] == 5000
    ids = participants(contract, None, action=action_a)
    assert page.count("out-persons_reached-value") == len(ids) == 14
    sexes = Counter(Person.objects.get(pk=pid).sex for pid in ids)
    assert page.count("by-sex-F") == shown(sexes["F"]) and page.count("by-sex-M") == shown(sexes["M"])
    assert page.count("by-sex-total") == 14
    assert_no_small_count(page, "action")
    assert report.text in html
    # Year 2021 with its target.
    page = get_page(client, reverse("steering:action", args=[action_a.pk]) + "?annee=2021")
    assert page.count("out-persons_reached-value") == 12


def test_action_page_of_a_small_action_hides_everything(client, cast, world):
    action_c = world["actions"][2]
    login(client, cast.claire)
    page = get_page(client, reverse("steering:action", args=[action_c.pk]) + "?annee=2021")
    assert page.count("out-persons_reached-value") is None
    assert page.count("by-sex-total") is None
    assert_no_small_count(page, "action C")


def test_commune_page(client, cast, world):
    contract = world["contract"]
    login(client, cast.claire)
    response = client.get(reverse("steering:commune", args=["99001"]), {"annee": "2021"})
    html = response.content.decode()
    page = Page(html)
    assert "Le budget n'est pas ventilé par commune" in html
    ids = participants(contract, 2021, commune="99001")
    assert page.count("key-reached") == len(ids) == 12
    ages = Counter()
    for pid in ids:
        birth = Person.objects.get(pk=pid).birth_date
        age = 2021 - birth.year - ((birth.month, birth.day) > (12, 31))
        ages["lt26" if age < 26 else "26_35" if age <= 35 else "36_45" if age <= 45 else "46"] += 1
    for band in ("lt26", "26_35", "36_45", "46"):
        assert page.count(f"by-age_band-{band}") in (shown(ages[band]), None)
    assert page.count("by-age_band-total") == 12
    assert_no_small_count(page, "commune")
    assert client.get(reverse("steering:commune", args=["35238"])).status_code == 404  # not in the territory
    page = get_page(client, reverse("steering:commune", args=["99003"]) + "?annee=2021")
    assert page.count("key-reached") is None


# --- trends -----------------------------------------------------------------------------------------------


def test_trends_page_and_csv(client, cast, world):
    login(client, cast.claire)
    page = get_page(client, reverse("steering:trends") + "?annee=2021")
    assert page.count("month-2021-02-01-new") == 12
    assert page.count("month-2021-06-01-active") == 22
    response = client.get(reverse("steering:trends_csv"), {"annee": "2021"})
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    data = {row[0]: row[1:] for row in rows if re.match(r"\d{4}-\d{2}$", row[0])}
    assert data["2021-02"] == ["12", "12"]
    assert data["2021-05"][0] == "secret statistique" and data["2021-03"][0] == "secret statistique"
    assert data["2021-10"][1] == "15"
    assert rows[-1][:2] == ["Total", "22"]


# --- the key guarantee: nothing from 1 to 4 anywhere Claire can reach -------------------------------------


def test_no_small_count_anywhere_claire_can_reach(client, cast, world, place):
    _territory, communes = place
    contract = world["contract"]
    login(client, cast.claire)
    start = [reverse("steering:overview")]
    for year in ["tout", *range(2020, 2025)]:
        start.append(f"{reverse('steering:overview')}?annee={year}")
        for axis in contract.axes.all():
            start.append(f"{reverse('steering:overview')}?annee={year}&axe={axis.number}")
        for action in Action.objects.filter(contract=contract):
            start.append(f"{reverse('steering:overview')}?annee={year}&action={action.pk}")
        for commune in communes:
            start.append(f"{reverse('steering:overview')}?annee={year}&commune={commune.pk}")
    seen: set[str] = set()
    queue = list(start)
    kinds: Counter = Counter()
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            name = resolve(urlsplit(url).path).url_name
        except Resolver404:
            continue
        if name not in DASHBOARD:
            continue
        kinds[name] += 1
        response = client.get(url)
        assert response.status_code == 200, url
        if name == "trends_csv":
            rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
            for row in rows[4:]:
                for value in row[1:]:
                    assert not (value.isdigit() and 1 <= int(value) <= 4), f"{url}: {row}"
            continue
        page = Page(response.content.decode())
        assert_no_small_count(page, url)
        queue.extend(link for link in page.links if link.startswith("/contrat/") and link not in seen)
    assert set(kinds) == DASHBOARD, kinds
    assert kinds["action"] >= 3 and kinds["commune"] >= 3


# --- empty states -----------------------------------------------------------------------------------------


def test_no_contract(client, cast):
    login(client, cast.claire)
    Contract.objects.all().delete()
    response = client.get(reverse("steering:overview"))
    assert response.status_code == 200
    assert "Aucun contrat territorial n'est enregistré" in response.content.decode()
    assert client.get(reverse("steering:trends")).status_code == 404


def test_contract_without_action_or_person(client, cast, contract):
    login(client, cast.claire)
    html = client.get(reverse("steering:overview"), {"annee": "2021"}).content.decode()
    assert "Aucune fiche action" in html
    assert "Aucune personne dans ce périmètre" in html
    page = Page(html)
    assert page.count("key-reached") == 0


# --- access, audit, navigation, queries -------------------------------------------------------------------


def _urls(world) -> list[str]:
    action_a = world["actions"][0]
    return [
        reverse("steering:overview"),
        reverse("steering:action", args=[action_a.pk]),
        reverse("steering:commune", args=["99001"]),
        reverse("steering:trends"),
        reverse("steering:trends_csv"),
    ]


@pytest.mark.parametrize("persona", ["amina", "olivier", "marc", "hugo", "sofia"])
def test_others_get_404(client, cast, world, persona):
    login(client, getattr(cast, persona))
    for url in _urls(world):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(event__startswith="steering.overview").exists()


def test_anonymous_is_sent_to_login(client, world):
    for url in _urls(world):
        assert client.get(url).status_code == 302


def test_yves_reads_too_and_every_read_is_audited(client, cast, world):
    login(client, cast.yves)
    for url in _urls(world):
        assert client.get(url + "?annee=2021").status_code == 200
    events = {e.event: e for e in AuditEvent.objects.filter(user=cast.yves.user, event__startswith="steering.")}
    assert set(events) == {
        "steering.overview.read",
        "steering.action.read",
        "steering.commune.read",
        "steering.trends.read",
        "steering.trends.export",
    }
    assert events["steering.overview.read"].details["year"] == 2021
    assert events["steering.commune.read"].details["commune"] == "99001"
    assert events["steering.action.read"].details["action"] == world["actions"][0].pk
    assert events["steering.trends.export"].action == "export"
    assert all(e.person_id is None for e in events.values())


def test_navigation_links(client, cast, world):
    login(client, cast.claire)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert html.count(reverse("steering:overview")) >= 2  # main menu and the dashboard page
    html = client.get(reverse("steering:overview")).content.decode()
    assert 'aria-current="page">Contrat territorial' in html
    assert reverse("steering:diagnosis") in html
    login(client, cast.amina)
    assert reverse("steering:overview") not in client.get(reverse("agenda:todo")).content.decode()


def test_coordinators_get_edit_links(client, cast, world):
    action_a = world["actions"][0]
    login(client, cast.claire)
    html = client.get(reverse("steering:overview")).content.decode()
    assert reverse("steering:action_edit", args=[action_a.pk]) in html
    assert reverse("steering:budget_edit", args=[action_a.pk]) in html


def test_queries_are_bounded(client, cast, world, carriers, django_assert_max_num_queries):
    contract = world["contract"]
    gamma = world["communes"][2]
    login(client, cast.claire)
    urls = [
        reverse("steering:overview") + "?annee=2021",
        reverse("steering:overview") + "?annee=tout",
        reverse("steering:commune", args=["99003"]) + "?annee=2021",
        reverse("steering:trends") + "?annee=tout",
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(120) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    for n in range(5):
        action = make_action(contract, carriers[n % 2], axis_number=1 + n % 4, title=f"Nouvelle {n}")
        BudgetLine.objects.create(action=action, year=2021, co_funder="city", requested=10, granted=10)
        for i in range(7):
            participation_record(
                person=_person(gamma, 50 + 7 * n + i), action=action, starts_on=D(2021, 4, 1), source="carrier"
            )
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    action = world["actions"][0]
    with django_assert_max_num_queries(120):
        assert client.get(reverse("steering:action", args=[action.pk]) + "?annee=tout").status_code == 200


def test_map_links_each_commune_to_its_page(client, cast, world, place):
    _territory, communes = place
    for n, commune in enumerate(communes):
        ring = [[-1.7 + n * 0.1, 48.1], [-1.6 + n * 0.1, 48.1], [-1.6 + n * 0.1, 48.2], [-1.7 + n * 0.1, 48.1]]
        commune.boundary = {"type": "Polygon", "coordinates": [ring]}
        commune.save(update_fields=["boundary"])
    login(client, cast.claire)
    response = client.get(reverse("steering:overview"), {"annee": "2021"})
    page = Page(response.content.decode())
    assert f"{reverse('steering:commune', args=['99003'])}?annee=2021" in page.links
    titles = dict(
        t.split(" : ", 1) for t in page.svg_titles if " : " in t and t.split(" : ")[0] in {"Alpha", "Bêta", "Gamma"}
    )
    assert titles == {"Alpha": "12", "Bêta": "secret statistique", "Gamma": "secret statistique"}
    assert_no_small_count(page, "map")
