"""Coverage of the tracks for coordinators: each indicator against an independent count on a hand-made
population, suppression (primary and complementary), scope per role, access, audit, bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.core.dates import add_months
from ancrage.core.enums import CEFRLevel
from ancrage.deadlines.models import Deadline
from ancrage.persons.models import DURABLE_HOUSING, FrenchAssessment, Person, Protection, Situation
from ancrage.territory.models import Commune
from ancrage.tracks.coverage import Filters, compute_coverage, months_between, rate, table
from ancrage.tracks.models import BankAccount, HealthCoverage

from ..conftest import login
from ..factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1
ENTRY = dt.date(LAST_YEAR, 3, 1)
DECISION = dt.date(LAST_YEAR - 1, 1, 15)
OLD_DUE = dt.date(LAST_YEAR - 1, 6, 1)  # more than 12 months ago: outside the missed-per-month table
MISSED_MONTH = add_months(TODAY.replace(day=1), -2)


def _deadline(person, code, key, due_on, status="open", done_on=None):
    return Deadline.objects.create(
        person=person,
        code=code,
        source_key=key,
        rule_label=f"{code}@test",
        anchor_on=due_on - dt.timedelta(days=90),
        due_on=due_on,
        status=status,
        done_on=done_on,
    )


@pytest.fixture
def population(cast):
    """AGIR 35 (Olivier's organisation): 12 persons, AGIR, entered last year (8 in the first commune,
    4 in the second). Another association: 6 persons in CPH, entered this year, all durably housed.

    The spec of each AGIR person is kept in a dict, so the tests count from it independently."""
    first_commune, second_commune = Commune.objects.order_by("insee_code")[:2]
    specs = []
    for i in range(12):
        spec = {
            "commune": first_commune if i < 8 else second_commune,
            # housing: i < 7 social housing since the decision + i months; 7: CPH; 8: was in private
            # rental, now in emergency housing; others: nothing recorded.
            "durable_now": i < 7,
            "months_to_housing": i if i < 7 else None,
            "protected": i < 9,  # 9: a pending asylum request (not a protection)
            "puma": i < 6,
            "css": i < 8,  # 8: CSS open but expired
            "gp": i < 3,
            "levels": ["A1", "A2"] if i < 5 else ["A2", "A2"] if i < 10 else ["B1"],
            "bank": i < 9,
        }
        pathway = PathwayFactory(
            operator=cast.agir,
            referent=cast.amina.user,
            person=PersonFactory(commune=spec["commune"]),
            entry_date=ENTRY,
        )
        person = pathway.person
        spec["person"] = person
        if spec["protected"]:
            Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=DECISION)
        else:
            Protection.objects.create(
                person=person, type="asylum_seeker", deciding_body="ofpra", decision_date=DECISION
            )
        if spec["durable_now"]:
            Situation.objects.create(
                person=person, domain="housing", status="social_rental", start_date=add_months(DECISION, i)
            )
        elif i == 7:
            Situation.objects.create(person=person, domain="housing", status="cph", start_date=DECISION)
        elif i == 8:
            Situation.objects.create(
                person=person,
                domain="housing",
                status="private_rental",
                start_date=DECISION - dt.timedelta(days=400),
                end_date=DECISION - dt.timedelta(days=30),
            )
            Situation.objects.create(person=person, domain="housing", status="emergency", start_date=DECISION)
        HealthCoverage.objects.create(
            person=person,
            puma_status="open" if spec["puma"] else "requested",
            puma_opened_on=ENTRY if spec["puma"] else None,
            css_status="open" if i <= 8 else "none",
            css_opened_on=ENTRY if i <= 8 else None,
            css_expires_on=(TODAY + dt.timedelta(days=100) if spec["css"] else TODAY - dt.timedelta(days=1))
            if i <= 8
            else None,
            gp_declared_on=ENTRY if spec["gp"] else None,
        )
        for n, level in enumerate(spec["levels"]):
            FrenchAssessment.objects.create(
                person=person, assessed_on=ENTRY + dt.timedelta(days=100 * n), level=level, kind="tested"
            )
        if i == 7:  # per-skill assessments are not compared
            FrenchAssessment.objects.create(
                person=person, assessed_on=ENTRY, level="C1", kind="tested", skill="oral_expr"
            )
        if spec["bank"]:
            BankAccount.objects.create(person=person, step="open", opened_on=ENTRY)
        else:
            BankAccount.objects.create(person=person, step="refused", refused_on=ENTRY)
        specs.append(spec)

    others = []
    for _i in range(6):
        pathway = PathwayFactory(
            operator=cast.other_association, programme="cph", entry_date=TODAY.replace(month=1, day=1)
        )
        Situation.objects.create(person=pathway.person, domain="housing", status="residence_sociale", start_date=ENTRY)
        others.append(pathway.person)

    # The deadlines are hand-made: the engine's own items (computed on every save above) are removed.
    Deadline.objects.all().delete()
    agir_persons = [s["person"] for s in specs]
    # Licence exchange: 6 done in time, 3 done late (all due more than 12 months ago), 1 cancelled.
    for n, person in enumerate(agir_persons[:6]):
        _deadline(person, "licence_exchange", f"l{n}", OLD_DUE, "done", OLD_DUE - dt.timedelta(days=5))
    for n, person in enumerate(agir_persons[6:9]):
        _deadline(person, "licence_exchange", f"late{n}", OLD_DUE, "done", OLD_DUE + dt.timedelta(days=5))
    _deadline(agir_persons[9], "licence_exchange", "cancelled", OLD_DUE, "cancelled")
    # Missed two months ago: 3 residence renewals still open, 6 SNE renewals done late (other association).
    due = MISSED_MONTH + dt.timedelta(days=9)
    for n, person in enumerate(agir_persons[:3]):
        _deadline(person, "residence_renewal", f"r{n}", due)
    for n, person in enumerate(others):
        _deadline(person, "sne_renewal", f"s{n}", due, "done", due + dt.timedelta(days=3))
    # Not missed: done in time, and open but not due yet.
    _deadline(agir_persons[4], "cph_end", "ok", due, "done", due)
    _deadline(agir_persons[5], "cph_end", "future", TODAY + dt.timedelta(days=10))
    return specs, others


def _current_housing_is_durable(person) -> bool:
    active = [
        s
        for s in Situation.objects.filter(person=person, domain="housing")
        if s.start_date <= TODAY and (s.end_date is None or s.end_date >= TODAY)
    ]
    return bool(active) and max(active, key=lambda s: (s.start_date, s.pk)).status in DURABLE_HOUSING


def test_each_indicator_equals_an_independent_count(cast, population):
    specs, others = population
    data = compute_coverage(cast.claire.actor, today=TODAY)
    everybody = [s["person"] for s in specs] + others
    assert data.persons.value == len(everybody) == 18

    durable = sum(_current_housing_is_durable(p) for p in everybody)
    assert durable == sum(s["durable_now"] for s in specs) + len(others) == 13
    assert (data.housing.numerator.value, data.housing.denominator.value) == (13, 18)
    assert data.housing.percent == round(100 * 13 / 18)

    delays = sorted(s["months_to_housing"] for s in specs if s["months_to_housing"] is not None)
    assert data.protection_to_housing_persons.value == len(delays) == 7
    assert data.protection_to_housing_median_months == delays[len(delays) // 2] == 3

    health = {r.key: r for r in data.health}
    assert health["puma_open"].numerator.value == sum(s["puma"] for s in specs) == 6
    assert health["css_open"].numerator.value == sum(s["css"] for s in specs) == 8
    gp = sum(s["gp"] for s in specs)
    assert gp == 3 and health["gp_declared"].numerator.suppressed and health["gp_declared"].percent is None
    assert health["gp_declared"].denominator.value == 18

    twice = [s for s in specs if len(s["levels"]) >= 2]
    progressed = [s for s in twice if CEFRLevel.rank(s["levels"][-1]) > CEFRLevel.rank(s["levels"][0])]
    assert (
        (data.cefr_progression.numerator.value, data.cefr_progression.denominator.value)
        == (
            len(progressed),
            len(twice),
        )
        == (5, 10)
    )
    assert data.cefr_progression.percent == 50

    assert data.bank.numerator.value == BankAccount.objects.filter(step="open").count() == 9
    assert data.bank.denominator.value == 18

    assert data.licence.cell("late", "deadlines").suppressed  # 3
    assert data.licence.totals[0].value == 9  # cancelled excluded
    assert data.licence.cell("missed", "deadlines").value == 0
    assert data.licence.cell("running", "deadlines").value == 0

    month = MISSED_MONTH.isoformat()
    missed_in_month = Deadline.objects.filter(due_on__year=MISSED_MONTH.year, due_on__month=MISSED_MONTH.month)
    expected = sum(
        1
        for d in missed_in_month
        if (d.status == "open" and d.due_on < TODAY) or (d.status == "done" and d.done_on > d.due_on)
    )
    column = [k for k, _l in data.missed.columns].index(month)
    assert data.missed.totals[column].value == expected == 9
    assert data.missed.total.value == 9
    assert data.missed.cell("cph_end", month).value == 0


def test_a_cell_of_three_and_its_complement_are_hidden(cast, population):
    data = compute_coverage(cast.claire.actor, today=TODAY)
    # Licence: 6 in time, 3 late, total 9 shown: the late cell is hidden and so is the in-time cell,
    # otherwise 9 − 6 would give it back.
    assert data.licence.cell("late", "deadlines").suppressed
    assert data.licence.cell("in_time", "deadlines").suppressed
    assert data.licence.total.value == 9
    # Missed per month: 3 residence renewals (hidden), 6 SNE renewals (hidden as complement of the
    # month's total), and their row totals.
    month = MISSED_MONTH.isoformat()
    assert data.missed.cell("residence_renewal", month).suppressed
    assert data.missed.cell("sne_renewal", month).suppressed
    rows = {key: total for key, _l, _cells, total in data.missed.rows}
    assert rows["residence_renewal"].suppressed and rows["sne_renewal"].suppressed
    # CEFR latest level: 2 × B1 hidden, 10 × A2 hidden as complement, total 12 shown.
    assert data.cefr_latest.cell("B1", "persons").suppressed
    assert data.cefr_latest.cell("A2", "persons").suppressed
    assert data.cefr_latest.total.value == 12
    # No line of any table leaves exactly one hidden cell next to a visible total.
    for t in (data.licence, data.missed, data.cefr_latest):
        for _k, _l, cells, total in t.rows if t.row_totals else []:
            assert sum(c.suppressed for c in [*cells, total]) != 1
        for i in range(len(t.columns)):
            column = [cells[i] for _k, _l, cells, _t in t.rows] + [t.totals[i]]
            assert sum(c.suppressed for c in column) != 1


def test_rate_hides_a_small_numerator_or_complement():
    assert rate("k", "x", 3, 20).numerator.suppressed
    assert rate("k", "x", 17, 20).numerator.suppressed  # 20 − 17 = 3 would be revealed
    assert rate("k", "x", 3, 20).percent is None
    shown = rate("k", "x", 10, 20)
    assert (shown.numerator.value, shown.denominator.value, shown.percent) == (10, 20, 50)
    small = rate("k", "x", 0, 4)
    assert small.denominator.suppressed and small.percent is None


def test_table_margins_are_protected():
    t = table(
        "c", "r", {"a": {"x": 3, "y": 10}, "b": {"x": 8, "y": 9}}, [("a", "A"), ("b", "B")], [("x", "X"), ("y", "Y")]
    )
    assert t.cell("a", "x").suppressed
    row_a = t.rows[0]
    assert sum(c.suppressed for c in [*row_a[2], row_a[3]]) >= 2
    assert sum(c.suppressed for c in [t.cell("a", "x"), t.cell("b", "x"), t.totals[0]]) >= 2


def test_months_between():
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert months_between(dt.date(2024, 1, 15), dt.date(2024, 3, 15)) == 2
    assert months_between(dt.date(2024, 3, 1), dt.date(2024, 1, 1)) == 0


def test_org_admin_sees_only_its_organisation(cast, population):
    data = compute_coverage(cast.olivier.actor, today=TODAY)
    assert data.scope == cast.agir.name
    assert data.persons.value == 12
    assert (data.housing.numerator.value, data.housing.denominator.value) == (7, 12)
    assert data.bank.denominator.value == 12
    month = MISSED_MONTH.isoformat()
    assert data.missed.cell("sne_renewal", month).value == 0  # the other association's deadlines


def test_filters(cast, population):
    specs, _others = population
    claire = cast.claire.actor
    assert compute_coverage(claire, Filters(year=LAST_YEAR), today=TODAY).persons.value == 12
    assert compute_coverage(claire, Filters(programme="cph"), today=TODAY).persons.value == 6
    assert compute_coverage(claire, Filters(programme="cph", year=LAST_YEAR), today=TODAY).persons.value == 0
    commune = specs[0]["commune"]
    expected = Person.objects.filter(commune=commune).count()
    assert compute_coverage(claire, Filters(commune=commune.pk), today=TODAY).persons.value == expected == 8
    # 4 persons in the second commune: the count is hidden, and so are the shares.
    data = compute_coverage(claire, Filters(commune=specs[-1]["commune"].pk), today=TODAY)
    assert data.persons.suppressed and data.housing.percent is None


def test_page_for_coordinator_is_audited_without_person_ids(client, cast, population):
    response = login(client, cast.claire).get(reverse("coverage:index"), {"annee": "abc", "commune": "<x>"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "secret statistique" in content
    assert "<caption>" in content and 'scope="row"' in content
    event = AuditEvent.objects.filter(user=cast.claire.user, event="coverage.read").latest("id")
    assert event.person_id is None and "ids" not in event.details


@pytest.mark.parametrize("persona", ["amina", "marc", "hugo", "sofia"])
def test_others_get_404(client, cast, population, persona):
    login(client, getattr(cast, persona))
    assert client.get(reverse("coverage:index")).status_code == 404
    assert client.get(reverse("api:coverage")).status_code == 404


def test_api_returns_the_same_suppressed_figures(client, cast, population):
    login(client, cast.olivier)
    response = client.get(reverse("api:coverage"), {"programme": "agir"})
    assert response.status_code == 200
    body = response.json()
    assert body["persons"] == 12
    assert body["durable_housing"]["numerator"] == 7
    gp = next(r for r in body["health"] if r["key"] == "gp_declared")
    assert gp["numerator"] is None and gp["percent"] is None
    assert AuditEvent.objects.filter(user=cast.olivier.user, event="coverage.read").exists()
    assert client.get(reverse("api:coverage"), {"year": "x"}).status_code == 422


def _grow(cast, n):
    for _ in range(n):
        pathway = PathwayFactory(operator=cast.agir, entry_date=ENTRY)
        Situation.objects.create(person=pathway.person, domain="housing", status="social_rental", start_date=ENTRY)
        FrenchAssessment.objects.create(person=pathway.person, assessed_on=ENTRY, level="A1", kind="tested")
        Protection.objects.create(person=pathway.person, type="refugee", deciding_body="ofpra", decision_date=DECISION)


def test_queries_do_not_grow_with_the_population(client, cast, django_assert_max_num_queries):
    login(client, cast.claire)
    _grow(cast, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("coverage:index")).status_code == 200
    _grow(cast, 25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("coverage:index")).status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(9):
        compute_coverage(cast.claire.actor)
