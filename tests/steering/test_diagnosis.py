"""The shared territorial diagnosis: every figure equals an independent count from the records, small
counts are hidden with their complement (page and CSV), coordinators only, every read audited."""

import csv
import datetime as dt
import io
import statistics
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.access.models import Consent
from ancrage.audit.models import AuditEvent
from ancrage.directory.models import Service, Structure
from ancrage.pathways.models import DiagnosticItem, Pathway
from ancrage.persons.models import DURABLE_HOUSING, Household, HouseholdMember, Person, Protection, Situation
from ancrage.referrals.models import Referral
from ancrage.steering.diagnosis import FRENCH_THEMATIQUE, compute_diagnosis
from ancrage.territory.models import Commune
from ancrage.tracks.models import (
    HousingOffer,
    LanguageCourse,
    LanguagePrescription,
    SiaoRequest,
    SocialHousingRequest,
)
from tests.conftest import login
from tests.factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2021
START, REF = D(YEAR, 1, 1), D(YEAR, 12, 31)
N = 19
MOBILITY = "mobilite--acceder-a-un-vehicule"


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def world(contract, place, cast):
    """19 persons accompanied in 2021 in the test territory (Alpha 10, Gamma 6, Bêta 3), plus three who
    are not in the population (pathway only in 2022, no commune, a commune of another territory)."""
    _territory, (alpha, beta, gamma) = place
    operator = cast.agir
    persons = []
    pathways = []
    for i in range(N):
        commune = alpha if i < 10 else gamma if i < 16 else beta
        birth = D(1995, 6, 1) if i < 8 else D(1980, 1, 1) if i < 15 else D(2000, 1, 1)
        person = PersonFactory(commune=commune, birth_date=birth)
        pathway = PathwayFactory(person=person, operator=operator, entry_date=D(YEAR, 2, 1))
        if i < 12:
            Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=D(2020, 5, 1))
        elif i < 17:
            Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=D(2019, 5, 1))
            # The latest protection counts: subsidiary protection decided after the first one.
            Protection.objects.create(
                person=person, type="subsidiary", deciding_body="cnda", decision_date=D(2020, 9, 1)
            )
        # Needs (one item per pathway and domain).
        if i < 14:
            level = 3 if i < 9 else 1 if i < 12 else 0
            DiagnosticItem.objects.create(
                pathway=pathway, domain="language", need_level=level, assessed_on=D(YEAR, 2, 5)
            )
        if i < 6:
            DiagnosticItem.objects.create(pathway=pathway, domain="housing", need_level=2, assessed_on=D(YEAR, 2, 5))
        # Housing on the reference date.
        durable = i < 8
        Situation.objects.create(
            person=person, domain="housing", status="social_rental" if durable else "cada", start_date=D(2020, 1, 1)
        )
        persons.append(person)
        pathways.append(pathway)

    # An older pathway of person 0: its diagnosis is older, the latest one wins.
    old = PathwayFactory(person=persons[0], operator=operator, programme="ctair", entry_date=D(2020, 1, 1))
    DiagnosticItem.objects.create(pathway=old, domain="language", need_level=0, assessed_on=D(2020, 1, 5))
    # Assessed after the reference date: not counted in 2021.
    DiagnosticItem.objects.create(pathway=pathways[13], domain="housing", need_level=3, assessed_on=D(2022, 2, 1))

    # Households: persons 0 and 1 live together with two children (size 4); person 2 with a spouse.
    h1 = Household.objects.create(label="Foyer 1")
    Person.objects.filter(pk__in=[persons[0].pk, persons[1].pk]).update(household=h1)
    HouseholdMember.objects.create(household=h1, person=persons[1], first_names="B", relationship="spouse")
    HouseholdMember.objects.create(household=h1, first_names="C", relationship="child")
    HouseholdMember.objects.create(household=h1, first_names="D", relationship="child")
    h2 = Household.objects.create(label="Foyer 2")
    Person.objects.filter(pk=persons[2].pk).update(household=h2)
    HouseholdMember.objects.create(household=h2, first_names="E", relationship="spouse")

    # French: persons 0–4 in a course (10, 20, … 50 days after their prescription); 5 and 6 prescribed only.
    for i in range(7):
        LanguagePrescription.objects.create(person=persons[i], prescribed_on=D(YEAR, 2, 1), hours=200)
    for i in range(5):
        LanguageCourse.objects.create(
            person=persons[i], title="FLE", start_on=D(YEAR, 2, 1) + dt.timedelta(days=10 * (i + 1)), status="ongoing"
        )
    LanguageCourse.objects.create(person=persons[15], title="FLE", start_on=D(YEAR, 3, 1), status="ongoing")

    # Housing requests: 8–13 have an active social-housing request; 8 also a pending SIAO request;
    # 14 an SIAO request answered after the reference date (pending on it); 15 a pending SIAO request.
    for k, i in enumerate(range(8, 14)):
        SocialHousingRequest.objects.create(
            person=persons[i], sne_number=f"035{YEAR}0000{k:05d}", requested_on=D(YEAR, 3, 1), household_size=1
        )
        SiaoRequest.objects.create(
            person=persons[i],
            kind="insertion",
            requested_on=D(YEAR, 1, 10),
            status="granted",
            decided_on=D(YEAR, 1, 10) + dt.timedelta(days=5 * (k + 1)),
        )
    SiaoRequest.objects.create(person=persons[8], kind="emergency", requested_on=D(YEAR, 6, 1))
    SiaoRequest.objects.create(
        person=persons[14], kind="insertion", requested_on=D(YEAR, 5, 1), status="granted", decided_on=D(2022, 2, 1)
    )
    SiaoRequest.objects.create(person=persons[15], kind="insertion", requested_on=D(YEAR, 5, 1))
    for i in (8, 9, 10):
        HousingOffer.objects.create(
            person=persons[i],
            landlord="Archipel",
            commune=alpha,
            typology="T2",
            rent=Decimal("400"),
            offered_on=D(YEAR, 4, 10),
        )

    # The directory: two French-course services serve the territory (one declares 40 seats).
    structure = Structure.objects.create(name="Centre social")
    french = Service.objects.create(
        structure=structure,
        name="Ateliers de français",
        description="Cours de français",
        thematiques=[FRENCH_THEMATIQUE],
        commune=alpha,
        capacity=40,
    )
    zoned = Service.objects.create(
        structure=structure, name="FLE Gamma", description="Cours de français", thematiques=[FRENCH_THEMATIQUE]
    )
    zoned.zone.set([gamma, beta])
    outside_commune = Commune.objects.exclude(territory=contract.territory).first()
    Service.objects.create(
        structure=structure,
        name="FLE ailleurs",
        description="Cours de français",
        thematiques=[FRENCH_THEMATIQUE],
        commune=outside_commune,
        capacity=99,
    )
    Service.objects.create(
        structure=structure,
        name="FLE fermé",
        description="Cours de français",
        thematiques=[FRENCH_THEMATIQUE],
        commune=alpha,
        capacity=99,
        is_active=False,
    )
    mobility = Service.objects.create(
        structure=structure, name="Garage solidaire", description="Mobilité", thematiques=[MOBILITY], commune=alpha
    )

    # Referrals: 6 answered French referrals (0, 2, … 10 days), 2 mobility ones.
    def refer(person, service, days):
        consent = Consent.objects.create(
            person=person,
            sections=["language"],
            purpose="Orientation",
            given_on=D(YEAR, 3, 1),
            recorded_by=cast.amina.user,
            recorded_for=operator,
        )
        sent = _aware(D(YEAR, 4, 1))
        Referral.objects.create(
            person=person,
            sender_organisation=operator,
            sender=cast.amina.user,
            service=service,
            reason="Cours",
            sections=["language"],
            consent=consent,
            status="accepted",
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=30),
            answered_at=sent + dt.timedelta(days=days),
        )

    for i in range(6):
        refer(persons[i], french, 2 * i)
    for i in (6, 7):
        refer(persons[i], mobility, 3)

    # Not in the population.
    later = PersonFactory(commune=alpha)
    PathwayFactory(person=later, operator=operator, entry_date=D(2022, 3, 1))
    nowhere = PersonFactory(commune=None)
    PathwayFactory(person=nowhere, operator=operator, entry_date=D(YEAR, 3, 1))
    elsewhere = PersonFactory(commune=outside_commune)
    PathwayFactory(person=elsewhere, operator=operator, entry_date=D(YEAR, 3, 1))
    return {"persons": persons, "communes": (alpha, beta, gamma), "contract": contract}


