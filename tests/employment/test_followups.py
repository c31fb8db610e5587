"""Follow-ups in post: recording them, and the reminders before they are due."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.employment.housekeeping import followup_reminders
from ancrage.employment.models import FollowUp
from ancrage.employment.services import followup_record, placement_propose, placement_transition
from ancrage.notifications.models import Notification
from ancrage.persons.models import Situation

from ..factories import OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def hired(cast, followed, rome):
    placement = placement_propose(
        actor=cast.amina.actor, person=followed, opportunity=OpportunityFactory(organisation=cast.agir)
    )
    return placement_transition(
        actor=cast.amina.actor,
        placement=placement,
        name="hire",
        expected_version=1,
        contract_type="cdi",
        contract_start=TODAY,
    )


def _first(hired) -> FollowUp:
    return hired.follow_ups.get(month=1)


def test_record_a_follow_up(cast, hired):
    follow_up = followup_record(
        actor=cast.amina.actor, follow_up=_first(hired), done_on=TODAY, still_in_post=True, note="Tout va bien"
    )
    follow_up.refresh_from_db()
    assert follow_up.done_on == TODAY and follow_up.still_in_post is True
    assert Situation.objects.get(person=hired.person, end_date__isnull=True).status == "cdi"


def test_no_longer_in_post_ends_the_situation(cast, hired):
    followup_record(actor=cast.amina.actor, follow_up=_first(hired), done_on=TODAY, still_in_post=False)
    situation = Situation.objects.get(person=hired.person, domain="employment", status="cdi")
    assert situation.end_date == TODAY


@pytest.mark.parametrize(
    ("done_on", "still", "field"),
    [
        (None, True, "done_on"),
        (TODAY - dt.timedelta(days=1), True, "done_on"),  # before the contract
        (TODAY + dt.timedelta(days=1), True, "done_on"),  # in the future
        (TODAY, None, "still_in_post"),
    ],
)
def test_follow_up_validation(cast, hired, done_on, still, field):
    with pytest.raises(ValidationError) as error:
        followup_record(actor=cast.amina.actor, follow_up=_first(hired), done_on=done_on, still_in_post=still)
    assert field in error.value.message_dict
    assert _first(hired).done_on is None


def test_reminders_are_sent_once(cast, hired, django_capture_on_commit_callbacks):
    hired.pathway.referent = cast.olivier.user
    hired.pathway.save()
    now = timezone.now() + dt.timedelta(days=30)  # M+1 is due within a week
    with django_capture_on_commit_callbacks(execute=True):
        assert followup_reminders(now) == 1
    assert set(Notification.objects.filter(kind="follow_up_due").values_list("user_id", flat=True)) == {
        cast.amina.user.pk,
        cast.olivier.user.pk,
    }
    assert "M+1" in Notification.objects.first().title
    assert "HAIDARI" not in Notification.objects.first().title
    with django_capture_on_commit_callbacks(execute=True):
        assert followup_reminders(now) == 0
    assert Notification.objects.count() == 2


def test_no_reminder_far_ahead_nor_when_done(cast, hired):
    assert followup_reminders(timezone.now()) == 0  # M+1 is a month away
    followup_record(actor=cast.amina.actor, follow_up=_first(hired), done_on=TODAY, still_in_post=True)
    assert followup_reminders(timezone.now() + dt.timedelta(days=30)) == 0


def test_the_daily_job_is_registered():
    from ancrage.scheduling.jobs import DAILY_JOBS

    assert any(job.task == "ancrage.scheduling.tasks.employment_daily" for job in DAILY_JOBS)
