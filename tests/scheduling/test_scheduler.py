"""The daily jobs reach the worker once a day, from their hour, and do their work when run."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from ancrage.referrals.models import Referral, ReferralStatus
from ancrage.referrals.services import referral_transition
from ancrage.scheduling.jobs import DAILY_JOBS, tick
from ancrage.scheduling.models import ScheduledRun
from tests.referrals.conftest import consent, draft, service  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_nothing_is_enqueued_before_the_jobs_hour(immediate_tasks):
    assert tick(now=dt.datetime(2026, 11, 26, 5, 59, tzinfo=PARIS)) == []
    assert not ScheduledRun.objects.exists()


def test_each_job_is_enqueued_once_a_day(immediate_tasks):
    morning = dt.datetime(2026, 11, 26, 6, 0, tzinfo=PARIS)
    assert tick(now=morning) == [job.name for job in DAILY_JOBS]
    assert tick(now=morning + dt.timedelta(hours=5)) == []
    assert tick(now=morning + dt.timedelta(days=1)) == [job.name for job in DAILY_JOBS]
    assert ScheduledRun.objects.count() == 2 * len(DAILY_JOBS)


def test_the_daily_run_expires_unanswered_referrals(
    immediate_tasks,
    cast,
    draft,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    sent = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    past = timezone.now() - dt.timedelta(days=31)
    Referral.objects.filter(pk=sent.pk).update(sent_at=past, expires_at=past + dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        tick(now=dt.datetime(2026, 11, 26, 7, 0, tzinfo=PARIS))
    assert Referral.objects.get(pk=sent.pk).status == ReferralStatus.EXPIRED


def test_the_database_backend_keeps_the_tasks_for_the_worker(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        tick(now=dt.datetime(2026, 11, 26, 6, 30, tzinfo=PARIS))
    queued = DBTaskResult.objects.all()
    assert sorted(r.task_path for r in queued) == sorted(job.task for job in DAILY_JOBS)
    assert set(ScheduledRun.objects.values_list("task_id", flat=True)) == {str(r.id) for r in queued}


def test_the_command_ticks_once(capsys):
    call_command("scheduler", "--once")
    assert "referrals_housekeeping" in capsys.readouterr().out