def diagnosis(world, **kwargs):
    return compute_diagnosis(world["contract"], year=YEAR, today=D(2024, 1, 1), **kwargs)


# --- independent counts, written as plain loops over the records ------------------------------------------


def population_ids(world) -> list[int]:
    territory = world["contract"].territory_id
    found = []
    for person in Person.objects.all():
        if person.commune_id is None or Commune.objects.get(pk=person.commune_id).territory_id != territory:
            continue
        for pathway in Pathway.objects.filter(person=person):
            if pathway.entry_date <= REF and (pathway.exit_date is None or pathway.exit_date >= START):
                found.append(person.pk)
                break
    return found


def table(result, key):
    return next(t for t in result.tables if t.key == key)


def cells_of(t) -> dict[str, list]:
    found = {k: [c.value for c in cells] for k, _label, cells in t.rows}
    if t.total is not None:
        found["total"] = [c.value for c in t.total]
    return found


def check_partition(t, raw: dict[str, int]):
    """Visible cells equal the raw counts; every raw count of 1–4 is hidden; when one is hidden another
    (its complement) is too; the total equals the population counted."""
    got = cells_of(t)
    total = sum(raw.values())
    raw = {**raw, "total": total}
    hidden = [k for k, values in got.items() if values[0] is None]
    for key, values in got.items():
        value = raw.get(key, 0)
        if values[0] is not None:
            assert values[0] == value, key
        else:
            assert value > 0, key
    for key, value in raw.items():
        if 0 < value < 5:
            assert key in hidden, key
    assert len(hidden) != 1


