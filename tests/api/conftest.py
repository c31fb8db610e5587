"""Fixtures shared by the API tests: a France Travail service and a referral Amina sent to it."""

import datetime as dt

import pytest

from ancrage.access.services import consent_record
from ancrage.directory.models import Service, Structure
from ancrage.referrals.services import referral_create, referral_transition


@pytest.fixture
def service(cast):
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    return Service.objects.create(structure=structure, name="Inscription", description="Inscription et suivi.")


@pytest.fixture
def sent(cast, followed, service):
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Orientation emploi",
        given_on=dt.date.today(),
    )
    referral = referral_create(
        actor=cast.amina.actor,
        person=followed,
        service=service,
        reason="Inscription",
        sections=["language"],
        consent=consent,
    )
    return referral_transition(actor=cast.amina.actor, referral=referral, name="send", expected_version=1)
