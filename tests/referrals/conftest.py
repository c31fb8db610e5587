"""A France Travail service, Amina's consent to share the language section with it, and a draft referral."""

import datetime as dt

import pytest

from ancrage.access.services import consent_record
from ancrage.directory.models import Service, Structure
from ancrage.referrals.services import referral_create


@pytest.fixture
def service(cast):
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    return Service.objects.create(
        structure=structure,
        name="Inscription et accompagnement",
        description="Inscription comme demandeur d'emploi et suivi.",
    )


@pytest.fixture
def consent(cast, followed):
    return consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Orientation emploi",
        given_on=dt.date.today(),
    )


@pytest.fixture
def draft(cast, followed, service, consent):
    return referral_create(
        actor=cast.amina.actor,
        person=followed,
        service=service,
        reason="Inscription",
        sections=["language"],
        consent=consent,
    )
