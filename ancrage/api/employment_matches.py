"""Explained matching and employment results over the API.

Same rules as the pages: a person's matches need the employment section (404 otherwise, as for a
missing record); candidates are listed for case workers, among the persons whose employment section
they see; results are aggregates with small counts suppressed (``null``). Every call is audited.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_read, audit_record
from ancrage.employment.matching import Match, audit_candidates, rank_candidates, rank_opportunities, reasons_as_json
from ancrage.employment.models import Opportunity
from ancrage.employment.results import compute_results
from ancrage.persons.models import Person

from .auth import actor_of
from .errors import ApiRouter
from .schemas import ErrorOut, Id

router = ApiRouter(tags=["emploi"])

MAX_LIMIT = 200


class ReasonOut(Schema):
    code: str = Field(description="Code stable de la raison (« french_below », « distance_beyond »…).")
    label: str = Field(description="Libellé en français, par exemple « B1 requis, A2 certifié ».")
    kind: Literal["plus", "missing", "info"] = Field(
        description="« plus » : point fort ; « missing » : ce qui manque ; « info » : neutre."
    )
    points: int


class MatchOut(Schema):
    person_id: Id
    opportunity_id: Id
    title: str = Field(description="Intitulé de l'opportunité, ou nom d'usage de la personne.")
    score: int = Field(description="Score de 0 à 100.")
    blocking: bool = Field(description="Une exigence impérative n'est pas remplie (permis exigé…).")
    reasons: list[ReasonOut]


class ResultsOut(Schema):
    scope: str
    persons: int | None = Field(description="Personnes accompagnées (null : effectif inférieur à 5 masqué).")
    breakdowns: list[dict[str, Any]]
    entries_per_month: dict[str, Any]
    situations: list[dict[str, Any]]
    in_employment_or_training: list[dict[str, Any]]
    first_contract: dict[str, Any]
    positive_exits: dict[str, Any]


def _out(match: Match, title: str) -> dict[str, Any]:
    return {
        "person_id": match.person_id,
        "opportunity_id": match.opportunity_id,
        "title": title,
        "score": match.score,
        "blocking": match.blocking,
        "reasons": reasons_as_json(match),
    }


@router.get(
    "/persons/{person_id}/matches",
    url_name="person_matches",
    response={200: list[MatchOut], 401: ErrorOut, 404: ErrorOut},
    summary="Opportunités classées pour une personne",
    description=(
        "Les opportunités ouvertes, de la plus à la moins pertinente, avec les raisons du score. "
        "404 si l'appelant ne voit pas le profil professionnel de la personne. Lecture tracée."
    ),
)
def person_matches(
    request: HttpRequest,
    person_id: Id,
    kind: Literal["job", "iae", "training"] | None = Query(None, description="Type d'opportunité."),
    include_blocked: bool = Query(False, description="Inclure les opportunités bloquantes."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
) -> list[dict[str, Any]]:
    actor = actor_of(request)
    perms.require(perms.can_view_employment(actor, person_id))
    if not Person.objects.filter(pk=person_id).exists():
        raise Http404
    matches = rank_opportunities(
        person_id, kinds=[kind] if kind else None, limit=limit, include_blocked=include_blocked
    )
    titles = dict(Opportunity.objects.filter(pk__in=[m.opportunity_id for m in matches]).values_list("pk", "title"))
    audit_read(actor, event="employment.matches.read", person_id=person_id)
    return [_out(m, titles.get(m.opportunity_id, "")) for m in matches]


@router.get(
    "/opportunities/{opportunity_id}/candidates",
    url_name="opportunity_candidates",
    response={200: list[MatchOut], 401: ErrorOut, 404: ErrorOut},
    summary="Candidats classés pour une opportunité",
    description=(
        "Les personnes dont l'organisation de l'appelant voit le profil professionnel, classées pour "
        "l'opportunité. Réservé aux organisations qui accompagnent. Lecture tracée (identifiants servis)."
    ),
)
def opportunity_candidates(
    request: HttpRequest,
    opportunity_id: Id,
    include_blocked: bool = Query(False, description="Inclure les candidats avec un critère bloquant."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
) -> list[dict[str, Any]]:
    actor = actor_of(request)
    if not perms.can_manage_opportunities(actor):
        raise Http404
    opportunity = Opportunity.objects.filter(pk=opportunity_id).first()
    if opportunity is None:
        raise Http404
    matches = rank_candidates(actor, opportunity, limit=limit, include_blocked=include_blocked)
    names = dict(Person.objects.filter(pk__in=[m.person_id for m in matches]).values_list("pk", "display_name"))
    audit_candidates(actor, opportunity, [m.person_id for m in matches])
    return [_out(m, names.get(m.person_id, "")) for m in matches]


@router.get(
    "/employment/results",
    url_name="employment_results",
    response={200: ResultsOut, 401: ErrorOut, 404: ErrorOut},
    summary="Résultats de l'insertion professionnelle",
    description=(
        "Agrégats uniquement : coordinations pour le territoire, administrateurs pour les parcours de leur "
        "organisation. Les effectifs de 1 à 4 valent null, ainsi que les cases qui permettraient de les "
        "recalculer et les taux calculés sur un effectif masqué. Lecture tracée."
    ),
)
def employment_results(
    request: HttpRequest,
    programme: Literal["agir", "ctair", "cph", "other"] | None = Query(None, description="Programme."),
    year: int | None = Query(None, ge=1990, le=2100, description="Année d'entrée."),
) -> dict[str, Any]:
    actor = actor_of(request)
    if not perms.can_view_employment_results(actor):
        raise Http404
    data = compute_results(actor, programme=programme or "", year=year)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="employment.results.read",
        details={"scope": data.scope, "programme": programme or "", "year": year},
    )
    return data.as_json()
