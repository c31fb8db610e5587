"""Reminders before expiry and expiry of unanswered referrals."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.referrals.housekeeping import referrals_housekeeping
from ancrage.referrals.models import Referral
from ancrage.referrals.services import referral_transition

pytestmark = pytest.mark.django_db


def _send(cast, referral):
    return referral_transition(
        actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version
    )


def test_the_recipient_is_reminded_once_before_expiry(cast, draft, settings, django_capture_on_commit_callbacks):
    referral = _send(cast, draft)
    too_early = referral.expires_at - dt.timedelta(days=settings.REFERRAL_REMINDER_DAYS + 1)
    assert referrals_housekeeping(now=too_early).reminded == 0
    due = referral.expires_at - dt.timedelta(days=settings.REFERRAL_REMINDER_DAYS - 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert referrals_housekeeping(now=due).reminded == 1
        assert referrals_housekeeping(now=due).reminded == 0  # idempotent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert cast.marc.user.email in message.to
    assert "HAIDARI" not in message.body  # no personal data in e-mails
    assert f"/orientations/{referral.pk}/" in message.body


def test_unanswered_referrals_expire_and_access_ends(cast, draft, settings):
    referral = _send(cast, draft)
    assert referrals_housekeeping(now=referral.expires_at - dt.timedelta(minutes=1)).expired == 0
    report = referrals_housekeeping(now=referral.expires_at + dt.timedelta(minutes=1))
    assert report.expired == 1
    referral = Referral.objects.get()
    assert referral.status == "expired" and referral.closed_at is not None
    grant = AccessGrant.objects.get(referral_id=referral.pk)
    assert grant.expires_at <= timezone.now() + dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)


def test_answered_referrals_do_not_expire(cast, draft):
    referral = _send(cast, draft)
    referral_transition(actor=cast.marc.actor, referral=referral, name="accept", expected_version=referral.version)
    assert referrals_housekeeping(now=referral.expires_at + dt.timedelta(days=1)).expired == 0
    assert Referral.objects.get().status == "accepted"
