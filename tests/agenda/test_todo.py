"""The référent's "À faire": grouping at the edges, scope, sections, denial, audit, bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.deadlines.models import Deadline
from ancrage.deadlines.selectors import todo_items

from ..conftest import login
from ..factories import AppointmentFactory, PathwayFactory, PersonFactory
from .conftest import make_deadline

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def by_group(groups):
    return {g.key: [(i.code, i.due_on) for i in g.items] for g in groups}


def test_grouping_at_the_edges(cast, clean, today):
    make_deadline(clean, "sne_renewal", today - DAY)
    make_deadline(clean, "cph_end", today)
    make_deadline(clean, "residence_renewal", today + 7 * DAY)
    make_deadline(clean, "licence_exchange", today + 8 * DAY)
    make_deadline(clean, "asylum_housing_exit", today + 30 * DAY)
    make_deadline(clean, "accompaniment_end", today + 90 * DAY, opens=today - DAY)  # window open
    make_deadline(clean, "agir_first_interview", today + 90 * DAY, opens=today + DAY)  # not yet
    make_deadline(clean, "sne_renewal", today - 3 * DAY, status="done", done_on=today)  # done: never shown

    groups = by_group(todo_items(cast.amina.actor, today=today))

    assert groups["overdue"] == [("sne_renewal", today - DAY)]
    assert groups["week"] == [("cph_end", today), ("residence_renewal", today + 7 * DAY)]
    assert groups["month"] == [("licence_exchange", today + 8 * DAY), ("asylum_housing_exit", today + 30 * DAY)]
    assert groups["later"] == [("accompaniment_end", today + 90 * DAY)]


def test_relative_wording(cast, clean, today):
    make_deadline(clean, "sne_renewal", today - 12 * DAY)
    make_deadline(clean, "cph_end", today + 5 * DAY)
    items = {i.code: i for g in todo_items(cast.amina.actor, today=today) for i in g.items}
    assert items["sne_renewal"].relative == "en retard de 12 jours"
    assert items["cph_end"].relative == "dans 5 jours"


def test_upcoming_appointments_are_in_the_list(cast, clean, today):
    AppointmentFactory(person=clean, organisation=cast.agir, with_user=cast.amina.user, subject="Point logement")
    groups = todo_items(cast.amina.actor, today=today)
    week = [i for g in groups if g.key == "week" for i in g.items]
    assert [i.kind for i in week] == ["appointment"]
    # The track filter keeps deadlines only.
    assert not any(g.items for g in todo_items(cast.amina.actor, today=today, track="logement"))


def test_scope_mine_and_organisation(cast, clean, colleague_person, today):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    make_deadline(colleague_person, "cph_end", today + 3 * DAY)
    mine = {i.person_id for g in todo_items(cast.amina.actor, today=today) for i in g.items}
    org = {i.person_id for g in todo_items(cast.amina.actor, scope="organisation", today=today) for i in g.items}
    assert mine == {clean.pk}
    assert org == {clean.pk, colleague_person.pk}
    # Another organisation never sees them, whatever the scope.
    assert not any(g.items for g in todo_items(cast.hugo.actor, scope="organisation", today=today))


def test_health_items_need_the_health_permission(client, cast, clean, today):
    make_deadline(clean, "css_renewal", today + 2 * DAY)
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    cast.amina.membership.can_access_health = False
    cast.amina.membership.save()
    codes = {i.code for g in todo_items(cast.amina.actor, today=today) for i in g.items}
    assert codes == {"sne_renewal"}
    login(client, cast.amina)
    page = client.get(reverse("agenda:todo"))
    assert page.status_code == 200
    assert "complémentaire santé" not in page.content.decode()
    api = client.get(reverse("api:agenda_list")).json()
    assert {r["code"] for r in api["results"]} == {"sne_renewal"}
    assert not client.get(reverse("api:agenda_list"), {"track": "sante"}).json()["results"]

    cast.amina.membership.can_access_health = True
    cast.amina.membership.save()
    assert "complémentaire santé" in client.get(reverse("agenda:todo")).content.decode()


def test_sections_not_shared_hide_the_items(cast, clean, today):
    """A grant without the protection section: no residence renewal item."""
    from ancrage.access.models import AccessGrant

    make_deadline(clean, "residence_renewal", today + 2 * DAY)
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    grant = AccessGrant.objects.get(person=clean, organisation=cast.agir)
    grant.sections = [s for s in grant.sections if s != "protection"]
    grant.save()
    codes = {i.code for g in todo_items(cast.amina.actor, today=today) for i in g.items}
    assert codes == {"sne_renewal"}


def test_page_shows_groups_counts_links_and_is_audited(client, cast, clean, today):
    overdue = make_deadline(clean, "sne_renewal", today - 12 * DAY)
    make_deadline(clean, "accompaniment_end", today + 5 * DAY)
    login(client, cast.amina)
    response = client.get(reverse("agenda:todo"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("En retard", "Cette semaine", "Ce mois-ci", "Plus tard", "HAIDARI Farid", "en retard de 12 jours"):
        assert text in html
    assert "dans 5 jours" in html
    assert "sne_renewal@2025-01-01" in html  # the rule version, as a tooltip
    assert "Rien en retard" not in html
    assert reverse("persons:detail", args=[clean.pk]) in html or "/parcours/" in html
    event = AuditEvent.objects.filter(user=cast.amina.user, event="agenda.todo").latest("id")
    assert event.details["ids"] == [clean.pk]
    assert overdue.pk in event.details["deadline_ids"]


def test_empty_state(client, cast, clean):
    login(client, cast.amina)
    html = client.get(reverse("agenda:todo")).content.decode()
    assert "Rien en retard : bravo." in html


def test_filters_scope_and_track(client, cast, clean, colleague_person, today):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    make_deadline(colleague_person, "residence_renewal", today + 3 * DAY)
    login(client, cast.amina)
    html = client.get(reverse("agenda:todo"), {"portee": "organisation"}).content.decode()
    assert "NOORI" in html and "HAIDARI" in html
    html = client.get(reverse("agenda:todo"), {"portee": "organisation", "volet": "droits"}).content.decode()
    assert "NOORI" in html and "HAIDARI" not in html
    # Bad filter values fall back to the defaults, never a 500.
    assert client.get(reverse("agenda:todo"), {"portee": "x", "volet": "y", "page_week": "z"}).status_code == 200


@pytest.mark.parametrize("persona", ["claire", "yves", "sofia"])
def test_no_case_work_no_page(client, cast, clean, today, persona):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    login(client, getattr(cast, persona))
    response = client.get(reverse("agenda:todo"))
    assert response.status_code == 404
    assert b"HAIDARI" not in response.content


def test_partner_agent_sees_nothing_without_accompanying(client, cast, clean, today):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    login(client, cast.marc)
    response = client.get(reverse("agenda:todo"), {"portee": "organisation"})
    assert response.status_code == 200
    assert b"HAIDARI" not in response.content


def _persons_with_deadlines(cast, count, today):
    for n in range(count):
        person = PathwayFactory(
            operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=(f"NOM{n}", "Test"))
        ).person
        Deadline.objects.filter(person=person).delete()
        make_deadline(person, "sne_renewal", today + (n % 40 - 5) * DAY)
        make_deadline(person, "css_renewal", today + (n % 20) * DAY)
        AppointmentFactory(person=person, organisation=cast.agir, with_user=cast.amina.user)


@pytest.mark.parametrize("count", [2, 30])
def test_bounded_queries(client, cast, today, django_assert_max_num_queries, count):
    _persons_with_deadlines(cast, count, today)
    login(client, cast.amina)
    # One more on the page than in the API: django-otp loads the session's second-factor device.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("agenda:todo"), {"portee": "organisation"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("api:agenda_list")).status_code == 200
