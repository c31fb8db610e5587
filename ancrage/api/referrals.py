"""Referrals (*orientations*): list, read, create and move one through its state machine.

Every decision is the referral services' and selectors': visibility (``referrals_visible_to``), the
side each caller acts for (``side_of``), consent and state checks (``referral_create``,
``referral_transition``). The API only maps their outcomes to HTTP: ``ValidationError`` → 422,
``ReferralConflict`` → 409, ``PermissionDenied`` → 403, not visible → 404.
"""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from ancrage.access import perms
from ancrage.access.models import Consent
from ancrage.access.sections import Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.directory.models import Service
from ancrage.organisations.actor import Actor
from ancrage.persons.selectors import get_person_for_user
from ancrage.referrals.attachments import attachment_for_download, attachment_response
from ancrage.referrals.models import TRANSITIONS, Referral, ReferralStatus, RefusalReason
from ancrage.referrals.selectors import get_referral_for_user, referrals_visible_to
from ancrage.referrals.services import ReferralConflict, referral_create, referral_transition, side_of

from .auth import actor_of
from .errors import ApiRouter, conflict, invalid
from .pagination import envelope, page_rows
from .schemas import MAX_PAGE, ErrorOut, Id

router = ApiRouter(tags=["orientations"])

MAX_PAGE_SIZE = 100

# --- schemas -------------------------------------------------------------------------------------


class ServiceRef(Schema):
    id: int
    name: str
    structure_name: str = Field(description="Structure qui porte le service.")


class OrganisationRef(Schema):
    id: int
    name: str


class RefusalReasonOut(Schema):
    code: str
    label: str


class ReferralOut(Schema):
    id: int
    version: int = Field(description="Version courante, à renvoyer avec chaque transition.")
    status: ReferralStatus = Field(description="État de l'orientation.")
    status_label: str
    person_id: Id
    person_display_name: str | None = Field(
        description="Nom d'usage de la personne, si l'appelant peut voir la rubrique identité."
    )
    service: ServiceRef
    sender_organisation: OrganisationRef = Field(description="Organisation qui oriente.")
    target_organisation: OrganisationRef | None = Field(
        description="Organisation destinataire (null si la structure n'a pas de compte)."
    )
    sections: list[str] = Field(description="Rubriques du dossier partagées avec le destinataire.")
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None = Field(description="Date à laquelle l'orientation expire sans réponse.")
    answered_at: datetime | None
    closed_at: datetime | None
    refusal_reason: RefusalReasonOut | None = Field(description="Motif de refus (orientation refusée).")
    outcome: str = Field(description="Résultat (orientation réalisée ou abandonnée).")


class ReferralPage(Schema):
    count: int = Field(description="Nombre total d'orientations visibles correspondant aux filtres.")
    page: int
    page_size: int
    pages: int
    results: list[ReferralOut]


class TransitionLogOut(Schema):
    name: str = Field(description="Transition (« create » pour la création du brouillon).")
    from_status: str = Field(description="État de départ (vide à la création).")
    to_status: str
    at: datetime
    by_name: str | None = Field(description="Personne qui a agi (null pour une transition automatique).")
    by_organisation: str | None
    reason: str = Field(description="Commentaire.")


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="Nom du fichier.")
    content_type: str = Field(description="Type vérifié sur le contenu : PDF, JPEG ou PNG.")
    size: int = Field(description="Taille en octets.")
    sha256: str
    created_at: datetime
    organisation: str = Field(description="Organisation qui a joint le document.")


class ReferralDetail(ReferralOut):
    reason: str = Field(description="Motif de l'orientation.")
    refusal_detail: str = Field(description="Précisions sur le refus.")
    sender_name: str = Field(description="Référent qui oriente.")
    side: Literal["sender", "recipient"] | None = Field(
        description="Côté pour lequel agit l'appelant : organisation qui oriente ou qui reçoit."
    )
    available_transitions: list[str] = Field(description="Transitions que l'appelant peut déclencher maintenant.")
    transitions: list[TransitionLogOut] = Field(
        description="Historique des transitions, du plus ancien au plus récent."
    )
    attachments: list[AttachmentOut] | None = Field(
        description=(
            "Pièces jointes (à télécharger sur /referrals/{id}/attachments/{attachment_id}) ; null quand "
            "l'appelant n'y a plus accès (orientation close depuis plus que le délai de partage)."
        )
    )


class ReferralCreateIn(Schema):
    person_id: Id
    service_id: Id = Field(description="Service de l'annuaire vers lequel orienter.")
    reason: str = Field(description="Motif de l'orientation.", max_length=3000)
    sections: list[str] = Field(
        default_factory=list,
        description="Rubriques à partager (l'identité l'est toujours) ; le consentement doit les couvrir.",
    )
    consent_id: Id | None = Field(None, description="Consentement en vigueur qui couvre ce partage.")
    send: bool = Field(False, description="Envoyer tout de suite (sinon, brouillon).")


