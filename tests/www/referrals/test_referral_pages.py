"""Amina refers a person to France Travail; Marc answers from his inbox; Amina sees the outcome."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.access.services import consent_record
from ancrage.directory.models import Service, Structure
from ancrage.referrals.models import Referral, RefusalReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(cast):
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    return Service.objects.create(
        structure=structure,
        name="Inscription et accompagnement",
        description="Inscription comme demandeur d'emploi et suivi.",
    )


def test_without_consent_the_form_explains_and_creates_nothing(cast, as_persona, followed, service):
    client = as_persona(cast.amina)
    page = client.get(reverse("referrals:create", args=[followed.pk])).content.decode()
    assert "Aucun consentement en vigueur" in page
    response = client.post(
        reverse("referrals:create", args=[followed.pk]), {"service": service.pk, "reason": "Inscription", "send": "1"}
    )
    assert response.status_code == 200
    assert "Pas d&#x27;orientation sans consentement" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_referral_journey(cast, as_persona, followed, service):
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=dt.date.today(),
    )
    amina = as_persona(cast.amina)
    response = amina.post(
        reverse("referrals:create", args=[followed.pk]),
        {
            "service": service.pk,
            "reason": "Inscription comme demandeur d'emploi",
            "sections": ["language"],
            "consent": consent.pk,
            "send": "1",
        },
    )
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == "sent" and referral.sections == ["identity", "language"]

    marc = as_persona(cast.marc)
    inbox = marc.get(reverse("referrals:inbox")).content.decode()
    assert "HAIDARI" in inbox and "Inscription et accompagnement" in inbox
    detail = marc.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Accepter" in detail and "Refuser" in detail and "Annuler l&#x27;orientation" not in detail
    marc.post(
        reverse("referrals:transition", args=[referral.pk, "accept"]),
        {"version": referral.version, "accept-reason": "Rendez-vous fixé"},
    )
    referral.refresh_from_db()
    marc.post(
        reverse("referrals:transition", args=[referral.pk, "complete"]),
        {"version": referral.version, "complete-reason": "Inscrit le 12 novembre."},
    )
    referral.refresh_from_db()
    assert referral.status == "done" and referral.outcome == "Inscrit le 12 novembre."

    outbox = as_persona(cast.amina).get(reverse("referrals:outbox")).content.decode()
    assert "Réalisée" in outbox
    detail = as_persona(cast.amina).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Inscrit le 12 novembre." in detail and "Marc" in detail


def test_a_stale_answer_is_refused_with_a_clear_message(cast, as_persona, followed, service):
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=dt.date.today(),
    )
    as_persona(cast.amina).post(
        reverse("referrals:create", args=[followed.pk]),
        {"service": service.pk, "reason": "Emploi", "consent": consent.pk, "send": "1"},
    )
    referral = Referral.objects.get()
    marc = as_persona(cast.marc)
    version = referral.version
    marc.post(reverse("referrals:transition", args=[referral.pk, "accept"]), {"version": version})
    response = marc.post(
        reverse("referrals:transition", args=[referral.pk, "refuse"]),
        {"version": version, "refuse-refusal_reason": RefusalReason.objects.first().pk},
        follow=True,
    )
    assert "Impossible : l&#x27;orientation est « Acceptée »" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_malformed_version_gets_a_message_not_an_error(cast, as_persona, followed, service):
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=dt.date.today(),
    )
    as_persona(cast.amina).post(
        reverse("referrals:create", args=[followed.pk]),
        {"service": service.pk, "reason": "Emploi", "consent": consent.pk, "send": "1"},
    )
    referral = Referral.objects.get()
    response = as_persona(cast.marc).post(
        reverse("referrals:transition", args=[referral.pk, "accept"]), {"version": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "rechargez-la" in response.content.decode()
    assert Referral.objects.get().status == "sent"
