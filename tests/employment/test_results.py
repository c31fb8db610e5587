"""Results of the professional integration: counts checked against an independent count, suppression,
scope per role, bounded queries, page and API access."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.employment.models import Placement
from ancrage.employment.results import compute_results, rate
from ancrage.pathways.models import Pathway
from ancrage.pathways.outcomes import positive_exits
from ancrage.persons.models import Nationality, Person, Protection, Situation

from ..conftest import login
from ..factories import OpportunityFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
ENTRY = TODAY - dt.timedelta(days=400)


@pytest.fixture
def dataset(cast):
    """AGIR 35 (Olivier's organisation): 8 persons entered 400 days ago, 3 women and 5 men; 6 of them
    exited 300 days after entry into a CDI and social housing. Another association: 6 men in CPH,
    entered 30 days ago."""
    agir = []
    for i in range(8):
        sex = "F" if i < 3 else "M"
        pathway = PathwayFactory(
            operator=cast.agir, referent=cast.amina.user, person=PersonFactory(sex=sex), entry_date=ENTRY
        )
        Nationality.objects.create(person=pathway.person, code="AF" if i < 6 else "SY")
        Protection.objects.create(person=pathway.person, type="refugee", deciding_body="ofpra")
        if i < 6:
            start = ENTRY + dt.timedelta(days=30)
            Situation.objects.create(person=pathway.person, domain="employment", status="cdi", start_date=start)
            Situation.objects.create(person=pathway.person, domain="housing", status="social_rental", start_date=start)
            Pathway.objects.filter(pk=pathway.pk).update(
                status="exited", exit_date=ENTRY + dt.timedelta(days=300), exit_reason="completed"
            )
        else:
            Situation.objects.create(person=pathway.person, domain="employment", status="job_seeker", start_date=ENTRY)
        agir.append(pathway)
    first = agir[0]
    Placement.objects.create(
        person=first.person,
        opportunity=OpportunityFactory(
            organisation=cast.agir, kind="training", training_type="poec", appellation=None, contract_type=""
        ),
        organisation=cast.agir,
        proposed_by=cast.amina.user,
        status="hired",
        proposed_on=ENTRY,
        decided_on=ENTRY + dt.timedelta(days=10),
        contract_type="cdi",
        contract_start=ENTRY + dt.timedelta(days=10),
    )
    others = [
        PathwayFactory(operator=cast.other_association, programme="cph", entry_date=TODAY - dt.timedelta(days=30))
        for _ in range(6)
    ]
    return agir, others


def _row(table, key):
    return next(row for row in table.rows if row[0] == key)


def test_counts_match_an_independent_count(cast, dataset, rome):
    agir, others = dataset
    data = compute_results(cast.claire.actor)
    assert data.persons.value == len({p.person_id for p in agir + others}) == 14
    sex = data.breakdowns[0]
    # Column order: Programme choices (agir, ctair, cph, other).
    assert sex.totals[2].value == 6  # CPH column: 6 men
    # Men in AGIR (5) are hidden to protect the 3 women, so the men's row hides its CPH cell too.
    assert _row(sex, "M")[2][0].suppressed and _row(sex, "M")[2][2].suppressed
    assert sex.total.value == 14
    # Positive exits: 6 of 6, the same answer as pathways.outcomes.
    expected = sum(1 for v in positive_exits(list(Pathway.objects.filter(exit_date__isnull=False))).values() if v)
    assert (data.exits.numerator.value, data.exits.denominator.value, data.exits.percent) == (expected, 6, 100)
    # Days to the first contract: 10 (a hired placement) for one person, 30 for five: median 30.
    assert data.first_contract_count.value == 6 and data.first_contract_median_days == 30
    # Entries in the last 12 months: the 6 CPH entries (AGIR entries are 13 months old).
    assert data.entries.total.value == 6


def test_a_cell_of_three_and_its_complement_are_suppressed(cast, dataset, rome):
    data = compute_results(cast.olivier.actor)
    sex = data.breakdowns[0]
    women, men = _row(sex, "F"), _row(sex, "M")
    assert women[2][0].suppressed and str(women[2][0]) == "< 5"  # 3 women
    assert men[2][0].suppressed  # 5 men, hidden so that the column total (8) does not reveal the 3
    assert sex.totals[0].value == 8
    assert women[3].suppressed  # the row total of 3
    # Nationality: 6 AF shown; the 2 SY fall into « Autres », hidden.
    nationality = data.breakdowns[3]
    assert {row[0] for row in nationality.rows} == {"AF", "others", "unknown"}
    assert _row(nationality, "others")[3].suppressed


def test_rates_hidden_on_small_bases_or_small_complements(cast, dataset, rome):
    data = compute_results(cast.olivier.actor)
    six = data.rates[0]
    assert six.denominator.value == 8 and six.numerator.suppressed and six.percent is None  # 2 not working
    assert rate("x", 5, 10).percent == 50
    assert rate("x", 3, 10).percent is None
    assert rate("x", 7, 10).percent is None
    assert rate("x", 4, 4).percent is None


def test_org_admin_sees_only_its_organisation(cast, dataset, rome):
    assert compute_results(cast.olivier.actor).persons.value == 8
    assert compute_results(cast.claire.actor, programme="cph").persons.value == 6
    assert compute_results(cast.claire.actor, year=ENTRY.year).persons.value == (
        8 if ENTRY.year != (TODAY - dt.timedelta(days=30)).year else 14
    )


def test_situation_at_entry_and_now(cast, dataset, rome):
    housing = compute_results(cast.olivier.actor).situations[2]
    unknown = _row(housing, "unknown")
    assert unknown[2][1].suppressed  # 2 without housing today
    assert unknown[2][0].suppressed  # 8 at entry: hidden, else the row total would reveal the 2
    assert _row(housing, "social_rental")[2][1].suppressed  # 6 today: hidden, else the column total would
    assert [c.value for c in housing.totals] == [8, 8]


def test_query_count_does_not_grow_with_persons(cast, dataset, rome, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        compute_results(cast.claire.actor)
    for _ in range(10):
        PathwayFactory(operator=cast.agir, entry_date=ENTRY)
    with django_assert_max_num_queries(10):
        compute_results(cast.claire.actor)


def test_page_is_audited_and_denied_to_others(client, cast, dataset, rome):
    login(client, cast.claire)
    response = client.get(reverse("employment:results") + "?programme=cph&annee=abc")
    assert response.status_code == 200
    assert "Résultats de l" in response.content.decode()
    event = AuditEvent.objects.filter(event="employment.results.read").latest("id")
    assert event.person_id is None and "ids" not in event.details
    for persona in ("amina", "marc", "hugo", "sofia"):
        login(client, getattr(cast, persona))
        assert client.get(reverse("employment:results")).status_code == 404
        assert client.get("/api/v1/employment/results").status_code == 404


def test_api_results_are_suppressed(client, cast, dataset, rome):
    login(client, cast.olivier)
    body = client.get("/api/v1/employment/results").json()
    assert body["persons"] == 8
    sex = body["breakdowns"][0]
    women = next(row for row in sex["rows"] if row["key"] == "F")
    assert women["values"][0] is None and women["total"] is None
    assert Person.objects.count() >= 8
