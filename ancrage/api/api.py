"""The REST API, mounted at ``/api/v1/``; OpenAPI document at ``/api/v1/openapi.json``.

Authentication: a personal token (``Authorization: Bearer <key>``, see ``/comptes/jetons/``) or the
Django session. Every endpoint answers JSON, 401 included: the views are exempt from
``LoginRequiredMiddleware``, which would otherwise redirect to the HTML login page. Every error has the
same body (``ErrorOut``, see ``errors.py``), documented on each operation.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

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
from .errors import CODE_NOT_FOUND, error_body, install_handlers


def _unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse(error_body(_("Introuvable."), CODE_NOT_FOUND), status=404)


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
        "tracée ; un dossier non partagé répond 404, comme un dossier inexistant. Toute erreur répond le même "
        "corps JSON (schéma ErrorOut) : « detail » (message en français), « code » (code de l'erreur), « errors » "
        "(erreurs champ par champ, requête invalide) et « version » (version courante, conflit 409). Une requête "
        "qui porte un en-tête « Authorization » est jugée sur lui seul : un jeton invalide répond 401, même avec "
        "une session ouverte."
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


install_handlers(api)
