import pytest
from data_inclusion.schema import v1
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ancrage.directory.models import PUBLIC_CHOICES, Service, Structure

from .helpers import make_service, make_structure

pytestmark = pytest.mark.django_db


def test_code_lists_come_from_data_inclusion():
    assert "personnes-exilees" in {code for code, _label in PUBLIC_CHOICES}
    assert {code for code, _label in PUBLIC_CHOICES} == {p.value for p in v1.Public}


def test_valid_service_passes_full_clean(territory):
    service = make_service()
    assert service.pk and not service.stale


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("thematiques", ["cuisine--inventee"], "Thématique inconnue"),
        ("publics", ["martiens"], "Public inconnu"),
        ("types", ["magie"], "Type de service inconnu"),
        ("languages", ["xx", "zzz"], "ISO 639-3"),
        ("protections_accepted", ["citoyen"], "Statut de protection inconnu"),
        ("thematiques", "sante", "liste de codes"),
    ],
)
def test_unknown_codes_are_refused_in_french(territory, field, value, message):
    service = Service(structure=make_structure(), name="Service test", description="Une description.", **{field: value})
    with pytest.raises(ValidationError) as error:
        service.full_clean(exclude=["zone"])
    assert message in str(error.value.message_dict[field])


def test_siret_is_checked(territory):
    structure = Structure(name="Structure test", siret="12345678901234")
    with pytest.raises(ValidationError) as error:
        structure.full_clean()
    assert "siret" in error.value.message_dict


def test_database_refuses_invalid_frais_and_french_level(territory):
    service = make_service()
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(frais="hors-de-prix")
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(min_french_level="Z9")


def test_stale_after_six_months(territory):
    assert make_service(age_days=200).stale
    assert not make_service(age_days=100).stale
