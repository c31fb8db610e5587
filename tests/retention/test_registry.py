"""Every model holding data about a person is decided in the retention registry (ADR 9)."""

from django.apps import apps
from django.db import models

from ancrage.persons.models import Person
from ancrage.retention.registry import RULES
from ancrage.retention.services import text_fields


def _person_models() -> set[type[models.Model]]:
    """Models with a foreign-key or one-to-one path to Person (directly or through such a model),
    and the history models of all of them (simple-history's ``Historical*``)."""
    every = apps.get_models(include_auto_created=True)
    covered: set[type[models.Model]] = {Person}
    grew = True
    while grew:
        grew = False
        for model in every:
            if model in covered:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model in covered:
                    covered.add(model)
                    grew = True
                    break
    for model in every:
        instance_type = getattr(model, "instance_type", None)  # the tracked model of a Historical* model
        if instance_type in covered:
            covered.add(model)
    return covered


def test_every_model_reaching_a_person_is_in_the_registry():
    missing = sorted(m._meta.label for m in _person_models() if m._meta.label not in RULES)
    assert not missing, f"Not covered by ancrage/retention/registry.py: {', '.join(missing)}"


def test_the_walk_finds_the_known_indirect_paths():
    labels = {m._meta.label for m in _person_models()}
    # attachment -> referral -> person, plan action -> objective -> pathway -> person, history of Person.
    assert {"referrals.ReferralAttachment", "pathways.PlanAction", "persons.HistoricalPerson"} <= labels


def test_every_registry_entry_names_an_existing_model():
    for label in RULES:
        apps.get_model(label)


def test_every_text_field_of_a_kept_row_is_anonymised_or_declared():
    undecided = []
    for label, rule in RULES.items():
        if rule.action == "delete":
            continue
        decided = set(rule.blank) | set(rule.kept)
        undecided += [f"{label}.{name}" for name in text_fields(apps.get_model(label)) if name not in decided]
    assert not undecided, f"Neither blanked nor declared non-personal: {', '.join(undecided)}"


def test_blanked_and_declared_fields_exist():
    for label, rule in RULES.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        assert set(rule.blank) <= names, label
        assert set(rule.kept) <= names, label
