"""Daily tasks run by the worker; each wraps an idempotent housekeeping function and reports counts."""

from django.conf import settings
from django_tasks import task

from ancrage.directory.housekeeping import directory_stale_reminders
from ancrage.referrals.attachments import sweep_orphan_files
from ancrage.referrals.housekeeping import referrals_housekeeping


@task()
def referrals_daily() -> dict[str, int]:
    report = referrals_housekeeping(base_url=settings.SITE_URL)
    return {"reminded": report.reminded, "expired": report.expired, "orphan_files": sweep_orphan_files()}


@task()
def directory_daily() -> dict[str, int]:
    return {"organisations_reminded": directory_stale_reminders()}


@task()
def employment_daily() -> dict[str, int]:
    from ancrage.employment.housekeeping import followup_reminders

    return {"follow_ups_reminded": followup_reminders()}


@task()
def deadlines_daily() -> dict[str, int]:
    """Recompute every deadline (rules in force, record changes missed), then send the day's reminders."""
    from ancrage.deadlines.engine import recompute_all
    from ancrage.deadlines.notify import deadline_reminders

    recomputed = recompute_all()
    report = deadline_reminders(base_url=settings.SITE_URL)
    return {"recomputed": recomputed, "soon": report.soon, "overdue": report.overdue, "users": report.users}


@task()
def steering_daily() -> dict[str, int]:
    """Derived participations (CTAIR actions) in step with every pathway and referral, and with the date."""
    from ancrage.steering.participation import sync_participations

    report = sync_participations()
    return {"created": report.created, "updated": report.updated, "deleted": report.deleted}