class TransitionIn(Schema):
    version: int = Field(description="Version de l'orientation lue par l'appelant (verrou optimiste).")
    reason: str = Field("", description="Commentaire (précisions sur le refus, résultat…).", max_length=1000)
    refusal_reason: str | None = Field(None, description="Code du motif de refus (obligatoire pour « refuse »).")
    outcome: str = Field("", description="Résultat (« complete », « abandon »).", max_length=3000)


# --- helpers -------------------------------------------------------------------------------------

_SELECT = (
    "person",
    "service__structure",
    "sender",
    "sender_organisation",
    "target_organisation",
    "refusal_reason",
)


# Model fields named in the services' errors -> the request fields they come from.
_FIELDS = {"service": "service_id", "consent": "consent_id", "person": "person_id"}


def _org(org) -> dict[str, Any] | None:
    return {"id": org.pk, "name": org.name} if org else None


def _summary(referral: Referral, visible: frozenset[str]) -> dict[str, Any]:
    refusal = referral.refusal_reason
    return {
        "id": referral.pk,
        "version": referral.version,
        "status": referral.status,
        "status_label": str(referral.get_status_display()),
        "person_id": referral.person_id,
        "person_display_name": referral.person.display_name if Section.IDENTITY in visible else None,
        "service": {
            "id": referral.service.pk,
            "name": referral.service.name,
            "structure_name": referral.service.structure.name,
        },
        "sender_organisation": _org(referral.sender_organisation),
        "target_organisation": _org(referral.target_organisation),
        "sections": [code for code in Section.values if code in referral.sections],
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "expires_at": referral.expires_at,
        "answered_at": referral.answered_at,
        "closed_at": referral.closed_at,
        "refusal_reason": {"code": refusal.code, "label": refusal.label} if refusal else None,
        "outcome": referral.outcome,
    }


def _detail(actor: Actor, referral: Referral) -> dict[str, Any]:
    side = side_of(actor, referral)
    payload = _summary(referral, perms.visible_sections(actor, referral.person_id))
    payload |= {
        "reason": referral.reason,
        "refusal_detail": referral.refusal_detail,
        "sender_name": referral.sender.get_full_name(),
        "side": side,
        "available_transitions": [name for name, _label in referral.transitions_for(side)] if side else [],
        "transitions": [
            {
                "name": t.name,
                "from_status": t.from_status,
                "to_status": t.to_status,
                "at": t.at,
                "by_name": t.by.get_full_name() if t.by else None,
                "by_organisation": t.by_organisation.name if t.by_organisation else None,
                "reason": t.reason,
            }
            for t in referral.transitions.select_related("by", "by_organisation")
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "created_at": a.created_at,
                "organisation": a.uploaded_by_organisation.name,
            }
            for a in referral.attachments.select_related("uploaded_by_organisation")
        ]
        if perms.can_view_referral_attachments(actor, referral)
        else None,
    }
    return payload


def _reload(referral_id: Id) -> Referral:
    return Referral.objects.select_related(*_SELECT).get(pk=referral_id)


# --- endpoints -----------------------------------------------------------------------------------


@router.get(
    "/referrals",
    url_name="referral_list",
    response={200: ReferralPage, 401: ErrorOut, 422: ErrorOut},
    summary="Orientations visibles",
    description=(
        "Les orientations envoyées par l'organisation courante de l'appelant et celles qu'elle a reçues "
        "(hors brouillons des autres), de la plus récente à la plus ancienne, paginées. Le nom de la "
        "personne n'est donné que si l'appelant peut voir la rubrique identité. Chaque appel est tracé "
        "dans le journal d'accès."
    ),
)
def list_referrals(
    request: HttpRequest,
    box: Literal["received", "sent"] | None = Query(
        None, description="« received » : orientations reçues ; « sent » : orientations envoyées."
    ),
    # The states spelt out for the OpenAPI document (a test keeps them equal to ReferralStatus.values).
    status: Literal["draft", "sent", "accepted", "refused", "in_progress", "done", "abandoned", "cancelled", "expired"]
    | None = Query(None, description="Ne garder que les orientations dans cet état."),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = referrals_visible_to(actor)
    if box == "received":
        queryset = queryset.filter(target_organisation_id=actor.organisation_id)
    elif box == "sent":
        queryset = queryset.filter(sender_organisation_id=actor.organisation_id)
    if status:
        queryset = queryset.filter(status=status)
    count, rows = page_rows(queryset.select_related(*_SELECT).order_by("-created_at", "-id"), page, page_size)
    sections = perms.visible_sections_many(actor, sorted({r.person_id for r in rows}))
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="referral.list",
        details={
            "ids": sorted({r.person_id for r in rows}),
            "referral_ids": [r.pk for r in rows],
            "box": box or "",
            "status": status or "",
            "page": page,
            "page_size": page_size,
        },
    )
    return envelope(count, page, page_size, [_summary(r, sections.get(r.person_id, frozenset())) for r in rows])


