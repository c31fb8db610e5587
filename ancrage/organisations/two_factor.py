"""Two-factor authentication (django-otp): who must use it, the devices, and the middleware that enforces it.

The rule (``user_requires_two_factor``): **every user with an active membership, whatever its role, and
every platform administrator** signs in with a second factor. Each role reads data that needs it:

- ``Role.REFERENT`` and ``Role.ORG_ADMIN`` open the records their organisation accompanies;
- ``Role.PARTNER_AGENT`` opens the sections shared with their organisation;
- ``Role.COORDINATOR`` reads aggregates computed from the same records, the contract's budget and the
  carriers' bilans (and would be the first target of anyone after the territory's figures);
- platform administrators (``User.is_staff``) create accounts and reset other users' second factor.

An account with no active membership and no staff flag reaches nothing but the "no organisation" page,
so it is not asked for a second factor until it is given a membership.

The second factor is a TOTP application (``otp_totp``), with ten single-use recovery codes (``otp_static``)
for a lost phone. An organisation admin (or a platform administrator) can reset a member's devices: the
member enrols again at the next sign-in.
"""

import base64
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
# Session key holding the recovery codes between their creation and the page that shows them once.
RECOVERY_CODES_SESSION_KEY = "ancrage_recovery_codes"

F = TypeVar("F", bound=Callable[..., Any])


def two_factor_exempt(view: F) -> F:
    """Mark a view an authenticated but unverified user may open (verify, enrol, logout)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


# --- the rule --------------------------------------------------------------------------------------


def user_requires_two_factor(user: User) -> bool:
    """True for platform administrators and for anyone with an active membership (see the module docstring)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.active().filter(user=user).exists()


# --- devices ---------------------------------------------------------------------------------------


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (the same secret on every reload of the page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ten new ones and return them (in clear, to show once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def format_recovery_code(code: str) -> str:
    """``abcdefgh`` → ``abcd-efgh``, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def normalise_code(raw: str) -> str:
    """What the user typed, without spaces or dashes, lowercased (recovery codes are lowercase)."""
    return re.sub(r"[\s\-]", "", raw or "").lower()


def is_totp_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code))


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four characters, for manual entry in an application."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as a QR code, an SVG data URI rendered on the server (no script)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def current_totp_code(device: TOTPDevice) -> str:
    """The code the device's application shows now (demo notice and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return str(totp.token()).zfill(device.digits)


def is_demo_account(user: User) -> bool:
    """A demo account on a demo instance: its current code may be shown on the sign-in pages."""
    return bool(settings.DEMO_MODE) and user.email.lower().endswith("@" + settings.DEMO_EMAIL_DOMAIN)


def demo_code_notice(user: User, device: TOTPDevice | None) -> str:
    """``"123 456"`` for a demo account in demo mode, ``""`` otherwise."""
    if device is None or not is_demo_account(user):
        return ""
    code = current_totp_code(device)
    return f"{code[:3]} {code[3:]}"


# --- enforcement -----------------------------------------------------------------------------------

# Paths an unverified user may reach whatever the view: static files, the language switch.
_EXEMPT_PREFIXES = ("/static/", "/i18n/")
API_PREFIX = "/api/"


def _is_exempt_view(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # the 404 page shows nothing
    func = match.func
    view_class = getattr(func, "view_class", None)
    if getattr(func, "two_factor_exempt", False) or getattr(view_class, "two_factor_exempt", False):
        return True
    # Public pages (login, /healthz, answer links, calendar feeds) do not depend on the session.
    return getattr(func, "login_required", True) is False


def two_factor_url(user: User, next_url: str = "") -> str:
    """Where an unverified user goes: the verify page, or enrolment if they have no device yet."""
    name = "accounts:two_factor_verify" if has_confirmed_device(user) else "accounts:two_factor_enrol"
    url = reverse(name)
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


class TwoFactorMiddleware:
    """Sends an authenticated but unverified user to the second factor before any other page.

    Installed after ``django_otp.middleware.OTPMiddleware`` and before ``CurrentOrganisationMiddleware``
    (the organisation is chosen once the second factor is verified). API requests are left to the API's
    own authentication, which refuses an unverified session with a JSON 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # installed by OTPMiddleware
            and not request.path_info.startswith(_EXEMPT_PREFIXES)
        ):
            response = self._refuse(request, user)  # type: ignore[arg-type]
            if response is not None:
                return response
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, user: User) -> HttpResponse | None:
        if request.path_info.startswith(API_PREFIX):
            # The API answers for itself: a bearer token is checked on its own, and an unverified
            # session is refused with a JSON 401 (``ancrage.api.auth.SessionActorAuth``).
            return None
        if _is_exempt_view(request) or not user_requires_two_factor(user):
            return None
        target = two_factor_url(user, request.get_full_path() if request.method == "GET" else "")
        if request.headers.get("HX-Request") == "true":  # HtmxMiddleware runs later
            return HttpResponseClientRedirect(target)
        return redirect(target)
