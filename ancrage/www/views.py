from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ancrage.organisations.models import Role
from ancrage.www.types import AncrageRequest


def home(request: AncrageRequest) -> HttpResponse:
    """Send each user where their work is."""
    actor = request.actor
    if actor.membership is None:
        if actor.is_platform_admin:
            return redirect("platform:organisations")
        return render(request, "no_membership.html", {"title": _("Aucune organisation")}, status=403)
    if actor.role == Role.COORDINATOR:
        return redirect("dashboard:index")
    return redirect("persons:list")


@login_not_required
@require_GET
def healthz(request: AncrageRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - the point is to report any failure
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "vendor": connection.vendor}, status=status
    )


def error_403(request: AncrageRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: AncrageRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: AncrageRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
