"""Coverage of the tracks over the API: the same aggregates as the page, small counts suppressed (``null``).

Coordinators (the territory) and organisation admins (their organisation's pathways); anybody else gets
404, as for the employment results. Every call is audited, without any person id.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.tracks.coverage import Filters, compute_coverage

from .auth import actor_of
from .errors import ApiRouter
from .schemas import ErrorOut

router = ApiRouter(tags=["couverture"])


class CoverageOut(Schema):
    scope: str
    filters: dict[str, Any]
    persons: int | None = Field(description="Personnes ayant un parcours (null : effectif de 1 à 4 masqué).")
    durable_housing: dict[str, Any]
    protection_to_durable_housing: dict[str, Any]
    health: list[dict[str, Any]]
    cefr_progression: dict[str, Any]
    cefr_latest_level: dict[str, Any]
    bank_account: dict[str, Any]
    licence_exchange: dict[str, Any]
    missed_deadlines: dict[str, Any]


@router.get(
    "/coverage",
    url_name="coverage",
    response={200: CoverageOut, 401: ErrorOut, 404: ErrorOut},
    summary="Couverture des parcours (logement, santé, français, droits)",
    description=(
        "Agrégats uniquement : coordinations pour le territoire, administrateurs pour les parcours de leur "
        "organisation. Les effectifs de 1 à 4 valent null, ainsi que les cases qui permettraient de les "
        "recalculer et les parts calculées sur un effectif masqué. Lecture tracée."
    ),
)
def coverage(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100, description="Année d'entrée."),  # type: ignore[assignment]
    programme: Literal["agir", "ctair", "cph", "other"] | None = Query(None, description="Programme."),  # type: ignore[assignment]
    commune: str | None = Query(  # type: ignore[assignment]
        None, min_length=5, max_length=5, description="Code INSEE de la commune de résidence."
    ),
) -> dict[str, Any]:
    actor = actor_of(request)
    if not perms.can_view_aggregates(actor):
        raise Http404
    filters = Filters(year=year, programme=programme or "", commune=commune or "")
    data = compute_coverage(actor, filters)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="coverage.read",
        details={"scope": data.scope, **filters.as_json()},
    )
    return data.as_json()
