"""Pages run a bounded number of SQL queries whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.persons.models import FrenchAssessment, Identity, Nationality, Situation

from ...factories import AppointmentFactory, NoteFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_persons(cast, n):
    for i in range(n):
        PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=(f"NOM{i}", "Ali")))


def test_caseload_queries_do_not_grow_with_rows(cast, as_persona):
    client = as_persona(cast.amina)
    _add_persons(cast, 3)
    few = _count(client, reverse("persons:list"))
    _add_persons(cast, 30)
    many = _count(client, reverse("persons:list"))
    assert many == few
    assert _count(client, reverse("persons:list") + "?q=nom1&status=open") <= few + 1


def _enrich(person, cast, n):
    for i in range(n):
        Identity.objects.create(person=person, last_name=f"VARIANTE{i}", first_names="Ali")
        FrenchAssessment.objects.create(person=person, assessed_on=dt.date(2024, 1, 1 + i), level="A1", kind="tested")
        Situation.objects.create(person=person, domain="housing", status="cph", start_date=dt.date(2023, 1, 1 + i))
        NoteFactory(person=person, author=cast.amina.user, organisation=cast.agir)
        AppointmentFactory(person=person, organisation=cast.agir, with_user=cast.amina.user)
    Nationality.objects.get_or_create(person=person, code="AF")


def test_person_page_queries_do_not_grow_with_history(cast, as_persona, followed):
    client = as_persona(cast.amina)
    url = reverse("persons:detail", args=[followed.pk])
    _enrich(followed, cast, 2)
    few = _count(client, url)
    _enrich(followed, cast, 12)
    assert _count(client, url) == few
    assert few <= 30
