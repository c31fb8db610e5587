"""The engine finds the duplicates of refugees' records that real files hold, and only among ``among``."""

import datetime as dt

import pytest

from ancrage.linkage.engine import candidates_for_records, record_from_person, records_for
from ancrage.linkage.records import LinkageRecord
from ancrage.persons.models import Identity, Nationality, Person, Protection

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _person(last: str, first: str, born: dt.date, *, organisation=None, **extra) -> Person:
    kwargs = {"birth_date": born, **extra}
    if organisation is not None:
        kwargs["created_by_organisation"] = organisation
    person = PersonFactory(name=(last, first), **kwargs)
    Nationality.objects.create(person=person, code="AF")
    return person


def _record(last: str, first: str, born: dt.date, **extra) -> LinkageRecord:
    return LinkageRecord(last_name=last, first_names=first, birth_date=born, sex="M", nationality="AF", **extra)


def test_finds_a_transliterated_swapped_year_only_duplicate(cast):
    existing = _person("HAIDARI", "Mohammad", dt.date(1990, 5, 17))
    _person("RAHIMI", "Farid", dt.date(1988, 2, 3))
    record = LinkageRecord(
        last_name="Mohammed",
        first_names="Haydari",
        birth_date=dt.date(1990, 1, 1),
        birth_date_precision="year",
        sex="M",
        nationality="AF",
    )
    [matches] = candidates_for_records([record], among=Person.objects.all())
    assert [m.person_id for m in matches] == [existing.pk]
    levels = {e["field"]: e["level"] for e in matches[0].evidence}
    assert levels["last_name"] == "nom et prénom inversés"
    assert levels["birth_date"] == "même année (date conventionnelle ou imprécise)"


def test_two_mohammads_born_in_different_years_are_not_paired(cast):
    _person("AHMADI", "Mohammad", dt.date(1985, 3, 2))
    [matches] = candidates_for_records(
        [_record("AHMADI", "Mohammad", dt.date(1992, 7, 10))], among=Person.objects.all()
    )
    assert matches == []


def test_a_conventional_first_of_january_is_weaker_evidence_than_a_real_date(cast):
    real = _person("NAZARI", "Javad", dt.date(1979, 6, 14))
    conventional = _person("NAZARI", "Javad", dt.date(1979, 1, 1), birth_date_conventional=True)
    [matches] = candidates_for_records(
        [
            _record("Nazari", "Jawad", dt.date(1979, 6, 14)),
        ],
        among=Person.objects.filter(pk=real.pk),
        threshold=0.0,
    )
    [other] = candidates_for_records(
        [
            LinkageRecord(
                last_name="Nazari",
                first_names="Jawad",
                birth_date=dt.date(1979, 1, 1),
                sex="M",
                nationality="AF",
                birth_date_conventional=True,
            )
        ],
        among=Person.objects.filter(pk=conventional.pk),
        threshold=0.0,
    )
    matches += other
    weights = {m.person_id: m.match_weight for m in matches}
    assert weights[real.pk] > weights[conventional.pk]
    levels = {m.person_id: {e["field"]: e["code"] for e in m.evidence} for m in matches}
    assert levels[real.pk]["birth_date"] == "exact"
    assert levels[conventional.pk]["birth_date"] == "year_weak"


def test_a_day_month_swap_is_a_level_of_its_own(cast):
    person = _person("SULTANI", "Omid", dt.date(1993, 4, 11))
    [matches] = candidates_for_records(
        [_record("Soltani", "Omid", dt.date(1993, 11, 4))], among=Person.objects.all(), threshold=0.0
    )
    [match] = [m for m in matches if m.person_id == person.pk]
    assert {e["field"]: e["code"] for e in match.evidence}["birth_date"] == "day_month_swap"


def test_candidates_only_among_the_given_persons(cast):
    visible = _person("KARIMI", "Reza", dt.date(1991, 6, 1), organisation=cast.agir)
    hidden = _person("KARIMI", "Reza", dt.date(1991, 6, 1), organisation=cast.other_association)
    record = _record("Karimi", "Reza", dt.date(1991, 6, 1))
    [mine] = candidates_for_records([record], among=Person.objects.filter(created_by_organisation=cast.agir))
    assert [m.person_id for m in mine] == [visible.pk]
    [everyone] = candidates_for_records([record], among=Person.objects.all())
    assert {m.person_id for m in everyone} == {visible.pk, hidden.pk}


def test_merged_records_are_never_candidates(cast):
    kept = _person("JAFARI", "Ali", dt.date(1980, 9, 9))
    absorbed = _person("JAFARI", "Ali", dt.date(1980, 9, 9))
    Person.objects.filter(pk=absorbed.pk).update(merged_into=kept)
    [matches] = candidates_for_records([_record("Jafari", "Ali", dt.date(1980, 9, 9))], among=Person.objects.all())
    assert [m.person_id for m in matches] == [kept.pk]


def test_an_arabic_script_record_matches_its_transliteration(cast):
    person = _person("HADDAD", "Mohammed", dt.date(1987, 12, 2), phone="0612345678")
    record = LinkageRecord(
        last_name="حداد", first_names="محمد", birth_date=dt.date(1987, 12, 2), sex="M", nationality="AF"
    )
    [matches] = candidates_for_records([record], among=Person.objects.all())
    assert [m.person_id for m in matches] == [person.pk]


def test_a_shared_agdref_number_and_phone_are_strong_evidence(cast):
    person = _person("WARDAK", "Zalmai", dt.date(1975, 1, 1), agdref_number="1234567890", phone="+33 6 11 22 33 44")
    record = _record("Vardak", "Zalmay", dt.date(1976, 5, 5), agdref_number="1234567890", phone="06 11 22 33 44")
    [matches] = candidates_for_records([record], among=Person.objects.all())
    assert [m.person_id for m in matches] == [person.pk]
    codes = {e["field"]: e["code"] for e in matches[0].evidence}
    assert codes["agdref"] == "exact" and codes["phone"] == "exact"


def test_a_batch_returns_one_list_per_record_best_first(cast):
    first = _person("AZIZI", "Sohrab", dt.date(1999, 3, 3))
    second = _person("AZIZI", "Sohrab", dt.date(1999, 3, 4))
    records = [_record("Azizi", "Sohrab", dt.date(1999, 3, 3)), _record("Unrelated", "Name", dt.date(1950, 1, 1))]
    records += [_record(f"Other{i}", "Person", dt.date(1960, 1, 1)) for i in range(25)]  # the bulk path
    found = candidates_for_records(records, among=Person.objects.all(), limit=2)
    assert len(found) == len(records)
    assert [m.person_id for m in found[0]] == [first.pk, second.pk]
    assert found[1] == []


def test_records_are_read_in_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    for i in range(10):
        person = _person(f"NAME{i}", "Given", dt.date(1990, 1, 1 + i))
        Identity.objects.create(person=person, last_name="نام", first_names="", script="Arab")
        Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", ofpra_number=f"OF-{i:06d}")
    with django_assert_max_num_queries(4):
        records = records_for(Person.objects.all())
    assert len(records) == 10
    some = next(iter(records.values()))
    assert some.other_names == (("نام", ""),) and some.ofpra_number.startswith("OF-")


def test_record_from_person_uses_the_reference_identity_and_other_spellings(cast):
    person = _person("HAIDARI", "Farid", dt.date(1990, 5, 17), phone="0612345678")
    Identity.objects.create(person=person, last_name="حیدری", first_names="فرید", script="Arab")
    person = Person.objects.prefetch_related("identities", "nationalities", "protections").get(pk=person.pk)
    record = record_from_person(person)
    assert (record.last_name, record.first_names) == ("HAIDARI", "Farid")
    assert record.other_names == (("حیدری", "فرید"),)
    assert record.nationality == "AF" and record.phone == "0612345678"
    assert records_for(Person.objects.filter(pk=person.pk))[person.pk] == record


def test_the_model_rewrites_for_spark_keeping_its_parameters():
    from ancrage.linkage.engine import default_settings, settings_for_dialect

    duckdb = default_settings()
    spark = settings_for_dialect(duckdb, "spark")
    sql = " ".join(lv["sql_condition"] for c in spark["comparisons"] for lv in c["comparison_levels"])
    assert "arrays_overlap(" in sql and "jaro_winkler(" in sql
    assert "list_has_any" not in sql and "jaro_winkler_similarity" not in sql
    m = [lv.get("m_probability") for c in duckdb["comparisons"] for lv in c["comparison_levels"]]
    assert m == [lv.get("m_probability") for c in spark["comparisons"] for lv in c["comparison_levels"]]
    assert spark["sql_dialect"] == "spark"
