"""Small builders for directory tests."""

from datetime import timedelta

from django.utils import timezone

from ancrage.directory.models import Service, Structure
from ancrage.organisations.models import Organisation

RENNES = "35238"
BRUZ = "35047"


def make_structure(organisation: Organisation | None = None, name: str = "Maison des associations") -> Structure:
    return Structure.objects.create(name=name, organisation=organisation, commune_id=RENNES)


def make_service(
    structure: Structure | None = None, *, zone: list[str] | None = None, age_days: int = 0, **fields
) -> Service:
    values = {
        "name": "Cours de français",
        "description": "Cours de français langue étrangère pour adultes.",
        "thematiques": ["lecture-ecriture-calcul--maitriser-le-francais"],
        "publics": ["personnes-exilees"],
        "types": ["formation"],
        "commune_id": RENNES,
    }
    values.update(fields)
    service = Service(structure=structure or make_structure(), **values)
    service.updated_at = timezone.now() - timedelta(days=age_days)
    service.refresh_search_text()
    service.full_clean(exclude=["zone"])
    service.save()
    if zone:
        service.zone.set(zone)
    return service
