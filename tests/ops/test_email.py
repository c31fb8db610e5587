"""E-mails leave through a real SMTP server: the production default, configured from the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ancrage.referrals.models import ReferralStatus
from ancrage.referrals.services import referral_transition

from .smtp_sink import start_sink


@pytest.fixture
def sink():
    sink, server = start_sink()
    yield sink
    server.shutdown()
    server.server_close()


def test_production_sends_through_the_configured_smtp_server_with_authentication(sink, tmp_path):
    env = {
        **os.environ,
        "ANCRAGE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ANCRAGE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_HOST": sink.host,
        "EMAIL_PORT": str(sink.port),
        "EMAIL_HOST_USER": "ancrage-relay",
        "EMAIL_HOST_PASSWORD": "relay-secret",
        "DEFAULT_FROM_EMAIL": "Ancrage <ne-pas-repondre@ancrage.example.fr>",
    }
    env.pop("EMAIL_BACKEND", None)
    subprocess.run(
        [sys.executable, "manage.py", "sendtestemail", "amina.referente@demo.ancrage.fr"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    (received,) = sink.messages
    assert received.auth == "ancrage-relay"
    assert received.recipients == ["amina.referente@demo.ancrage.fr"]
    assert received.sender == "ne-pas-repondre@ancrage.example.fr"


def test_a_referral_notification_reaches_the_partner_by_smtp(
    sink, settings, cast, draft, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with django_capture_on_commit_callbacks(execute=True):
        referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    assert sink.messages, "no e-mail reached the SMTP server"
    received = sink.messages[0]
    assert received.auth is None
    assert cast.marc.user.email in received.recipients
    message = received.message
    assert message["Subject"].strip().startswith("Ancrage — ")
    assert f"/orientations/{draft.pk}/" in message.get_content()


def test_an_unreachable_smtp_server_does_not_break_the_referral(
    settings, cast, draft, django_capture_on_commit_callbacks
):
    sink, server = start_sink()
    port = sink.port
    server.shutdown()
    server.server_close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        sent = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT
