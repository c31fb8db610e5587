"""The service directory: ``GET /api/v1/services`` in the data·inclusion shape (schema v1)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Schema

from ancrage.directory import perms
from ancrage.directory.exchange import service_payload
from ancrage.directory.selectors import services_search

from .auth import actor_of
from .errors import ApiRouter
from .pagination import envelope, page_rows
from .schemas import MAX_PAGE, ErrorOut

router = ApiRouter(tags=["annuaire"])

MAX_PAGE_SIZE = 100


class ServicePage(Schema):
    count: int = Field(description="Nombre total de services actifs correspondant aux filtres.")
    page: int
    page_size: int
    pages: int
    results: list[dict[str, Any]] = Field(
        description="Services au format data·inclusion v1 (validés par data_inclusion.schema.v1.Service)."
    )


@router.get(
    "/services",
    url_name="service_list",
    response={200: ServicePage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Services de l'annuaire",
    description=(
        "Les services actifs de l'annuaire du territoire, au format data·inclusion (schéma v1), paginés. "
        "Filtres : thématique (code data·inclusion, ou catégorie entière), commune (code INSEE : services "
        "situés dans la commune ou la desservant), recherche libre sans accents."
    ),
)
def list_services(
    request: HttpRequest,
    thematique: str = Query("", description="Code de thématique data·inclusion, ou code de catégorie.", max_length=120),
    commune: str = Query("", description="Code INSEE de la commune.", max_length=5),
    q: str = Query("", description="Recherche libre (nom, description, structure).", max_length=200),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    if not perms.can_view_directory(actor):
        raise PermissionDenied
    services = services_search(q=q, thematique=thematique.strip(), commune_id=commune.strip()).order_by("name", "pk")
    count, rows = page_rows(services.select_related("structure", "commune").prefetch_related("zone"), page, page_size)
    return envelope(count, page, page_size, [service_payload(service) for service in rows])
