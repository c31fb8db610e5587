"""The personal calendar feed: a secret address shown once, revocable, access recomputed at each fetch."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.deadlines.feeds import feed_create
from ancrage.deadlines.models import CalendarFeed

from ..conftest import login
from ..factories import AppointmentFactory
from .conftest import make_deadline

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def feed_url(token: str) -> str:
    return reverse("agenda:feed_ics", args=[token])


@pytest.fixture
def token(cast, clean, today):
    make_deadline(clean, "sne_renewal", today + 10 * DAY)
    make_deadline(clean, "css_renewal", today + 12 * DAY)
    AppointmentFactory(person=clean, organisation=cast.agir, with_user=cast.amina.user, subject="Bilan santé CMP")
    _feed, value = feed_create(user=cast.amina.user, membership=cast.amina.membership)
    return value


def test_valid_token_serves_the_calendar_with_minimal_data(client, cast, clean, token, today):
    cast.amina.membership.can_access_health = True
    cast.amina.membership.save()
    response = client.get(feed_url(token))  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "Renouvellement SNE — HAIDARI F." in body
    assert "Renouvellement C2S — HAIDARI F." in body
    assert f"DTSTART;VALUE=DATE:{(today + 10 * DAY):%Y%m%d}" in body
    assert "Rendez-vous — HAIDARI F." in body
    assert "Farid" not in body and "CMP" not in body  # initials only; no appointment subject
    event = AuditEvent.objects.filter(event="agenda.feed.read").latest("id")
    assert event.user == cast.amina.user and event.details["ids"] == [clean.pk]
    assert CalendarFeed.objects.get().last_used_at is not None


def test_no_health_items_without_the_permission(client, cast, token):
    cast.amina.membership.can_access_health = False
    cast.amina.membership.save()
    body = client.get(feed_url(token)).content.decode()
    assert "Renouvellement SNE" in body
    assert "C2S" not in body


def test_wrong_token_is_404(client, token):
    assert client.get(feed_url("nimportequoi")).status_code == 404
    assert client.get(feed_url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert not AuditEvent.objects.filter(event="agenda.feed.read").exists()


def test_revoked_token_is_gone(client, cast, token):
    login(client, cast.amina)
    client.post(reverse("agenda:feed"), {"action": "revoke"})
    client.logout()
    response = client.get(feed_url(token))
    assert response.status_code == 410
    assert b"HAIDARI" not in response.content


def test_a_new_address_revokes_the_old_one_and_is_shown_once(client, cast, token):
    login(client, cast.amina)
    response = client.post(reverse("agenda:feed"), {"action": "create"})
    assert response.status_code == 200
    new = re.search(r"/a-faire/calendrier/([^\"/]+)\.ics", response.content.decode()).group(1)
    assert new != token
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1
    assert client.get(feed_url(token)).status_code == 410
    assert client.get(feed_url(new)).status_code == 200
    # Only the hash is stored; the address is not shown again.
    page = client.get(reverse("agenda:feed")).content.decode()
    assert new not in page and "Une adresse est active" in page
    assert not CalendarFeed.objects.filter(token_hash=new).exists()


def test_ended_membership_gets_nothing(client, cast, token):
    cast.amina.membership.is_active = False
    cast.amina.membership.save()
    response = client.get(feed_url(token))
    assert response.status_code == 404
    assert b"HAIDARI" not in response.content


def test_lost_access_to_the_person_removes_them(client, cast, clean, token):
    from ancrage.access.models import AccessGrant

    AccessGrant.objects.filter(person=clean).delete()
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert b"HAIDARI" not in response.content


@pytest.mark.parametrize("persona", ["claire", "yves", "sofia"])
def test_feed_page_denied_without_case_work(client, cast, persona):
    login(client, getattr(cast, persona))
    assert client.get(reverse("agenda:feed")).status_code == 404
    assert client.post(reverse("agenda:feed"), {"action": "create"}).status_code == 404
    assert not CalendarFeed.objects.exists()
