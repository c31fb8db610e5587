import datetime as dt

import pytest

from ancrage.access.services import consent_record
from ancrage.deadlines.models import Deadline
from ancrage.persons.models import Protection, ResidenceDocument, Situation
from ancrage.tracks.models import HealthCoverage, SiaoRequest

TODAY = dt.date.today()


def add_deadline(person, code, due_on, opens_on=None):
    """The engine may have computed it already (signals): then only its dates are set."""
    deadline = Deadline.objects.filter(person=person, code=code).first() or Deadline(
        person=person, code=code, source_key=f"test:{code}", rule_label=f"{code}@test", anchor_on=TODAY
    )
    deadline.due_on, deadline.opens_on, deadline.status = due_on, opens_on, "open"
    deadline.save()
    return deadline


@pytest.fixture
def person(cast, followed):
    """Followed by Amina (health permission on), with something in each track."""
    cast.amina.membership.can_access_health = True
    cast.amina.membership.save()
    Situation.objects.create(
        person=followed, domain="housing", status="cada", start_date=dt.date(2024, 1, 10), end_date=dt.date(2025, 6, 30)
    )
    Situation.objects.create(person=followed, domain="housing", status="third_party", start_date=dt.date(2025, 6, 30))
    SiaoRequest.objects.create(person=followed, kind="insertion", requested_on=dt.date(2025, 7, 1))
    HealthCoverage.objects.create(
        person=followed,
        puma_status="open",
        puma_requested_on=dt.date(2025, 1, 5),
        puma_opened_on=dt.date(2025, 2, 1),
        css_status="open",
        css_requested_on=dt.date(2025, 1, 5),
        css_opened_on=dt.date(2025, 2, 1),
        css_expires_on=TODAY + dt.timedelta(days=40),
        gp_declared_on=dt.date(2025, 3, 3),
    )
    Protection.objects.create(
        person=followed, type="subsidiary", deciding_body="ofpra", decision_date=dt.date(2025, 1, 2)
    )
    ResidenceDocument.objects.create(
        person=followed, kind="carte_temporaire", issue_date=dt.date(2025, 2, 1), expiry_date=dt.date(2026, 1, 31)
    )
    add_deadline(followed, "css_renewal", TODAY + dt.timedelta(days=40), TODAY - dt.timedelta(days=20))
    add_deadline(followed, "sne_renewal", TODAY - dt.timedelta(days=3))
    add_deadline(followed, "residence_renewal", TODAY + dt.timedelta(days=200), TODAY + dt.timedelta(days=80))
    return followed


@pytest.fixture
def marc_sees_all_but_health(cast, person):
    """A consent on every track's section, health included; Marc has no health permission."""
    cast.marc.membership.can_access_health = False
    cast.marc.membership.save()
    consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["housing", "employment_history", "health", "language", "protection", "rights"],
        recipients=[cast.france_travail],
        purpose="Accompagnement global",
        given_on=TODAY,
    )
    return person
