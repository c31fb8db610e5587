"""``core.inserts.insert_many`` writes exactly what ``bulk_create_with_history`` writes (the import's
rows), on SQLite and PostgreSQL alike, only faster."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.core.enums import DatePrecision
from ancrage.core.inserts import insert_many
from ancrage.persons.models import Identity, Person
from ancrage.territory.models import Commune

pytestmark = pytest.mark.django_db

WRITTEN = ["sex", "birth_date", "birth_date_precision", "birth_date_conventional", "phone", "commune", "version"]


def _persons(cast, marker: str) -> list[Person]:
    rennes = Commune.objects.get(name="Rennes")
    return [
        Person(
            sex="F",
            birth_date=dt.date(1990, 1, 1),
            birth_date_precision=DatePrecision.YEAR,
            birth_date_conventional=True,
            phone=f"06 12 34 56 {n:02d}",
            commune=rennes if n % 2 else None,
            created_by_organisation=cast.agir,
            display_name=f"{marker} {n}",
        )
        for n in range(3)
    ]


def _rows(marker: str) -> list[dict]:
    rows = []
    for person in Person.objects.filter(display_name__startswith=marker).order_by("display_name"):
        values = model_to_dict(person, fields=WRITTEN)
        history = list(person.history.values("history_type", "history_user_id", "sex", "birth_date", "phone"))
        rows.append({**values, "history": history, "created": person.created_at is not None})
    return rows


def test_the_rows_and_their_history_are_those_of_bulk_create_with_history(cast):
    bulk_create_with_history(_persons(cast, "ORM"), Person, default_user=cast.amina.user)
    objs = _persons(cast, "FAST")
    insert_many(objs, history=True, history_user=cast.amina.user)
    assert all(obj.pk for obj in objs) and len({obj.pk for obj in objs}) == 3
    assert [Person.objects.get(pk=obj.pk).display_name for obj in objs] == ["FAST 0", "FAST 1", "FAST 2"]
    assert _rows("FAST") == _rows("ORM")
    assert _rows("FAST")[1]["commune"] == Commune.objects.get(name="Rennes").pk
    assert _rows("FAST")[0]["history"] == [
        {"history_type": "+", "history_user_id": cast.amina.user.pk, "sex": "F", "birth_date": dt.date(1990, 1, 1)}
        | {"phone": "06 12 34 56 00"}
    ]


def test_json_addresses_and_timestamps_are_converted_by_their_fields(cast):
    event = AuditEvent(
        user=cast.amina.user,
        organisation=cast.agir,
        action=AuditAction.CREATE,
        event="person.create",
        ip="192.0.2.7",
        details={"import": True, "items": {"identity": [1, 2]}, "name": "Zahra ‮"},
    )
    insert_many([event])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == {"import": True, "items": {"identity": [1, 2]}, "name": "Zahra ‮"}
    assert stored.ip == "192.0.2.7" and stored.at == event.at and stored.at.tzinfo is not None


def test_a_related_object_given_before_it_had_a_key_is_linked(cast):
    person = Person(created_by_organisation=cast.agir, display_name="NOORI Aziz")
    identity = Identity(person=person, last_name="NOORI", first_names="Aziz", is_reference=True)
    insert_many([person])
    insert_many([identity])
    assert Identity.objects.get(pk=identity.pk).person_id == person.pk


def test_many_rows_go_in_batches_within_the_parameter_limit(cast):
    objs = [Person(created_by_organisation=cast.agir, display_name=f"LOT {n:05d}") for n in range(2500)]
    insert_many(objs, history=True, history_user=None)
    assert Person.objects.filter(display_name__startswith="LOT ").count() == 2500
    assert Person.history.filter(history_type="+", history_user=None, id__in=[o.pk for o in objs]).count() == 2500
    assert Person.objects.get(pk=objs[1234].pk).display_name == "LOT 01234"  # keys given back in order


def test_saved_objects_and_objects_of_two_models_are_refused(cast):
    person = Person(created_by_organisation=cast.agir)
    insert_many([person])
    with pytest.raises(ValueError, match="new objects of one model"):
        insert_many([person])
    with pytest.raises(ValueError, match="new objects of one model"):
        insert_many([Person(created_by_organisation=cast.agir), Identity(person=person, last_name="X")])
