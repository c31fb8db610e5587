"""Daily deadline reminders: once when the notice window opens, once when overdue, one message per user."""

import datetime as dt

import pytest

from ancrage.deadlines.models import Deadline
from ancrage.deadlines.notify import deadline_reminders
from ancrage.notifications.models import Kind, Notification
from ancrage.organisations.models import Role
from ancrage.scheduling.jobs import DAILY_JOBS

from ..factories import MembershipFactory, PathwayFactory, PersonFactory, UserFactory
from .conftest import make_deadline

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return deadline_reminders(today)

    return _run


def test_reminded_once_when_the_window_opens_then_once_overdue(cast, clean, today, run, mailoutbox):
    item = make_deadline(clean, "sne_renewal", today + 20 * DAY)
    assert run(today).soon == 0  # 20 days ahead, window of 14
    report = run(today + 6 * DAY)  # 14 days ahead: the window opens
    assert report.soon == 1
    note = Notification.objects.get(user=cast.amina.user, kind=Kind.DEADLINE_DUE)
    assert (note.title, note.url) == ("1 échéance arrive", "/a-faire/")
    notes = Notification.objects.filter(user=cast.amina.user, kind=Kind.DEADLINE_DUE)
    assert len(mailoutbox) == 1
    run(today + 7 * DAY)
    run(today + 20 * DAY)  # due today: still "soon", already told
    assert notes.count() == 1
    run(today + 21 * DAY)  # overdue
    assert notes.count() == 2 and notes.first().title == "1 échéance dépassée"
    run(today + 22 * DAY)
    assert notes.count() == 2
    item.refresh_from_db()
    assert item.notified_soon_at and item.notified_overdue_at


def test_rule_notice_days_are_used(cast, clean, today, run):
    make_deadline(clean, "sne_renewal", today + 40 * DAY, notice=45)
    assert run(today).soon == 1


def test_grouped_into_one_notification_per_user(cast, clean, today, run):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    make_deadline(clean, "cph_end", today + 3 * DAY)
    make_deadline(clean, "residence_renewal", today + 4 * DAY)
    make_deadline(clean, "licence_exchange", today - 4 * DAY)
    run(today)
    notes = Notification.objects.filter(user=cast.amina.user)
    assert [n.title for n in notes] == ["3 échéances arrivent, 1 échéance dépassée"]


def test_health_items_only_to_users_with_the_health_permission(cast, clean, today, run):
    cast.amina.membership.can_access_health = False
    cast.amina.membership.save()
    item = make_deadline(clean, "css_renewal", today + 2 * DAY)
    report = run(today)
    assert report.soon == 0
    assert not Notification.objects.exists()
    item.refresh_from_db()
    assert item.notified_soon_at is None  # not delivered: kept for someone allowed
    cast.amina.membership.can_access_health = True
    cast.amina.membership.save()
    run(today)
    assert Notification.objects.filter(user=cast.amina.user).count() == 1


def test_without_a_referent_the_organisation_referents_are_told(cast, today, run):
    pathway = PathwayFactory(operator=cast.agir, referent=None, person=PersonFactory(name=("SAIDI", "Omar")))
    Deadline.objects.all().delete()
    colleague = MembershipFactory(user=UserFactory(), organisation=cast.agir, role=Role.REFERENT)
    make_deadline(pathway.person, "sne_renewal", today + 2 * DAY)
    run(today)
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {cast.amina.user.pk, colleague.user_id}  # référents only, not the admin
    assert cast.hugo.user.pk not in told


def test_other_organisations_are_never_told(cast, clean, today, run):
    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    run(today)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {cast.amina.user.pk}


def test_daily_job_is_registered():
    assert any(job.task == "ancrage.scheduling.tasks.deadlines_daily" for job in DAILY_JOBS)


def test_daily_task_recomputes_then_reminds(cast, clean, today, django_capture_on_commit_callbacks):
    from ancrage.scheduling.tasks import deadlines_daily

    make_deadline(clean, "sne_renewal", today + 2 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        result = deadlines_daily.call()
    assert "recomputed" in result and result["users"] >= 0
