from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .actor import SESSION_KEY, Actor
from .models import Membership

# Pages a signed-in user may reach before choosing an organisation.
_EXEMPT_PREFIXES = ("/comptes/", "/static/", "/healthz", "/api/", "/i18n/", "/admin/")


class CurrentOrganisationMiddleware:
    """Resolves the current membership once per request and exposes ``request.actor``.

    A user with several memberships chooses one at login; with exactly one it is chosen for them.
    A user with none (a platform administrator, typically) acts without an organisation.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            membership = None
            membership_id = request.session.get(SESSION_KEY)
            if membership_id:
                membership = (
                    Membership.objects.active()
                    .select_related("organisation")
                    .filter(pk=membership_id, user=user)
                    .first()
                )
            if membership is None:
                memberships = list(Membership.objects.active().select_related("organisation").filter(user=user)[:2])
                if len(memberships) == 1:
                    membership = memberships[0]
                    request.session[SESSION_KEY] = membership.pk
                elif len(memberships) > 1 and not request.path.startswith(_EXEMPT_PREFIXES):
                    return redirect(reverse("accounts:choose_organisation") + f"?next={request.path}")
            request.actor = Actor(user=user, membership=membership)  # type: ignore[attr-defined]
        return self.get_response(request)
