"""Organisations hear when their services have not been updated for six months (at most monthly)."""

import datetime as dt

import pytest
from django.utils import timezone

from ancrage.directory.housekeeping import directory_stale_reminders
from ancrage.directory.models import Service, Structure
from ancrage.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_stale_services_remind_the_organisation_once_a_month(cast, django_capture_on_commit_callbacks):
    structure = Structure.objects.create(name="Coallia Rennes", organisation=cast.agir)
    service = Service.objects.create(
        structure=structure, name="Permanence d'accès aux droits", description="Accueil sans rendez-vous le mardi."
    )
    now = timezone.now()
    assert directory_stale_reminders(now=now) == 0
    Service.objects.filter(pk=service.pk).update(updated_at=now - dt.timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        assert directory_stale_reminders(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert directory_stale_reminders(now=now + dt.timedelta(days=3)) == 0  # not again within a month
    with django_capture_on_commit_callbacks(execute=True):
        assert directory_stale_reminders(now=now + dt.timedelta(days=31)) == 1
    reminded = set(Notification.objects.filter(kind=Kind.SERVICE_STALE).values_list("user", flat=True))
    assert reminded == {cast.amina.user.pk, cast.olivier.user.pk}
    assert "1 service de votre organisation" in Notification.objects.first().title
    assert cast.hugo.user.pk not in reminded and cast.marc.user.pk not in reminded