def test_population_tables_equal_independent_counts(world):
    ids = population_ids(world)
    assert len(ids) == N
    result = diagnosis(world)
    assert result.persons.value == N

    by_commune: dict[str, int] = {}
    by_protection: dict[str, int] = {}
    by_age: dict[str, int] = {}
    by_household: dict[str, int] = {}
    for pk in ids:
        person = Person.objects.get(pk=pk)
        by_commune[person.commune_id] = by_commune.get(person.commune_id, 0) + 1
        latest = Protection.objects.filter(person=person).order_by("-decision_date").first()
        kind = latest.type if latest else "unknown"
        by_protection[kind] = by_protection.get(kind, 0) + 1
        years = (REF - person.birth_date).days // 365.25
        band = "lt26" if years < 26 else "26_35" if years <= 35 else "36_45" if years <= 45 else "46"
        by_age[band] = by_age.get(band, 0) + 1
        if person.household_id is None:
            size = 1
        else:
            members = HouseholdMember.objects.filter(household_id=person.household_id)
            linked = {m.person_id for m in members if m.person_id}
            own = [p for p in Person.objects.filter(household_id=person.household_id) if p.pk not in linked]
            size = members.count() + len(own)
        band = {1: "1", 2: "2", 3: "3_4", 4: "3_4"}.get(size, "5plus")
        by_household[band] = by_household.get(band, 0) + 1

    assert by_commune == {"99001": 10, "99003": 6, "99002": 3}
    check_partition(table(result, "commune"), by_commune)
    # Bêta (3) is hidden, and Gamma (6) with it: total − Alpha would give Bêta back otherwise.
    communes = cells_of(table(result, "commune"))
    assert communes == {"99001": [10], "99002": [None], "99003": [None], "total": [19]}

    assert by_protection == {"refugee": 12, "subsidiary": 5, "unknown": 2}
    check_partition(table(result, "protection"), by_protection)
    assert cells_of(table(result, "protection"))["subsidiary"] == [None]

    assert by_age == {"26_35": 8, "36_45": 7, "lt26": 4}
    check_partition(table(result, "age"), by_age)

    assert by_household == {"1": 16, "2": 1, "3_4": 2}
    check_partition(table(result, "household"), by_household)


