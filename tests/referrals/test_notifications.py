"""Each referral transition notifies the other side, in the app and by e-mail, as each user prefers."""

import pytest
from django.core import mail
from django.urls import reverse

from ancrage.notifications.models import Kind, Notification, Preference
from ancrage.referrals.services import referral_transition

pytestmark = pytest.mark.django_db


def _fire(referral, name, actor, capture):
    referral.refresh_from_db()
    with capture(execute=True):
        return referral_transition(actor=actor, referral=referral, name=name, expected_version=referral.version)


def test_sending_notifies_the_recipients_without_personal_data(cast, draft, django_capture_on_commit_callbacks):
    _fire(draft, "send", cast.amina.actor, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(user=cast.marc.user)
    assert notification.kind == Kind.REFERRAL_RECEIVED
    assert "HAIDARI" not in notification.title and "Inscription" in notification.title
    assert [m.to for m in mail.outbox] == [[cast.marc.user.email]]
    assert "HAIDARI" not in mail.outbox[0].body and f"/orientations/{draft.pk}/" in mail.outbox[0].body


def test_answers_notify_the_sender(cast, draft, django_capture_on_commit_callbacks):
    _fire(draft, "send", cast.amina.actor, django_capture_on_commit_callbacks)
    _fire(draft, "accept", cast.marc.actor, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=cast.amina.user, kind=Kind.REFERRAL_ANSWERED).exists()


def test_preferences_are_respected(cast, draft, django_capture_on_commit_callbacks):
    Preference.objects.create(user=cast.marc.user, kind=Kind.REFERRAL_RECEIVED, in_app=True, email=False)
    _fire(draft, "send", cast.amina.actor, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=cast.marc.user).exists()
    assert mail.outbox == []


def test_opening_a_notification_marks_it_read_and_only_the_owner_can(
    cast, draft, as_persona, django_capture_on_commit_callbacks
):
    _fire(draft, "send", cast.amina.actor, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(user=cast.marc.user)
    assert as_persona(cast.amina).get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    response = as_persona(cast.marc).get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("referrals:detail", args=[draft.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_preferences_page_saves_choices(cast, as_persona):
    client = as_persona(cast.marc)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    client.post(reverse("notifications:preferences"), {f"{Kind.REFERRAL_RECEIVED}-in_app": "on"})
    preference = Preference.objects.get(user=cast.marc.user, kind=Kind.REFERRAL_RECEIVED)
    assert preference.in_app and not preference.email
