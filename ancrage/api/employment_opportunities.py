"""Employers, opportunities and placements (*mises en relation*).

Opportunities and employers carry no person data: every case worker reads them. Placements are person
data: only those whose employment section the caller sees are listed (404 otherwise), each read is
audited. Every decision is the employment services': ``ValidationError`` → 422,
``PlacementConflict`` → 409, ``PermissionDenied`` → 403.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_read, audit_record
from ancrage.employment.models import (
    PLACEMENT_TRANSITIONS,
    Employer,
    Opportunity,
    Placement,
)
from ancrage.employment.services import PlacementConflict, opportunity_save, placement_propose, placement_transition
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person
from ancrage.persons.selectors import get_person_for_user
from ancrage.rome.models import RomeAppellation
from ancrage.territory.models import Commune

from .auth import actor_of
from .errors import ApiRouter, conflict, invalid
from .pagination import envelope, page_rows
from .schemas import MAX_ID, MAX_PAGE, ErrorOut, Id

router = ApiRouter(tags=["emploi : offres et mises en relation"])

MAX_PAGE_SIZE = 100

# --- schemas -------------------------------------------------------------------------------------


class EmployerOut(Schema):
    id: int
    name: str = Field(description="Raison sociale.")
    siret: str
    sector: str = Field(description="Secteur d'activité.")
    commune_insee: str | None = Field(description="Code INSEE de la commune.")
    organisation_id: int = Field(description="Organisation qui tient la relation avec l'employeur.")
    is_active: bool


class EmployerPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[EmployerOut]


class OpportunityOut(Schema):
    id: int
    version: int = Field(description="Version courante (verrou optimiste).")
    kind: str = Field(description="« job » offre d'emploi, « iae » poste en insertion, « training » formation.")
    title: str
    organisation_id: int = Field(description="Organisation qui a publié l'offre.")
    employer: EmployerOut | None
    appellation_code: str | None = Field(description="Code OGR de l'appellation ROME.")
    appellation_label: str | None
    rome_code: str = Field(description="Code de la fiche ROME.")
    contract_type: str
    training_type: str
    hours_per_week: Decimal | None
    commune_insee: str | None
    start_date: date | None
    end_date: date | None
    min_french_level: str = Field(description="Niveau de français minimum (CECRL), vide si aucun.")
    licence_required: bool
    seats: int
    prerequisites: str
    description: str
    status: str = Field(description="« open » ouverte, « filled » pourvue, « closed » fermée.")
    opened_on: date
    filled_on: date | None
    closed_on: date | None


class OpportunityPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[OpportunityOut]


class OpportunityIn(Schema):
    kind: Literal["job", "iae", "training"]
    title: str = Field(max_length=200)
    employer_id: Id | None = None
    appellation_code: str | None = Field(None, description="Code OGR de l'appellation ROME (emploi, IAE).")
    contract_type: str = Field("", description="Contrat (obligatoire pour un emploi ou un poste en insertion).")
    training_type: str = Field("", description="Type de formation (obligatoire pour une formation).")
    hours_per_week: Decimal | None = None
    commune_insee: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    min_french_level: str = ""
    licence_required: bool = False
    seats: int = 1
    prerequisites: str = Field("", max_length=2000)
    description: str = Field("", max_length=5000)


class ReasonOut(Schema):
    code: str
    label: str
    kind: str = Field(description="« plus », « missing » ou « info ».")


class PlacementOut(Schema):
    id: int
    version: int = Field(description="Version courante, à renvoyer avec chaque transition.")
    person_id: Id
    person_display_name: str | None = Field(description="Nom d'usage, si l'appelant voit la rubrique identité.")
    opportunity_id: Id
    opportunity_title: str
    organisation_id: int = Field(description="Organisation qui a proposé la personne.")
    status: str = Field(description="proposed, interview, hired, not_retained ou withdrawn.")
    status_label: str
    proposed_on: date
    interview_on: date | None
    decided_on: date | None
    not_retained_reason: str
    contract_type: str
    contract_start: date | None
    contract_end: date | None
    hours_per_week: Decimal | None
    match_score: int | None = Field(description="Score de correspondance au moment de la proposition.")
    match_reasons: list[ReasonOut]


class FollowUpOut(Schema):
    month: int
    due_on: date
    done_on: date | None
    still_in_post: bool | None


class TransitionLogOut(Schema):
    name: str
    from_status: str
    to_status: str
    at: datetime


class PlacementDetail(PlacementOut):
    available_transitions: list[str] = Field(description="Transitions que l'appelant peut déclencher maintenant.")
    follow_ups: list[FollowUpOut] = Field(description="Suivis à 1, 3, 6 et 12 mois après le début du contrat.")
    transitions: list[TransitionLogOut]


class PlacementPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[PlacementOut]


class PlacementCreateIn(Schema):
    person_id: Id
    opportunity_id: Id


class PlacementTransitionIn(Schema):
    version: int = Field(description="Version de la mise en relation lue par l'appelant (verrou optimiste).")
    interview_on: date | None = Field(None, description="Date de l'entretien (« schedule_interview »).")
    contract_type: str = Field("", description="Contrat (« hire »).")
    contract_start: date | None = Field(None, description="Début du contrat ou de la formation (« hire »).")
    contract_end: date | None = None
    hours_per_week: Decimal | None = None
    not_retained_reason: str = Field("", description="Motif (« not_retained »).")
    not_retained_detail: str = Field("", max_length=500)
    reason: str = Field("", description="Commentaire.", max_length=500)


# --- helpers -------------------------------------------------------------------------------------


def _require_cases(actor: Actor) -> None:
    if not actor.handles_cases:
        raise PermissionDenied


def _employer(e: Employer | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "id": e.pk,
        "name": e.name,
        "siret": e.siret,
        "sector": e.sector,
        "commune_insee": e.commune.insee_code if e.commune else None,
        "organisation_id": e.organisation_id,
        "is_active": e.is_active,
    }


def _opportunity(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "version": o.version,
        "kind": o.kind,
        "title": o.title,
        "organisation_id": o.organisation_id,
        "employer": _employer(o.employer),
        "appellation_code": str(o.appellation.code_ogr) if o.appellation else None,
        "appellation_label": o.appellation.label if o.appellation else None,
        "rome_code": o.rome_code,
        "contract_type": o.contract_type,
        "training_type": o.training_type,
        "hours_per_week": o.hours_per_week,
        "commune_insee": o.commune.insee_code if o.commune else None,
        "start_date": o.start_date,
        "end_date": o.end_date,
        "min_french_level": o.min_french_level,
        "licence_required": o.licence_required,
        "seats": o.seats,
        "prerequisites": o.prerequisites,
        "description": o.description,
        "status": o.status,
        "opened_on": o.opened_on,
        "filled_on": o.filled_on,
        "closed_on": o.closed_on,
    }


_OPPORTUNITY_SELECT = ("employer__commune", "commune", "appellation")
_PLACEMENT_SELECT = ("person", "opportunity")


def _placement(p: Placement, visible: frozenset[str]) -> dict[str, Any]:
    return {
        "id": p.pk,
        "version": p.version,
        "person_id": p.person_id,
        "person_display_name": p.person.display_name if Section.IDENTITY in visible else None,
        "opportunity_id": p.opportunity_id,
        "opportunity_title": p.opportunity.title,
        "organisation_id": p.organisation_id,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "proposed_on": p.proposed_on,
        "interview_on": p.interview_on,
        "decided_on": p.decided_on,
        "not_retained_reason": p.not_retained_reason,
        "contract_type": p.contract_type,
        "contract_start": p.contract_start,
        "contract_end": p.contract_end,
        "hours_per_week": p.hours_per_week,
        "match_score": p.match_score,
        "match_reasons": [
            {"code": r.get("code", ""), "label": r.get("label", ""), "kind": r.get("kind", "info")}
            for r in (p.match_reasons or [])
        ],
    }


def _placement_detail(actor: Actor, p: Placement) -> dict[str, Any]:
    payload = _placement(p, perms.visible_sections(actor, p.person_id))
    payload |= {
        "available_transitions": [name for name, _label in p.available_transitions()]
        if perms.can_edit_employment(actor, p.person_id)
        else [],
        "follow_ups": [
            {"month": f.month, "due_on": f.due_on, "done_on": f.done_on, "still_in_post": f.still_in_post}
            for f in p.follow_ups.all()
        ],
        "transitions": [
            {"name": t.name, "from_status": t.from_status, "to_status": t.to_status, "at": t.at}
            for t in p.transitions.all()
        ],
    }
    return payload


def _get_placement(actor: Actor, placement_id: Id, *, purpose: str = "") -> Placement:
    placement = Placement.objects.select_related(*_PLACEMENT_SELECT).filter(pk=placement_id).first()
    if placement is None or not perms.can_view_employment(actor, placement.person_id):
        raise Http404
    audit_read(actor, event="placement.read", person_id=placement.person_id, obj=placement, purpose=purpose)
    return placement


# --- opportunities and employers -----------------------------------------------------------------


@router.get(
    "/opportunities",
    url_name="opportunity_list",
    response={200: OpportunityPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Offres d'emploi et formations",
    description=(
        "Les offres d'emploi, postes en insertion et sessions de formation du territoire, des plus récentes "
        "aux plus anciennes, paginées. Réservé aux professionnels qui suivent des personnes (403 sinon). "
        "Aucune donnée personnelle."
    ),
)
def list_opportunities(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Recherche dans l'intitulé, le métier et l'employeur."),
    kind: Literal["job", "iae", "training"] | None = Query(None, description="Type d'offre."),
    status: Literal["open", "filled", "closed"] | None = Query(None, description="État de l'offre."),
    contract_type: str | None = Query(None, description="Type de contrat."),
    rome_code: str | None = Query(None, max_length=5, description="Fiche ROME, ou son début (ex. « F », « F17 »)."),
    commune_insee: str | None = Query(None, description="Code INSEE de la commune."),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    _require_cases(actor)
    queryset = Opportunity.objects.select_related(*_OPPORTUNITY_SELECT)
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(appellation__label__icontains=q) | Q(employer__name__icontains=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if contract_type:
        queryset = queryset.filter(contract_type=contract_type)
    if rome_code:
        queryset = queryset.filter(rome_code__startswith=rome_code.upper())
    if commune_insee:
        queryset = queryset.filter(commune__insee_code=commune_insee)
    count, rows = page_rows(queryset.order_by("-opened_on", "-id"), page, page_size)
    return envelope(count, page, page_size, [_opportunity(o) for o in rows])


@router.get(
    "/opportunities/{opportunity_id}",
    url_name="opportunity_detail",
    response={200: OpportunityOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Une offre",
    description="L'offre d'emploi ou la session de formation. Aucune donnée personnelle.",
)
def get_opportunity(request: HttpRequest, opportunity_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    _require_cases(actor)
    opportunity = Opportunity.objects.select_related(*_OPPORTUNITY_SELECT).filter(pk=opportunity_id).first()
    if opportunity is None:
        raise Http404
    return _opportunity(opportunity)


@router.post(
    "/opportunities",
    url_name="opportunity_list",
    response={201: OpportunityOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Publier une offre",
    description=(
        "Publie une offre d'emploi, un poste en insertion ou une session de formation au nom de "
        "l'organisation courante de l'appelant. Un emploi indique le métier (code OGR) et le contrat ; "
        "une formation indique son type ; la fin ne précède pas le début ; au moins une place (422 sinon)."
    ),
)
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Any:
    actor = actor_of(request)
    if not perms.can_manage_opportunities(actor):
        raise PermissionDenied
    data = payload.dict()
    errors: dict[str, list[str]] = {}
    appellation = commune = employer = None
    if code := data.pop("appellation_code"):
        # The OGR code is a number: anything else is unknown, not a database error.
        code = code.strip()
        appellation = (
            RomeAppellation.objects.filter(code_ogr=int(code)).first()
            if code.isascii() and code.isdigit() and len(code) <= 9
            else None
        )
        if appellation is None:
            errors["appellation_code"] = [_("Ce code ROME n'existe pas.")]
    if insee := data.pop("commune_insee"):
        commune = Commune.objects.filter(insee_code=insee).first()
        if commune is None:
            errors["commune_insee"] = [_("Cette commune n'existe pas.")]
    if employer_id := data.pop("employer_id"):
        employer = Employer.objects.filter(pk=employer_id).first()
        if employer is None:
            errors["employer_id"] = [_("Cet employeur n'existe pas.")]
    if errors:
        return invalid(ValidationError(errors))
    opportunity = Opportunity(appellation=appellation, commune=commune, employer=employer, **data)
    try:
        opportunity_save(actor=actor, opportunity=opportunity)
    except ValidationError as error:
        return invalid(
            error, {"appellation": "appellation_code", "commune": "commune_insee", "employer": "employer_id"}
        )
    opportunity = Opportunity.objects.select_related(*_OPPORTUNITY_SELECT).get(pk=opportunity.pk)
    return Status(201, _opportunity(opportunity))


@router.get(
    "/employers",
    url_name="employer_list",
    response={200: EmployerPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Employeurs",
    description=(
        "Les employeurs et organismes de formation du territoire, par raison sociale. Aucune donnée personnelle."
    ),
)
def list_employers(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Recherche dans la raison sociale, le SIRET et le secteur."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = actor_of(request)
    _require_cases(actor)
    queryset = Employer.objects.select_related("commune")
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(siret__icontains=q) | Q(sector__icontains=q))
    count, rows = page_rows(queryset.order_by("name", "id"), page, page_size)
    return envelope(count, page, page_size, [_employer(e) for e in rows])


# --- placements ----------------------------------------------------------------------------------


@router.get(
    "/placements",
    url_name="placement_list",
    response={200: PlacementPage, 401: ErrorOut, 422: ErrorOut},
    summary="Mises en relation visibles",
    description=(
        "Les mises en relation des personnes dont l'appelant voit la rubrique « emploi », des plus récentes "
        "aux plus anciennes, paginées. Chaque appel est tracé dans le journal d'accès."
    ),
)
def list_placements(
    request: HttpRequest,
    person_id: int | None = Query(
        None, ge=1, le=MAX_ID, description="Ne garder que les mises en relation de cette personne."
    ),
    opportunity_id: int | None = Query(None, ge=1, le=MAX_ID, description="Ne garder que celles de cette offre."),
    status: Literal["proposed", "interview", "hired", "not_retained", "withdrawn"] | None = Query(None),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    actor = actor_of(request)
    visible_persons = Person.objects.filter(perms.visible_persons_filter(actor))
    queryset = Placement.objects.filter(person__in=visible_persons).select_related(*_PLACEMENT_SELECT)
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    if opportunity_id is not None:
        queryset = queryset.filter(opportunity_id=opportunity_id)
    if status:
        queryset = queryset.filter(status=status)
    # Grants decide the persons (database); the employment section among their sections is checked
    # before paging, so the count only counts what the caller may see.
    ids = list(queryset.values_list("person_id", flat=True).distinct())
    sections = perms.visible_sections_many(actor, ids)
    allowed = [pk for pk in ids if Section.EMPLOYMENT in sections.get(pk, frozenset())]
    queryset = queryset.filter(person_id__in=allowed).order_by("-proposed_on", "-id")
    count, rows = page_rows(queryset, page, page_size)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="placement.list",
        details={"ids": sorted({p.person_id for p in rows}), "placement_ids": [p.pk for p in rows], "page": page},
    )
    return envelope(count, page, page_size, [_placement(p, sections.get(p.person_id, frozenset())) for p in rows])


@router.get(
    "/placements/{placement_id}",
    url_name="placement_detail",
    response={200: PlacementDetail, 401: ErrorOut, 404: ErrorOut},
    summary="Une mise en relation",
    description=(
        "La mise en relation, ses suivis et son historique. 404 aussi bien pour une mise en relation "
        "inexistante que pour une personne dont l'appelant ne voit pas la rubrique « emploi ». Tracé."
    ),
)
def get_placement(request: HttpRequest, placement_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    return _placement_detail(actor, _get_placement(actor, placement_id))


@router.post(
    "/placements",
    url_name="placement_list",
    response={201: PlacementDetail, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Proposer une personne sur une offre",
    description=(
        "Crée une mise en relation, avec le score et les raisons de correspondance à cet instant. 404 si le "
        "dossier ou l'offre n'est pas visible ; 403 si l'appelant ne peut pas modifier la rubrique emploi ; "
        "409 si l'offre est pourvue ou fermée ; 422 si la personne est déjà proposée sur cette offre."
    ),
)
def create_placement(request: HttpRequest, payload: PlacementCreateIn) -> Any:
    actor = actor_of(request)
    if not perms.can_view_employment(actor, payload.person_id):
        raise Http404
    opportunity = Opportunity.objects.filter(pk=payload.opportunity_id).first()
    if opportunity is None:
        raise Http404
    person = get_person_for_user(actor, payload.person_id, purpose="placement", event="placement.propose")
    try:
        placement = placement_propose(actor=actor, person=person, opportunity=opportunity)
    except PlacementConflict as error:
        return conflict(error)
    except ValidationError as error:
        return invalid(error)
    placement = Placement.objects.select_related(*_PLACEMENT_SELECT).get(pk=placement.pk)
    return Status(201, _placement_detail(actor, placement))


@router.post(
    "/placements/{placement_id}/{transition}",
    url_name="placement_transition",
    response={200: PlacementDetail, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Faire avancer une mise en relation",
    description=(
        "Déclenche une transition : "
        + ", ".join(f"« {name} »" for name in PLACEMENT_TRANSITIONS)
        + ". « schedule_interview » demande « interview_on » ; « hire » demande « contract_type » et "
        "« contract_start » (crée les suivis à 1, 3, 6 et 12 mois et met à jour l'historique des situations) ; "
        "« not_retained » demande « not_retained_reason ». 404 pour une transition inconnue ou une mise en "
        "relation non visible ; 403 si l'appelant ne peut pas modifier la rubrique emploi ; 409 si la "
        "transition n'est pas possible depuis l'état courant ou si « version » n'est plus la version courante ; "
        "422 pour une saisie invalide."
    ),
)
def transition_placement(
    request: HttpRequest, placement_id: Id, transition: str, payload: PlacementTransitionIn
) -> Any:
    actor = actor_of(request)
    if transition not in PLACEMENT_TRANSITIONS:
        raise Http404
    placement = _get_placement(actor, placement_id, purpose=transition)
    if not perms.can_edit_employment(actor, placement.person_id):
        raise PermissionDenied
    data = payload.dict()
    version = data.pop("version")
    try:
        placement_transition(actor=actor, placement=placement, name=transition, expected_version=version, **data)
    except PlacementConflict as error:
        current = Placement.objects.filter(pk=placement.pk).values_list("version", flat=True).first()
        return conflict(error, version=current)
    except ValidationError as error:
        return invalid(error)
    placement = Placement.objects.select_related(*_PLACEMENT_SELECT).get(pk=placement.pk)
    return Status(200, _placement_detail(actor, placement))
