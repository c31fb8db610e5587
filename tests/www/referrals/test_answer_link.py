"""A structure without an account answers a referral once, through a signed, expiring link."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.directory.models import Service, Structure
from ancrage.referrals.models import Referral, ReferralLink, RefusalReason
from ancrage.referrals.services import referral_create, referral_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_url(cast, followed, django_capture_on_commit_callbacks):
    structure = Structure.objects.create(name="Atelier couture solidaire")  # no Ancrage account
    service = Service.objects.create(
        structure=structure,
        name="Atelier d'insertion couture",
        description="Atelier de couture avec français à visée professionnelle.",
        contact_email="accueil@atelier.example.org",
    )
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Atelier",
        given_on=dt.date.today(),
    )
    referral = referral_create(
        actor=cast.amina.actor,
        person=followed,
        service=service,
        reason="Atelier",
        sections=["language"],
        consent=consent,
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral_transition(actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version)
    message = next(m for m in mail.outbox if m.to == ["accueil@atelier.example.org"])
    assert "HAIDARI" not in message.body
    return re.search(r"(/orientations/lien/[^/\s]+/)", message.body).group(1)


def test_the_link_shows_only_the_shared_sections_and_is_audited(client, link_url):
    page = client.get(link_url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "HAIDARI Farid" in content and "Motif" in content
    assert "Protection" not in content and "Journal" not in content
    assert AuditEvent.objects.filter(event="referral.link.read", user__isnull=True).exists()


def test_answering_accepts_once_and_the_link_then_grants_nothing(client, link_url):
    response = client.post(link_url, {"answer": "accept", "comment": "Entrée lundi."})
    assert "votre réponse est enregistrée" in response.content.decode()
    referral = Referral.objects.get()
    assert referral.status == "accepted" and referral.answered_by is None
    assert "Réponse par lien (accueil@atelier.example.org) : Entrée lundi." in referral.transitions.last().reason
    again = client.get(link_url)
    assert again.status_code == 410 and "déjà servi" in again.content.decode()
    assert "HAIDARI" not in again.content.decode()
    assert client.post(link_url, {"answer": "refuse"}).status_code == 410
    assert Referral.objects.get().status == "accepted"


def test_refusing_needs_a_reason(client, link_url):
    response = client.post(link_url, {"answer": "refuse"})
    assert response.status_code == 200 and "Choisissez le motif du refus." in response.content.decode()
    client.post(link_url, {"answer": "refuse", "refusal_reason": RefusalReason.objects.get(code="no_capacity").pk})
    assert Referral.objects.get().status == "refused"


def test_forged_and_expired_links_grant_nothing(client, link_url):
    forged = client.get(reverse("referrals:link", args=["abc.def.ghi"]))
    assert forged.status_code == 410 and "HAIDARI" not in forged.content.decode()
    ReferralLink.objects.update(
        expires_at=timezone.now() - dt.timedelta(minutes=1), created_at=timezone.now() - dt.timedelta(days=40)
    )
    expired = client.get(link_url)
    assert expired.status_code == 410 and "a expiré" in expired.content.decode()
