"""Computed facts: the French level the next residence document requires, RSA from 25."""

import datetime as dt

import pytest

from ancrage.persons.models import FrenchAssessment, Person, Protection, ResidenceDocument
from ancrage.tracks.models import LanguageRequirementRule
from ancrage.tracks.selectors import language_requirement, rsa_eligible_by_age

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _facts(person, on):
    return language_requirement(
        person,
        protections=list(person.protections.all()),
        documents=list(person.residence_documents.all()),
        assessments=list(person.french_assessments.all()),
        on=on,
    )


@pytest.fixture
def rules(db):
    """The law of 26 January 2024 (seeded by a migration too: made sure of here)."""
    LanguageRequirementRule.objects.filter(valid_from__lt=dt.date(2026, 1, 1)).delete()
    for kind, level in (("carte_pluriannuelle", "A2"), ("carte_resident", "B1")):
        LanguageRequirementRule.objects.update_or_create(
            document_kind=kind, valid_from=dt.date(2026, 1, 1), defaults={"level": level, "civic_exam": True}
        )


def test_a2_for_a_first_multi_year_card_from_2026(rules):
    person = PersonFactory()
    Protection.objects.create(
        person=person, type="subsidiary", deciding_body="ofpra", decision_date=dt.date(2025, 1, 2)
    )
    before = _facts(person, dt.date(2025, 12, 31))
    assert before.document_kind == "carte_pluriannuelle" and before.level is None and before.reached is None
    after = _facts(person, dt.date(2026, 1, 1))
    assert after.level == "A2" and after.reached is False
    FrenchAssessment.objects.create(person=person, assessed_on=dt.date(2025, 6, 1), level="B1", kind="self")
    assert _facts(person, dt.date(2026, 1, 1)).reached is False  # a self-assessment does not count
    FrenchAssessment.objects.create(person=person, assessed_on=dt.date(2025, 9, 1), level="A2", kind="certified")
    facts = _facts(person, dt.date(2026, 1, 1))
    assert facts.best_level == "A2" and facts.reached is True


def test_after_a_multi_year_card_the_resident_card_needs_b1(rules):
    person = PersonFactory()
    ResidenceDocument.objects.create(
        person=person, kind="carte_pluriannuelle", issue_date=dt.date(2024, 1, 1), expiry_date=dt.date(2028, 1, 1)
    )
    facts = _facts(person, dt.date(2026, 3, 1))
    assert facts.document_kind == "carte_resident" and facts.level == "B1"


def test_no_requirement_after_a_resident_card(rules):
    person = PersonFactory()
    ResidenceDocument.objects.create(
        person=person, kind="carte_resident", issue_date=dt.date(2024, 1, 1), expiry_date=dt.date(2034, 1, 1)
    )
    facts = _facts(person, dt.date(2026, 3, 1))
    assert facts.document_kind is None and facts.level is None


def test_rsa_from_25():
    person = Person(birth_date=dt.date(2001, 3, 15))
    assert rsa_eligible_by_age(person, dt.date(2026, 3, 14)) is False
    assert rsa_eligible_by_age(person, dt.date(2026, 3, 15)) is True
    assert rsa_eligible_by_age(Person(birth_date=None), dt.date(2026, 3, 15)) is None
