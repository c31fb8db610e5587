"""Session expiry on inactivity: ``SESSION_IDLE_TIMEOUT`` seconds without a request end the session.

The absolute cap stays ``SESSION_COOKIE_AGE`` (10 hours from sign-in). The time of the last request is
kept in the session, rewritten at most once a minute (not a database write on every request). Background
polling (``SESSION_IDLE_IGNORED_URL_NAMES``: the progress of an import or of a report, refreshed by HTMX
every few seconds) does not count as activity, so a tab left open does not keep a session alive.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

LAST_ACTIVITY_SESSION_KEY = "ancrage_last_activity"
# The stored time is rewritten only when it is older than this (seconds).
WRITE_RESOLUTION = 60


def _timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60))


class SessionIdleTimeoutMiddleware:
    """Signs out a user whose last request is older than ``SESSION_IDLE_TIMEOUT``; installed after
    ``AuthenticationMiddleware``. A timeout of 0 turns the check off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = _timeout()
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - int(last) > timeout:
                return self._expired(request)
            request._ancrage_activity_now = now  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        now = getattr(request, "_ancrage_activity_now", None)
        if now is None:
            return None
        match = request.resolver_match
        ignored = getattr(settings, "SESSION_IDLE_IGNORED_URL_NAMES", ())
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        if match is not None and match.view_name in ignored and last is not None:
            return None
        if last is None or now - int(last) >= WRITE_RESOLUTION:
            request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return None

    def _expired(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        message = _("Votre session a expiré après une période d'inactivité : reconnectez-vous.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        target = reverse("accounts:login")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        response: HttpResponse
        if request.headers.get("HX-Request") == "true":
            response = HttpResponseClientRedirect(target)
        else:
            response = redirect(target)
        # This middleware runs before MessageMiddleware: store the message for the login page ourselves.
        storage = default_storage(request)
        storage.add(messages.WARNING, message)
        storage.update(response)
        return response
