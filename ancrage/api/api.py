"""The REST API, mounted at ``/api/v1/``; OpenAPI document at ``/api/v1/openapi.json``.

Authentication: a personal token (``Authorization: Bearer <key>``, see ``/comptes/jetons/``) or the
Django session. Every endpoint answers JSON, 401 included: the views are exempt from
``LoginRequiredMiddleware``, which would otherwise redirect to the HTML login page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from . import (
    agenda,
    coverage,
    directory,
    employment_matches,
    employment_opportunities,
    employment_profiles,
    me,
    persons,
    referrals,
    rome,
    tracks,
)
from .auth import SessionActorAuth, TokenAuth


def _unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse({"detail": "Introuvable."}, status=404)


class AncrageAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Unknown paths under /api/v1/ answer JSON too, not the HTML 404 page.
        urls = [*super()._get_urls(), path("<path:rest>", _unknown_path, name="unknown")]
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                # Authentication is the API's business (JSON 401), not LoginRequiredMiddleware's.
                login_not_required(pattern.callback)
        return urls


# The Swagger UI is served from ninja's own static files only when "ninja" is an installed app;
# otherwise ninja would load it from a CDN, which Ancrage never does: the docs page is then off.
_LOCAL_DOCS = "ninja" in settings.INSTALLED_APPS

api = AncrageAPI(
    title="Ancrage API",
    version="1",
    description=(
        "API d'Ancrage. Authentification par jeton personnel (en-tête « Authorization: Bearer <jeton> », "
        "jetons gérés depuis « Mon compte ») ou par la session. Chaque lecture de données personnelles est "
        "tracée ; un dossier non partagé répond 404, comme un dossier inexistant."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionActorAuth()],
    docs=Swagger(settings={"validatorUrl": None}),  # no call to validator.swagger.io
    docs_url="/docs" if _LOCAL_DOCS else None,
)

api.add_router("", me.router)
api.add_router("", persons.router)
api.add_router("", directory.router)
api.add_router("", referrals.router)
api.add_router("", rome.router)
api.add_router("", employment_matches.router)
api.add_router("", employment_profiles.router)
api.add_router("", employment_opportunities.router)
api.add_router("", coverage.router)
api.add_router("", agenda.router)
api.add_router("", tracks.router)
api.add_router("", "ancrage.api.steering.router")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Authentification requise."}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Accès refusé."}, status=403)
