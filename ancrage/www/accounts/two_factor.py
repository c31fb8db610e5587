"""The second factor at sign-in: verify a code, enrol an application, show and renew recovery codes.

The rule and the enforcement live in ``ancrage.organisations.two_factor``; the writes (and their audit
events) in ``ancrage.organisations.services``. The verify and enrol pages are reachable before the second
factor is verified (``two_factor_exempt``); they show no navigation, only a way to sign out.
"""

import django_otp
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.organisations import services, two_factor
from ancrage.organisations.actor import Actor
from ancrage.www.types import AncrageRequest
from ancrage.www.utils import apply_validation_error

from .forms import TwoFactorCodeForm


def _actor(request: AncrageRequest) -> Actor:
    return request.actor or Actor(user=request.user, membership=None)  # type: ignore[arg-type]


def safe_next(request: AncrageRequest, default: str = "home") -> str:
    """The ``next`` address if it stays on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _is_verified(request: AncrageRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]  # OTPMiddleware


@two_factor.two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: AncrageRequest) -> HttpResponse:
    """Second step of the sign-in: a code from the application, or a recovery code."""
    user = request.user
    if _is_verified(request):
        return redirect(safe_next(request))
    if not two_factor.has_confirmed_device(user):  # type: ignore[arg-type]
        return redirect(two_factor.two_factor_url(user, safe_next(request, "")))  # type: ignore[arg-type]
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.user_two_factor_verify(actor=_actor(request), code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            django_otp.login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = two_factor.recovery_codes_left(user)  # type: ignore[arg-type]
                messages.warning(
                    request,
                    _(
                        "Vous vous êtes connecté avec un code de secours. Il vous en reste %(count)s : "
                        "régénérez-les depuis « Mon compte » si besoin."
                    )
                    % {"count": left},
                )
            return redirect(safe_next(request))
    totp = two_factor.confirmed_totp_device(user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": safe_next(request, ""),
            "demo_code": two_factor.demo_code_notice(user, totp),  # type: ignore[arg-type]
            "actor": None,  # no navigation before the second factor
            "title": _("Vérification en deux étapes"),
        },
    )


@two_factor.two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: AncrageRequest) -> HttpResponse:
    """First sign-in (or after a reset): pair an authentication application, confirmed by a first code."""
    user = request.user
    if two_factor.confirmed_totp_device(user) is not None:  # type: ignore[arg-type]
        if _is_verified(request):
            messages.info(request, _("La double authentification est déjà activée sur votre compte."))
            return redirect("accounts:profile")
        return redirect(two_factor.two_factor_url(user, safe_next(request, "")))  # type: ignore[arg-type]
    device = two_factor.pending_totp_device(user)  # type: ignore[arg-type]
    form = TwoFactorCodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.user_two_factor_enrol(actor=_actor(request), device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            django_otp.login(request, device)
            request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, _("La double authentification est activée sur votre compte."))
            url = reverse("accounts:two_factor_recovery_codes")
            if target := safe_next(request, ""):
                url += "?" + urlencode({"next": target})
            return redirect(url)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": safe_next(request, ""),
            "qr_code": two_factor.qr_code_svg_data_uri(device),
            "secret": two_factor.secret_for_display(device),
            "demo_code": two_factor.demo_code_notice(user, device),  # type: ignore[arg-type]
            "actor": None,
            "title": _("Activer la double authentification"),
        },
    )


@never_cache
@require_http_methods(["GET"])
def recovery_codes(request: AncrageRequest) -> HttpResponse:
    """The recovery codes just created, shown this once."""
    codes = request.session.pop(two_factor.RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            _("Vos codes de secours ne sont affichés qu'une fois. Régénérez-les si vous ne les avez plus."),
        )
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {
            "codes": [two_factor.format_recovery_code(code) for code in codes],
            "next": safe_next(request),
            "title": _("Vos codes de secours"),
        },
    )


@require_POST
def recovery_codes_regenerate(request: AncrageRequest) -> HttpResponse:
    """Ten new recovery codes; the previous ones stop working."""
    try:
        codes = services.user_recovery_codes_regenerate(actor=_actor(request))
    except PermissionDenied:  # no application enrolled
        messages.error(request, _("Activez d'abord la double authentification."))
        return redirect("accounts:profile")
    request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = codes
    messages.success(request, _("Vos nouveaux codes de secours sont prêts : les précédents ne fonctionnent plus."))
    return redirect("accounts:two_factor_recovery_codes")
