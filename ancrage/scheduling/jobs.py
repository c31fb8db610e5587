"""The daily jobs and the scheduler that hands them to the task worker (django-tasks database backend).

The worker (`manage.py db_worker`) runs tasks; nothing in it repeats them. `scheduler` ticks every
minute and enqueues each daily job once its hour has come, once per day (``ScheduledRun``). Jobs are
idempotent, so a job that runs late, or twice by hand, does no harm.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun


@dataclass(frozen=True)
class DailyJob:
    name: str
    task: str  # dotted path of a django-tasks Task
    hour: int  # local time (Europe/Paris) from which the job is due


DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob("referrals_housekeeping", "ancrage.scheduling.tasks.referrals_daily", 6),
    DailyJob("directory_housekeeping", "ancrage.scheduling.tasks.directory_daily", 6),
    DailyJob("employment_followups", "ancrage.scheduling.tasks.employment_daily", 6),
    DailyJob("deadline_reminders", "ancrage.scheduling.tasks.deadlines_daily", 6),
    DailyJob("steering_participations", "ancrage.scheduling.tasks.steering_daily", 6),
    DailyJob("linkage_refresh", "ancrage.linkage.tasks.linkage_daily", 6),
    DailyJob("retention", "ancrage.retention.tasks.retention_daily", 6),
)


def tick(*, now: dt.datetime | None = None, jobs: tuple[DailyJob, ...] = DAILY_JOBS) -> list[str]:
    """Enqueue every job due today and not yet enqueued; returns their names."""
    local = timezone.localtime(now or timezone.now())
    enqueued = []
    for job in jobs:
        if local.hour < job.hour:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, day=local.date())
                result = import_string(job.task).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # already enqueued today, by us or another scheduler
        enqueued.append(job.name)
    return enqueued
