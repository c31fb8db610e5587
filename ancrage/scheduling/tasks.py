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