def test_needs_french_housing_equal_independent_counts(world):
    ids = population_ids(world)
    result = diagnosis(world)

    # Needs: the latest item per person and domain, assessed by the reference date.
    language = {"0": 0, "1": 0, "2": 0, "3": 0}
    housing = {"0": 0, "1": 0, "2": 0, "3": 0}
    french_need = []
    for pk in ids:
        for domain, counts in (("language", language), ("housing", housing)):
            items = [
                item
                for item in DiagnosticItem.objects.filter(pathway__person_id=pk, domain=domain)
                if item.assessed_on <= REF
            ]
            if items:
                latest = sorted(items, key=lambda item: (item.assessed_on, item.pk))[-1]
                counts[str(latest.need_level)] += 1
                if domain == "language" and latest.need_level >= 1:
                    french_need.append(pk)
    needs = cells_of(result.needs)
    assert language == {"0": 2, "1": 3, "2": 0, "3": 9}
    # No need (2) and light need (3) are hidden; « with a need » (12) too: diagnosed − it = no need.
    assert needs["language"] == [None, None, 0, 9, None, 14]
    assert housing == {"0": 0, "1": 0, "2": 6, "3": 0}
    assert needs["housing"] == [0, 0, 6, 0, 6, 6]
    assert needs["health"] == [0, 0, 0, 0, 0, 0]

    french = {"course": 0, "prescription": 0, "nothing": 0}
    for pk in french_need:
        courses = [c for c in LanguageCourse.objects.filter(person_id=pk) if c.status != "dropped"]
        if any(c.start_on <= REF and (c.end_on is None or c.end_on >= REF) for c in courses):
            french["course"] += 1
        elif LanguagePrescription.objects.filter(person_id=pk, prescribed_on__lte=REF).exists():
            french["prescription"] += 1
        else:
            french["nothing"] += 1
    assert french == {"course": 5, "prescription": 2, "nothing": 5}
    check_partition(result.french, french)
    # The French total is the needs table's hidden « with a need » cell: hidden here too, else the
    # light need (12 − 9) would come back.
    assert result.french.total[0].value is None
    assert sum(french.values()) == language["1"] + language["2"] + language["3"]
    supply = result.french_supply
    assert (supply.services, supply.with_capacity, supply.capacity) == (2, 1, 40)

    housing_counts = {"sne": 0, "siao": 0, "none": 0}
    for pk in ids:
        current = [s for s in Situation.objects.filter(person_id=pk, domain="housing") if s.start_date <= REF]
        if not current or current[-1].status in DURABLE_HOUSING:
            continue
        sne = [r for r in SocialHousingRequest.objects.filter(person_id=pk) if r.status == "active"]
        siao = [
            r
            for r in SiaoRequest.objects.filter(person_id=pk)
            if r.requested_on <= REF and (r.decided_on is None or r.decided_on > REF) and r.status != "cancelled"
        ]
        housing_counts["sne" if sne else "siao" if siao else "none"] += 1
    assert housing_counts == {"sne": 6, "siao": 2, "none": 3}
    check_partition(result.housing, housing_counts)


def test_suppress_lines_protects_shared_cells():
    from ancrage.steering.diagnosis import suppress_lines

    # « need » is shared by three lines: no need + need = total, levels add up to need, French rows too.
    values = {"none": 2, "need": 12, "total": 14, "light": 3, "high": 9, "course": 5, "other": 7}
    lines = [["none", "need", "total"], ["light", "high", "need"], ["course", "other", "need"]]
    cells = suppress_lines(values, lines)
    hidden = {key for key, cell in cells.items() if cell.suppressed}
    # none (2) and light (3) are small; need is the complement of none, then course the complement of need.
    assert hidden == {"none", "need", "light", "course"}
    assert all(sum(1 for key in line if key in hidden) != 1 for line in lines)


def test_waiting_times(world):
    result = diagnosis(world)
    delays = {d.key: d for d in result.delays}
    siao = delays["siao"]
    assert siao.persons.value == 6
    assert siao.median_days == statistics.median([5, 10, 15, 20, 25, 30])
    language = delays["language"]
    assert language.persons.value == 5
    assert language.median_days == statistics.median([10, 20, 30, 40, 50])
    french = delays[f"referral:{FRENCH_THEMATIQUE}"]
    assert french.persons.value == 6
    assert french.median_days == statistics.median([0, 2, 4, 6, 8, 10])
    # Three offers, two mobility referrals: fewer than five persons, the median is hidden.
    for key in ("sne", f"referral:{MOBILITY}"):
        assert delays[key].hidden and delays[key].median_days is None


