import datetime as dt

import pytest
from django.utils import timezone

from ancrage.deadlines.models import Deadline

from ..factories import PathwayFactory, PersonFactory

D = dt.date


def make_deadline(person, code: str, due: dt.date, *, opens: dt.date | None = None, notice: int = 14, **extra):
    return Deadline.objects.create(
        person=person,
        code=code,
        source_key=f"test:{code}:{due.isoformat()}:{Deadline.objects.count()}",
        rule_label=f"{code}@2025-01-01",
        params={"months": 2, "notify_days_before": notice},
        anchor_on=due - dt.timedelta(days=365),
        opens_on=opens,
        due_on=due,
        **extra,
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def clean(followed):
    """The followed person (HAIDARI Farid, Amina référente) without the deadlines computed from the pathway."""
    Deadline.objects.all().delete()
    return followed


@pytest.fixture
def colleague_person(cast):
    """A person Amina's organisation accompanies, another référent (Olivier) in charge."""
    pathway = PathwayFactory(
        operator=cast.agir, referent=cast.olivier.user, person=PersonFactory(name=("NOORI", "Sima"))
    )
    Deadline.objects.filter(person=pathway.person).delete()
    return pathway.person
