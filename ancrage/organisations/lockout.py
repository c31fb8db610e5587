"""Sign-in throttling with django-axes: per account and per address, with their own limits.

Two criteria, either of which locks (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``):

- **the account**: ``AXES_FAILURE_LIMIT`` (5) wrong passwords for one e-mail address, from anywhere,
  lock that account for ``AXES_COOLOFF_TIME`` (15 minutes) — a targeted guess from many addresses
  gets nowhere;
- **the address**: ``ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT`` (30) wrong passwords from one IP address, on any
  accounts, lock that address — password spraying gets nowhere either, while a France Travail agency
  or a town hall behind one NAT address is not locked out by a few colleagues' typos.

The account name is compared lowercased and stripped, as the login form does, so ``AMINA@…`` and
``amina@…`` count as the same account. An organisation admin or a platform administrator unlocks a
member from the members page (``user_lockout_clear``); the Django admin lists and deletes attempts too.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The account name axes counts failures for (``AXES_USERNAME_CALLABLE``): the e-mail, lowercased."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None:
        username = request.POST.get(field)
    if username is None:
        return None
    return str(username).strip().lower()


def _ip_failure_limit() -> int:
    return int(getattr(settings, "ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT", 30))


class AncrageAxesHandler(AxesDatabaseHandler):
    """The database handler, with a separate (higher) limit for the address criterion.

    axes compares one number, ``get_failures``, with ``AXES_FAILURE_LIMIT``. Here each criterion's count
    is scaled to that limit: the account's failures as they are, the address's failures multiplied by
    ``AXES_FAILURE_LIMIT / ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT`` (rounded down), so the result reaches the
    limit exactly when the account has 5 failures or the address has 30.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        ip_limit = max(_ip_failure_limit(), 1)
        parameters = get_lockout_parameters(request, credentials)
        scores = [0]
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                scores.append(failures * limit // ip_limit)
            else:
                scores.append(failures)
        return max(scores)


def _recent_attempts() -> Any:
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_usernames(emails: list[str]) -> set[str]:
    """Which of these accounts are locked now (one query, for the members page)."""
    if not emails:
        return set()
    rows = (
        _recent_attempts()
        .filter(username__in=[e.lower() for e in emails])
        .values("username")
        .annotate(total=Sum("failures_since_start"))
    )
    return {row["username"] for row in rows if row["total"] >= settings.AXES_FAILURE_LIMIT}


def clear_account_attempts(email: str) -> int:
    """Forget every failed attempt on this account (the address criterion is left alone)."""
    count, _deleted = AccessAttempt.objects.filter(username=email.lower()).delete()
    return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The French lockout page (``AXES_LOCKOUT_CALLABLE``), answered 429 ``Too Many Requests``."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    return render(
        request,
        "accounts/lockout.html",
        {"cooloff_minutes": minutes, "title": _("Trop de tentatives de connexion")},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
