"""The four settling tracks of a person (housing, health, language and CIR, rights) and their deadlines.

Each track is present only when the caller sees its section (housing: housing; health: health,
which needs the health permission; language: language; rights: rights or protection, each block of
it with its own section). Reading is audited;
a person the caller may not see answers 404, as a missing one.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from ancrage.access import perms
from ancrage.persons.selectors import get_person_for_user
from ancrage.tracks.selectors import (
    Track,
    deadlines_visible,
    is_overdue,
    is_window_open,
    person_tracks,
)

from .auth import actor_of
from .errors import ApiRouter
from .pagination import envelope, page_rows
from .schemas import MAX_PAGE, ErrorOut, Id

router = ApiRouter(tags=["installation"])

MAX_PAGE_SIZE = 100


class DeadlineOut(Schema):
    id: int
    code: str = Field(description="Code de la règle (ex. « sne_renewal », « residence_renewal »).")
    label: str = Field(description="Libellé de la règle.")
    due_on: date = Field(description="Échéance.")
    opens_on: date | None = Field(description="Date à partir de laquelle la démarche est possible.")
    status: str = Field(description="« open » (à faire), « done » (fait) ou « cancelled » (sans objet).")
    overdue: bool = Field(description="Échéance dépassée et démarche non faite.")
    window_open: bool = Field(description="La démarche peut être faite dès maintenant.")
    note: str


class ItemOut(Schema):
    """One item of a track, as « champ : valeur » pairs (dates in ISO 8601)."""

    id: int | None
    kind: str = Field(description="Type d'élément (ex. « siao », « logement-social », « cours »).")
    fields: dict[str, Any] = Field(description="Valeurs de l'élément.")


class TrackOut(Schema):
    label: str = Field(description="Nom du volet.")
    deadlines: list[DeadlineOut] = Field(description="Échéances ouvertes du volet, la plus proche d'abord.")
    hints: list[str] = Field(description="Ce qu'il reste à faire, en clair.")
    items: list[ItemOut] = Field(description="Les éléments du volet (demandes, propositions, droits...).")
    facts: dict[str, Any] = Field(description="Faits calculés du volet (niveau requis, éligibilité au RSA...).")


class TracksOut(Schema):
    person_id: Id
    housing: TrackOut | None = Field(None, description="Logement (rubrique « logement »), sinon null.")
    health: TrackOut | None = Field(
        None, description="Santé (rubrique « santé », avec la permission santé seulement), sinon null."
    )
    language: TrackOut | None = Field(None, description="Langue et CIR (rubrique « langues »), sinon null.")
    rights: TrackOut | None = Field(
        None,
        description=(
            "Droits (rubrique « droits » : CAF et banque ; rubrique « protection » : titres de séjour), sinon null."
        ),
    )


class DeadlinePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[DeadlineOut]


def _deadline(deadline, today: date) -> dict[str, Any]:
    return {
        "id": deadline.pk,
        "code": deadline.code,
        "label": deadline.get_code_display(),
        "due_on": deadline.due_on,
        "opens_on": deadline.opens_on,
        "status": deadline.status,
        "overdue": is_overdue(deadline, today),
        "window_open": is_window_open(deadline, today),
        "note": deadline.note,
    }


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, bool | int | float | str | list) or value is None:
        return value
    return str(value)


def _item(kind: str, obj, names: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        display = getattr(obj, f"get_{name}_display", None)
        fields[name] = _value(getattr(obj, name))
        if display is not None:
            fields[f"{name}_label"] = str(display())
    return {"id": obj.pk, "kind": kind, "fields": fields}


ITEM_FIELDS: dict[str, tuple[str, list[str]]] = {
    # data key -> (kind, fields)
    "situations": ("situation-logement", ["status", "start_date", "end_date", "commune", "details"]),
    "siao_requests": ("siao", ["kind", "requested_on", "status", "decided_on", "outcome"]),
    "housing_requests": (
        "logement-social",
        ["sne_number", "requested_on", "last_renewed_on", "household_size", "status", "closed_on"],
    ),
    "offers": (
        "proposition",
        ["landlord", "commune", "typology", "rent", "offered_on", "decision", "decided_on", "refusal_reason"],
    ),
    "mobility": ("mobilite", ["submitted_on", "status", "proposed_place", "moved_on"]),
    "extensions": ("prolongation", ["kind", "granted_on", "months"]),
    "coverage": (
        "sante",
        [
            "puma_status",
            "puma_requested_on",
            "puma_opened_on",
            "css_status",
            "css_requested_on",
            "css_opened_on",
            "css_expires_on",
            "gp_declared_on",
            "checkup_done_on",
            "interpreting_needed",
        ],
    ),
    "civic_trainings": ("formation-civique", ["session", "attended_on"]),
    "prescriptions": ("prescription", ["prescribed_on", "hours", "target_level"]),
    "courses": ("cours", ["title", "service", "start_on", "end_on", "hours", "status"]),
    "assessments": ("niveau-francais", ["assessed_on", "level", "skill", "kind", "test_name"]),
    "caf": ("caf", ["number", "registered_on", "benefits"]),
    "bank": ("banque", ["step", "refused_on", "bdf_requested_on", "designated_on", "opened_on", "bank_name"]),
    "documents": ("titre", ["kind", "issue_date", "expiry_date", "renewal_requested_on"]),
    "licence": ("permis", ["licence_status", "licence_country", "licence_first_receipt_on"]),
    "diplomas": ("diplome", ["title", "country", "recognition_status", "recognition_requested_on"]),
    "family_abroad": (
        "famille-etranger",
        ["relationship", "country", "declared_to_ofpra", "visa_status", "visa_application_date", "arrival_date"],
    ),
}


def _track(track: Track, today: date) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    for key, value in track.data.items():
        if key in ITEM_FIELDS:
            kind, names = ITEM_FIELDS[key]
            for obj in value if isinstance(value, list) else [value] if value is not None else []:
                items.append(_item(kind, obj, names))
        elif key == "requirement":
            if value is not None:
                facts["language_requirement"] = {
                    "document_kind": value.document_kind,
                    "document_label": value.document_label,
                    "level": value.level,
                    "civic_exam": bool(value.rule and value.rule.civic_exam),
                    "best_certified_level": value.best_level,
                    "reached": value.reached,
                }
        elif key == "referrals":
            facts["health_referrals"] = [
                {"id": r.pk, "service": r.service.name, "status": r.status, "created_at": r.created_at.isoformat()}
                for r in value
            ]
        elif key != "current":
            facts[key] = _value(value)
    return {
        "label": str(track.label),
        "deadlines": [_deadline(d, today) for d in track.deadlines],
        "hints": [str(h) for h in track.hints],
        "items": items,
        "facts": facts,
    }


@router.get(
    "/persons/{person_id}/tracks",
    url_name="person_tracks",
    response={200: TracksOut, 401: ErrorOut, 404: ErrorOut},
    summary="Installation : logement, santé, langue, droits",
    description=(
        "Les quatre volets de l'installation de la personne, chacun présent seulement si l'appelant voit la "
        "rubrique correspondante (logement : logement ; santé : santé, avec la permission santé ; langue et "
        "CIR : langues ; droits : droits pour la CAF et la banque, protection pour les titres). "
        "Pour chaque volet : les échéances ouvertes, ce qu'il reste à "
        "faire, les éléments et les faits calculés (niveau de français requis pour le prochain titre, "
        "éligibilité au RSA à partir de 25 ans). 404 pour un dossier inexistant comme pour un dossier non "
        "partagé. Chaque lecture est tracée dans le journal d'accès."
    ),
)
def get_tracks(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    person = get_person_for_user(actor, person_id, purpose="tracks", event="tracks.read")
    sections = perms.visible_sections(actor, person.pk)
    today = timezone.localdate()
    payload: dict[str, Any] = {"person_id": person.pk}
    for key, track in person_tracks(actor, person, sections).items():
        payload[key] = _track(track, today)
    return payload


@router.get(
    "/persons/{person_id}/deadlines",
    url_name="person_deadlines",
    response={200: DeadlinePage, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Échéances de la personne",
    description=(
        "Les échéances calculées pour la personne (sortie d'hébergement, renouvellements, échange du permis, "
        "titre de séjour, parcours, complémentaire santé), limitées aux rubriques que l'appelant voit : une "
        "échéance santé n'apparaît qu'avec la permission santé. La plus proche d'abord, paginées. 404 pour un "
        "dossier inexistant comme pour un dossier non partagé. Chaque lecture est tracée."
    ),
)
def list_deadlines(
    request: HttpRequest,
    person_id: Id,
    include_closed: bool = Query(
        False, description="Inclure les échéances faites ou sans objet (par défaut : ouvertes seulement)."
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    person = get_person_for_user(actor, person_id, purpose="deadlines", event="deadlines.read")
    sections = perms.visible_sections(actor, person.pk)
    count, rows = page_rows(deadlines_visible(person.pk, sections, open_only=not include_closed), page, page_size)
    today = timezone.localdate()
    return envelope(count, page, page_size, [_deadline(d, today) for d in rows])
