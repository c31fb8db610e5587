"""The caller's "À faire": open deadlines and upcoming appointments, as on the page ``agenda:todo``.

The selector decides what is shown (persons accompanied, section by section: no health item without the
health permission); every call is audited with the ids of the persons returned.
"""

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Schema

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.deadlines.selectors import SCOPE_MINE, SCOPE_ORGANISATION, can_switch_scope, default_scope, todo_items

from .auth import actor_of
from .errors import ApiRouter
from .pagination import envelope
from .schemas import MAX_PAGE, ErrorOut, Id

router = ApiRouter(tags=["à faire"])

MAX_PAGE_SIZE = 100


class TodoItemOut(Schema):
    kind: Literal["deadline", "appointment"] = Field(description="Échéance calculée ou rendez-vous.")
    id: int
    group: Literal["overdue", "week", "month", "later"] = Field(
        description="En retard, cette semaine (7 jours), ce mois-ci (30 jours), plus tard (fenêtre ouverte)."
    )
    person_id: Id
    person_display_name: str
    code: str = Field(description="Code de la règle (ou « appointment »).")
    label: str
    due_on: dt.date
    days: int = Field(description="Jours avant l'échéance (négatif : en retard).")
    track: str = Field(description="Volet : logement, sante, langue, droits, parcours (vide pour un rendez-vous).")
    rule_label: str = Field(description="Version de la règle qui a calculé l'échéance.")
    starts_at: dt.datetime | None = None
    url: str = Field(description="La page où agir.")


class TodoPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[TodoItemOut]


@router.get(
    "/agenda",
    url_name="agenda_list",
    response={200: TodoPage, 401: ErrorOut},
    summary="À faire",
    description=(
        "Les échéances ouvertes des personnes accompagnées (« mine » : celles dont l'appelant est référent ; "
        "« organisation » : toutes celles de l'organisation, pour les référents et administrateurs) et les "
        "prochains rendez-vous de l'appelant, des plus urgents aux plus lointains. Une échéance n'est donnée "
        "que si l'appelant voit la rubrique du dossier dont elle relève (santé : permission santé requise). "
        "Chaque appel est tracé dans le journal d'accès."
    ),
)
def list_agenda(
    request: HttpRequest,
    scope: Literal["mine", "organisation"] | None = Query(None, description="« mine » ou « organisation »."),
    track: Literal["logement", "sante", "langue", "droits", "parcours"] | None = Query(
        None, description="Ne garder qu'un volet (les rendez-vous sont alors exclus)."
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    chosen = scope or default_scope(actor)
    if chosen == SCOPE_ORGANISATION and not can_switch_scope(actor):
        chosen = SCOPE_MINE
    groups = todo_items(actor, scope=chosen, track=track or "")
    rows = [(group.key, item) for group in groups for item in group.items]
    offset = (page - 1) * page_size
    shown = rows[offset : offset + page_size]
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="agenda.list",
        details={
            "ids": sorted({item.person_id for _key, item in shown}),
            "deadline_ids": [item.pk for _key, item in shown if item.kind == "deadline"],
            "scope": chosen,
            "track": track or "",
            "page": page,
            "page_size": page_size,
        },
    )
    return envelope(
        len(rows),
        page,
        page_size,
        [
            {
                "kind": item.kind,
                "id": item.pk,
                "group": key,
                "person_id": item.person_id,
                "person_display_name": item.person_name,
                "code": item.code,
                "label": str(item.label),
                "due_on": item.due_on,
                "days": item.days,
                "track": item.track,
                "rule_label": item.rule_label,
                "starts_at": item.starts_at,
                "url": item.url,
            }
            for key, item in shown
        ],
    )
