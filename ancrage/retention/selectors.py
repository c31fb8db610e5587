"""Which records the retention job archives and anonymises (ADR 9), selected in SQL.

**Last contact** is the latest of the dated traces of an accompaniment: an appointment held or still
planned, a journal note, a situation recorded or changed, a referral's activity (sent, answered,
closed: its ``updated_at``), a pathway's activity (entry, transition, exit, any update), a placement
or its follow-up, and any update of the person's record. ``LAST_CONTACT_SOURCES`` lists them; a
record is *due* when none of them is on or after the cutoff (today minus ``ACCESS_AFTER_EXIT_DAYS``,
two years: CNIL référentiel 2023-095 on social support). The selection is one query of ``NOT EXISTS``
on indexed foreign keys, whatever the number of persons — no loop over persons in Python.

A record with an open pathway is never archived (an accompaniment nobody closed is not "without
contact" by decision of anybody): the run reports how many such dormant records it left.
A merged record (``merged_into``) follows the record it was merged into.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ancrage.employment.models import FollowUp, Placement
from ancrage.pathways.models import Appointment, AppointmentStatus, Note, Pathway, PathwayStatus, PathwayTransition
from ancrage.persons.models import Person, Situation
from ancrage.referrals.models import Referral


@dataclass(frozen=True)
class ContactSource:
    """Rows of ``model`` reached by ``via`` (a lookup to the person) dated by ``dated`` (a date or
    datetime field), optionally only those matching ``only``."""

    model: type[models.Model]
    via: str
    dated: str
    only: Q | None = None


LAST_CONTACT_SOURCES: tuple[ContactSource, ...] = (
    ContactSource(
        Appointment, "person", "starts_at", Q(status__in=[AppointmentStatus.HELD, AppointmentStatus.PLANNED])
    ),
    ContactSource(Note, "person", "created_at"),
    ContactSource(Situation, "person", "updated_at"),
    ContactSource(Situation, "person", "start_date"),
    ContactSource(Referral, "person", "updated_at"),
    ContactSource(Pathway, "person", "updated_at"),
    ContactSource(Pathway, "person", "entry_date"),
    ContactSource(Pathway, "person", "exit_date"),
    ContactSource(PathwayTransition, "pathway__person", "at"),
    ContactSource(Placement, "person", "updated_at"),
    ContactSource(FollowUp, "placement__person", "updated_at"),
)


def cutoff_for(today: dt.date) -> dt.date:
    """The last-contact date before which a record is due for archiving."""
    return today - dt.timedelta(days=settings.ACCESS_AFTER_EXIT_DAYS)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _recent(source: ContactSource, cutoff: dt.date) -> Exists:
    field = source.model._meta.get_field(source.dated)
    bound: dt.date | dt.datetime = _start_of(cutoff) if isinstance(field, models.DateTimeField) else cutoff
    rows = source.model._default_manager.filter(**{source.via: OuterRef("pk"), f"{source.dated}__gte": bound})
    if source.only is not None:
        rows = rows.filter(source.only)
    return Exists(rows)


def without_contact_since(cutoff: dt.date) -> QuerySet[Person]:
    """Every record (archived or not) with no trace of contact on or after ``cutoff``."""
    persons = Person.objects.filter(updated_at__lt=_start_of(cutoff))
    for source in LAST_CONTACT_SOURCES:
        persons = persons.filter(~_recent(source, cutoff))
    return persons


def _with_open_pathway() -> Exists:
    return Exists(Pathway.objects.filter(person=OuterRef("pk")).exclude(status=PathwayStatus.EXITED))


def due_for_archiving(today: dt.date) -> QuerySet[Person]:
    """Records to archive today: not archived yet, no contact for two years, no open pathway; a
    merged record only once the record it was merged into is archived or archived now."""
    due = without_contact_since(cutoff_for(today)).filter(archived_at__isnull=True).filter(~_with_open_pathway())
    return due.filter(
        Q(merged_into__isnull=True)
        | Q(merged_into__archived_at__isnull=False)
        | Q(merged_into__in=due.filter(merged_into__isnull=True).values("pk"))
    )


def dormant_open_pathways(today: dt.date) -> QuerySet[Person]:
    """Records without contact for two years that are kept only because a pathway was left open."""
    return (without_contact_since(cutoff_for(today)).filter(archived_at__isnull=True, merged_into__isnull=True)).filter(
        _with_open_pathway()
    )


def grace_days() -> int:
    return int(settings.RETENTION_GRACE_DAYS)


def due_for_anonymisation(now: dt.datetime) -> QuerySet[Person]:
    """Records archived for the whole grace period and not anonymised yet."""
    return Person.objects.filter(
        archived_at__isnull=False, archived_at__lte=now - dt.timedelta(days=grace_days()), anonymised_at__isnull=True
    )


def archived_persons() -> QuerySet[Person]:
    """The archive, for the retention job and platform staff only (never through an access grant)."""
    return Person.objects.filter(archived_at__isnull=False)
