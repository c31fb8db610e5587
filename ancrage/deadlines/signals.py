"""Recompute a person's deadlines whenever a record they depend on changes (same transaction).

Bulk writes (the demo generator, imports) send no signals: they call ``recompute_persons`` or
``recompute_all`` themselves; the daily job recomputes everything anyway.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

# model label -> attribute holding the person id
SOURCES = {
    "persons.Person": "pk",
    "persons.Protection": "person_id",
    "persons.Situation": "person_id",
    "persons.ResidenceDocument": "person_id",
    "pathways.Pathway": "person_id",
    "employment.EmploymentProfile": "person_id",
    "tracks.StayExtension": "person_id",
    "tracks.SocialHousingRequest": "person_id",
    "tracks.HealthCoverage": "person_id",
}


def _handler(attribute: str):
    def recompute(sender, instance, raw=False, **kwargs) -> None:
        if raw:
            return  # fixtures loading
        from .engine import recompute_person

        person_id = getattr(instance, attribute, None)
        if person_id and (kwargs.get("signal") is post_save or _person_exists(person_id)):
            recompute_person(person_id)

    return recompute


def _person_exists(person_id: int) -> bool:
    from ancrage.persons.models import Person

    return Person.objects.filter(pk=person_id).exists()


def connect() -> None:
    for label, attribute in SOURCES.items():
        model = apps.get_model(label)
        handler = _handler(attribute)
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"deadlines.save.{label}")
        if label != "persons.Person":
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"deadlines.delete.{label}")
