"""``__in_list`` selects what ``__in`` selects, with the values sent as one parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ancrage.persons.models import Identity, Person
from ancrage.territory.models import Commune
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(territory):
    rennes, bruz = Commune.objects.get(name="Rennes"), Commune.objects.get(name="Bruz")
    return [PersonFactory(commune=rennes if n % 3 else bruz) for n in range(9)]


def test_ids_codes_and_relations_select_the_same_rows_as_in(persons):
    ids = [p.pk for p in persons[::2]]
    assert set(Person.objects.filter(pk__in_list=ids)) == set(Person.objects.filter(pk__in=ids)) == set(persons[::2])
    codes = [Commune.objects.get(name="Bruz").pk]
    assert set(Person.objects.filter(commune_id__in_list=codes)) == set(Person.objects.filter(commune_id__in=codes))
    assert Person.objects.filter(commune_id__in_list=codes).count() == 3
    assert set(Identity.objects.filter(person__in_list=ids)) == set(Identity.objects.filter(person__in=ids))
    assert set(Identity.objects.filter(person_id__in_list=ids)) == set(Identity.objects.filter(person__in=ids))
    assert Person.objects.exclude(pk__in_list=ids).count() == len(persons) - len(ids)
    assert not Person.objects.filter(pk__in_list=[]).exists()


def test_ten_thousand_values_go_as_one_parameter(persons):
    ids = [p.pk for p in persons] + list(range(10**9, 10**9 + 10_000))
    found = Person.objects.filter(pk__in_list=ids)
    with CaptureQueriesContext(connection) as queries:
        assert found.count() == len(persons)
    assert len(queries) == 1
    sql, params = found.query.get_compiler(using="default").as_sql()
    assert len(params) == 1 and sql.count("%s") == 1  # not 10,000 placeholders