def test_commune_filter(world):
    result = diagnosis(world, commune="99003")
    assert result.persons.value == 6
    assert cells_of(table(result, "commune")) == {"99003": [6], "total": [6]}
    supply = result.french_supply
    assert (supply.services, supply.capacity) == (1, 0)


def test_bounded_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        diagnosis(world)


# --- the page and the CSV ------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """The text of every table cell, by table id and column index."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, int, str]] = []
        self.table = ""
        self.column = -1
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and (attrs.get("id") or "").startswith("tableau-"):
            self.table = attrs["id"]
        elif tag == "tr":
            self.column = -1
        elif tag in ("td", "th"):
            self.column += 1
            self.inside = tag == "td"
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.inside:
            self.cells.append((self.table, self.column, self.text.strip()))
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def test_page_shows_no_small_count(client, cast, world):
    login(client, cast.claire)
    response = client.get(reverse("steering:diagnosis"), {"annee": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "secret statistique" in html
    parser = _Cells()
    parser.feed(html)
    counts = [
        text
        for table_id, column, text in parser.cells
        if table_id != "tableau-offre-francais" and not (table_id == "tableau-delais" and column == 2)
    ]
    assert len(counts) > 40
    assert not [text for text in counts if text in {"1", "2", "3", "4"}]
    assert "10" in counts and "19" in counts
    event = AuditEvent.objects.filter(event="steering.diagnosis.read").latest("id")
    assert event.user == cast.claire.user and event.details["year"] == YEAR and event.person_id is None


def test_csv_same_suppressed_tables(client, cast, world):
    login(client, cast.yves)
    response = client.get(reverse("steering:diagnosis_csv"), {"annee": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in rows:
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = row[0]
            sections[current] = []
        elif current is not None:
            sections[current].append(row)
    result = diagnosis(world)
    for t in result.tables:
        lines = sections[t.caption]
        assert lines == t.as_lines()
        for line in lines[1:]:
            assert not set(line[1:]) & {"1", "2", "3", "4"}, line
    assert ["Bêta", "secret"] in sections["Personnes par commune de résidence"]
    assert ["Gamma", "secret"] in sections["Personnes par commune de résidence"]
    for line in sections["Délais d'attente"][1:]:
        assert line[1] not in {"1", "2", "3", "4"}
        if line[1] == "secret":
            assert line[2] == "secret"
    event = AuditEvent.objects.filter(event="steering.diagnosis.export").latest("id")
    assert event.user == cast.yves.user and event.action == "export"


def test_invalid_filters_are_ignored_with_a_message(client, cast, world):
    login(client, cast.claire)
    response = client.get(reverse("steering:diagnosis"), {"annee": "1850", "commune": "<script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Année ignorée" in html and "Commune ignorée" in html
    # The whole contract period is shown: the person whose pathway starts in 2022 counts too.
    assert response.context["data"].persons.value == N + 1


def test_empty_states(client, cast, db):
    login(client, cast.claire)
    response = client.get(reverse("steering:diagnosis"))
    assert response.status_code == 200
    assert "Aucun contrat" in response.content.decode()
    csv_response = client.get(reverse("steering:diagnosis_csv"))
    assert csv_response.status_code == 200


def test_empty_population(client, cast, contract):
    login(client, cast.claire)
    response = client.get(reverse("steering:diagnosis"), {"annee": 2022})
    assert response.status_code == 200
    assert "Aucune personne" in response.content.decode()


@pytest.mark.parametrize("persona", ["amina", "olivier", "marc", "hugo", "sofia"])
def test_denied_to_everybody_else(client, cast, world, persona):
    login(client, getattr(cast, persona))
    before = AuditEvent.objects.filter(event__startswith="steering.diagnosis").count()
    assert client.get(reverse("steering:diagnosis")).status_code == 404
    assert client.get(reverse("steering:diagnosis_csv")).status_code == 404
    assert AuditEvent.objects.filter(event__startswith="steering.diagnosis").count() == before


def test_anonymous_goes_to_login(client, world):
    response = client.get(reverse("steering:diagnosis_csv"))
    assert response.status_code == 302 and "/comptes/connexion/" in response.url
