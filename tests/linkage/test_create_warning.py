"""When a référente creates a person: a warning lists the probable duplicates she may see, and only them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.audit.models import AuditEvent
from ancrage.linkage.merge import person_merge
from ancrage.linkage.models import CandidateSource, DuplicateCandidate
from ancrage.persons.models import Person

from ..conftest import login
from ..factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "last_name": "HAIDARI",
        "first_names": "Farid",
        "identity_source": "declared",
        "sex": "M",
        "birth_date": "1990-05-17",
        "birth_date_precision": "day",
        "nationality": "AF",
        "programme": "agir",
        "entry_date": timezone.localdate().isoformat(),
    }
    return {**data, **overrides}


def _existing(organisation, name=("HAYDARI", "Farid")):
    person = PathwayFactory(
        operator=organisation, person=PersonFactory(name=name, birth_date=dt.date(1990, 5, 17))
    ).person
    person.nationalities.create(code="AF")
    return person


def test_creating_a_probable_duplicate_shows_a_warning_and_creates_nothing(client, cast):
    existing = _existing(cast.agir)
    count = Person.objects.count()
    response = login(client, cast.amina).post(reverse("persons:create"), _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cette personne a peut-être déjà un dossier" in page
    assert reverse("persons:detail", args=[existing.pk]) in page and "17/05/1990" in page
    assert "Créer quand même" in page
    assert Person.objects.count() == count
    event = AuditEvent.objects.filter(event="person.duplicate_warning").latest("id")
    assert event.details["ids"] == [existing.pk]


def test_creating_anyway_records_the_pair_in_the_queue(client, cast):
    existing = _existing(cast.agir)
    client = login(client, cast.amina)
    first = client.post(reverse("persons:create"), _form())
    checked = first.context["duplicates_checked"]
    response = client.post(reverse("persons:create"), _form(duplicates_checked=checked))
    assert response.status_code == 302
    created = Person.objects.latest("pk")
    assert created.display_name == "HAIDARI Farid"
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {existing.pk, created.pk}
    assert pair.source == CandidateSource.CREATE and pair.status == "pending"
    queue = client.get(reverse("linkage:queue")).content.decode()
    assert reverse("linkage:candidate", args=[pair.pk]) in queue


def test_changing_the_data_after_the_warning_checks_again(client, cast):
    _existing(cast.agir)
    client = login(client, cast.amina)
    checked = client.post(reverse("persons:create"), _form()).context["duplicates_checked"]
    response = client.post(reverse("persons:create"), _form(first_names="Farid Ahmad", duplicates_checked=checked))
    assert response.status_code == 200 and "Cette personne a peut-être déjà un dossier" in response.content.decode()


def test_another_partners_record_is_never_mentioned(client, cast):
    """Hugo's association follows a Farid HAIDARI born the same day: Amina is not told."""
    theirs = _existing(cast.other_association, ("HAIDARI", "Farid"))
    response = login(client, cast.amina).post(reverse("persons:create"), _form())
    assert response.status_code == 302
    created = Person.objects.latest("pk")
    assert created.pk != theirs.pk
    assert not DuplicateCandidate.objects.exists()
    assert not AuditEvent.objects.filter(event="person.duplicate_warning").exists()


def test_the_warning_lists_only_visible_candidates(client, cast):
    mine = _existing(cast.agir)
    theirs = _existing(cast.other_association, ("HAIDARI", "Farid"))
    response = login(client, cast.amina).post(reverse("persons:create"), _form())
    page = response.content.decode()
    assert reverse("persons:detail", args=[mine.pk]) in page
    assert reverse("persons:detail", args=[theirs.pk]) not in page
    assert f"/personnes/{theirs.pk}/" not in page


def test_merged_records_are_not_proposed(client, cast):
    kept = _existing(cast.agir, ("NOURI", "Sara"))
    absorbed = _existing(cast.agir)
    person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    response = login(client, cast.amina).post(reverse("persons:create"), _form())
    assert reverse("persons:detail", args=[absorbed.pk]) not in response.content.decode()


def test_a_person_without_lookalike_is_created_at_once(client, cast):
    _existing(cast.agir, ("TESFAYE", "Abeba"))
    response = login(client, cast.amina).post(reverse("persons:create"), _form())
    assert response.status_code == 302
    assert not DuplicateCandidate.objects.exists()


def test_the_access_history_of_a_kept_record_lists_the_merged_records_events(client, cast):
    kept = _existing(cast.agir, ("NOURI", "Sara"))
    absorbed = _existing(cast.agir)
    login(client, cast.amina).get(reverse("persons:detail", args=[absorbed.pk]))
    before = AuditEvent.objects.filter(person_id=absorbed.pk, event="person.read").count()
    assert before == 1
    person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    client.logout()
    response = login(client, cast.olivier).get(reverse("persons:access_history", args=[kept.pk]))
    events = list(response.context["page"])
    assert any(e.person_id == absorbed.pk and e.event == "person.read" for e in events)