@router.get(
    "/referrals/{referral_id}",
    url_name="referral_detail",
    response={200: ReferralDetail, 401: ErrorOut, 404: ErrorOut},
    summary="Une orientation",
    description=(
        "L'orientation, avec son historique de transitions et les transitions que l'appelant peut déclencher. "
        "404 aussi bien pour une orientation inexistante que pour une orientation non visible. "
        "Chaque lecture est tracée dans le journal d'accès."
    ),
)
def get_referral(request: HttpRequest, referral_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    referral = get_referral_for_user(actor, referral_id)
    return _detail(actor, referral)


@router.get(
    "/referrals/{referral_id}/attachments/{attachment_id}",
    url_name="referral_attachment",
    response={200: None, 401: ErrorOut, 404: ErrorOut},
    summary="Télécharger une pièce jointe",
    description=(
        "Le fichier joint à l'orientation, pour l'organisation qui oriente et pour l'organisation destinataire "
        "tant que le partage court. 404 pour une pièce inexistante comme pour une pièce non accessible. "
        "Chaque téléchargement est tracé dans le journal d'accès."
    ),
)
def download_attachment(request: HttpRequest, referral_id: Id, attachment_id: Id) -> HttpResponseBase:
    actor = actor_of(request)
    referral = get_referral_for_user(actor, referral_id, purpose="attachment")
    return attachment_response(attachment_for_download(actor=actor, referral=referral, attachment_pk=attachment_id))


@router.post(
    "/referrals",
    url_name="referral_list",
    response={201: ReferralDetail, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Créer une orientation",
    description=(
        "Crée un brouillon d'orientation de la personne vers un service de l'annuaire, et l'envoie si "
        "« send » vaut true. Pas d'orientation sans consentement en vigueur couvrant les rubriques partagées "
        "et désignant l'organisation destinataire (422). 404 si le dossier n'est pas visible ; 403 si "
        "l'appelant ne peut pas modifier le dossier."
    ),
)
def create_referral(request: HttpRequest, payload: ReferralCreateIn) -> Any:
    actor = actor_of(request)
    person = get_person_for_user(actor, payload.person_id, purpose="referral")
    service = Service.objects.filter(pk=payload.service_id, is_active=True).select_related("structure").first()
    if service is None:
        return invalid(ValidationError({"service": _("Ce service n'existe pas dans l'annuaire.")}), _FIELDS)
    consent = None
    if payload.consent_id is not None:
        consent = Consent.objects.filter(pk=payload.consent_id, person_id=person.pk).first()
        if consent is None:
            return invalid(
                ValidationError({"consent": _("Ce consentement n'existe pas pour cette personne.")}), _FIELDS
            )
    try:
        with transaction.atomic():  # a refused send leaves no draft behind
            referral = referral_create(
                actor=actor,
                person=person,
                service=service,
                reason=payload.reason,
                sections=payload.sections,
                consent=consent,
            )
            if payload.send:
                referral = referral_transition(
                    actor=actor, referral=referral, name="send", expected_version=referral.version
                )
    except ReferralConflict as error:
        return conflict(error)
    except ValidationError as error:
        return invalid(error, _FIELDS)
    return Status(201, _detail(actor, _reload(referral.pk)))


@router.post(
    "/referrals/{referral_id}/{transition}",
    url_name="referral_transition",
    response={200: ReferralDetail, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Faire avancer une orientation",
    description=(
        "Déclenche une transition : "
        + ", ".join(f"« {name} »" for name in TRANSITIONS if name != "expire")
        + ". L'organisation qui oriente envoie et annule ; l'organisation destinataire accepte, refuse "
        "(« refusal_reason » obligatoire), démarre, réalise ou abandonne. 404 pour une transition inconnue "
        "ou une orientation non visible ; 403 si l'appelant n'est pas du bon côté ; 409 si la transition "
        "n'est pas possible depuis l'état courant ou si « version » n'est plus la version courante "
        "(quelqu'un a agi entre-temps)."
    ),
)
def transition_referral(request: HttpRequest, referral_id: Id, transition: str, payload: TransitionIn) -> Any:
    actor = actor_of(request)
    if transition not in TRANSITIONS:
        raise Http404
    referral = get_referral_for_user(actor, referral_id, purpose=transition)
    if side_of(actor, referral) != TRANSITIONS[transition][2]:
        raise PermissionDenied
    refusal_reason = None
    if payload.refusal_reason:
        refusal_reason = RefusalReason.objects.filter(code=payload.refusal_reason, is_active=True).first()
        if refusal_reason is None:
            return invalid(ValidationError({"refusal_reason": _("Ce motif de refus n'existe pas.")}))
    try:
        referral_transition(
            actor=actor,
            referral=referral,
            name=transition,
            expected_version=payload.version,
            reason=payload.reason,
            refusal_reason=refusal_reason,
            outcome=payload.outcome,
        )
    except ReferralConflict as error:
        current = Referral.objects.filter(pk=referral.pk).values_list("version", flat=True).first()
        return conflict(error, version=current)
    except ValidationError as error:
        return invalid(error)
    return Status(200, _detail(actor, _reload(referral.pk)))
