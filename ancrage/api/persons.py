"""Persons: the list of records the caller may open, and one record within its visible sections."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query

from ancrage.access import perms
from ancrage.access.sections import Section, situation_domains_in
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.pathways.models import Pathway
from ancrage.pathways.selectors import appointments_visible_to, notes_visible_to
from ancrage.persons.models import Person, Situation, country_name, language_name
from ancrage.persons.selectors import get_person_for_user, persons_visible_to

from .auth import actor_of
from .errors import ApiRouter
from .pagination import envelope, page_rows
from .schemas import MAX_PAGE, ErrorOut, Id, PersonDetail, PersonPage

router = ApiRouter(tags=["personnes"])

MAX_PAGE_SIZE = 100
# Journal notes and appointments returned with a record: the most recent ones.
MAX_NOTES = 100
MAX_APPOINTMENTS = 100


def _ordered(sections: set[str] | frozenset[str]) -> list[str]:
    return [code for code in Section.values if code in sections]


@router.get(
    "/persons",
    url_name="person_list",
    response={200: PersonPage, 401: ErrorOut, 422: ErrorOut},
    summary="Personnes visibles",
    description=(
        "Les personnes dont l'organisation courante de l'appelant peut ouvrir le dossier (besoin d'en "
        "connaître), paginées, avec les rubriques visibles. Chaque appel est tracé dans le journal d'accès."
    ),
)
def list_persons(
    request: HttpRequest,
    q: str = Query("", description="Recherche sur toutes les graphies connues du nom.", max_length=200),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1."),
    page_size: int = Query(settings.API_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Taille de page (100 au plus)."),
) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = persons_visible_to(actor)
    q = q.strip()
    if q:
        queryset = queryset.matching(q)
    count, rows = page_rows(
        queryset.order_by("display_name", "id").values("id", "display_name", "sex", "birth_date", "commune_id"),
        page,
        page_size,
    )
    sections = perms.visible_sections_many(actor, [row["id"] for row in rows])
    results = []
    for row in rows:
        visible = sections[row["id"]]
        identity = Section.IDENTITY in visible
        results.append(
            {
                "id": row["id"],
                "display_name": row["display_name"] if identity else None,
                "sex": row["sex"] if identity else None,
                "birth_year": row["birth_date"].year if identity and row["birth_date"] else None,
                "commune_code": row["commune_id"] if Section.CONTACT in visible else None,
                "sections": _ordered(visible),
            }
        )
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="person.list",
        details={"ids": [row["id"] for row in rows], "q": q, "page": page, "page_size": page_size},
    )
    return envelope(count, page, page_size, results)


@router.get(
    "/persons/{person_id}",
    url_name="person_detail",
    response={200: PersonDetail, 401: ErrorOut, 404: ErrorOut},
    summary="Dossier d'une personne",
    description=(
        "Le dossier, limité aux rubriques que l'organisation courante de l'appelant peut voir ; les autres "
        "valent null. 404 aussi bien pour un dossier inexistant que pour un dossier non partagé. "
        "Chaque lecture est tracée dans le journal d'accès."
    ),
)
def get_person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    person = get_person_for_user(actor, person_id)
    visible = perms.visible_sections(actor, person.pk)
    payload: dict[str, Any] = {"id": person.pk, "sections": _ordered(visible)}
    if Section.IDENTITY in visible:
        payload["identity"] = _identity(person)
    if Section.CONTACT in visible:
        payload["contact"] = _contact(person)
    if Section.FAMILY in visible:
        payload["family"] = _family(person)
    if Section.PROTECTION in visible:
        payload["protection"] = _protection(person)
    if Section.LANGUAGE in visible:
        payload["language"] = _language(person)
    if Section.PATHWAY in visible:
        payload["pathways"] = _pathways(person)
    domains = situation_domains_in(visible)
    if domains:  # each domain of the history belongs to its section (housing, employment history)
        payload["situations"] = _situations(person, domains)
    if Section.JOURNAL in visible:
        payload["journal"] = _journal(actor, person)
    if Section.APPOINTMENTS in visible:
        payload["appointments"] = _appointments(actor, person)
    return payload


def _identity(person: Person) -> dict[str, Any]:
    return {
        "display_name": person.display_name,
        "identities": [
            {
                "id": i.pk,
                "last_name": i.last_name,
                "first_names": i.first_names,
                "full_name": i.full_name,
                "script": i.script,
                "source": i.source,
                "is_reference": i.is_reference,
            }
            for i in person.identities.all()
        ],
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_date_precision": person.birth_date_precision,
        "birth_date_display": person.birth_date_display,
        "birth_country": person.birth_country,
        "birth_place": person.birth_place,
        "nationalities": [
            {"code": code, "label": country_name(code)}
            for code in person.nationalities.order_by("code").values_list("code", flat=True)
        ],
    }


def _contact(person: Person) -> dict[str, Any]:
    commune = person.commune
    return {
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "commune": {"code": commune.insee_code, "name": commune.name} if commune else None,
    }


def _family(person: Person) -> dict[str, Any]:
    household = person.household
    members = household.members.order_by("birth_date", "id") if household else []
    return {
        "household_id": household.pk if household else None,
        "household_label": household.label if household else "",
        "household_members": [
            {
                "id": m.pk,
                "first_names": m.first_names,
                "last_name": m.last_name,
                "relationship": m.relationship,
                "birth_date": m.birth_date,
            }
            for m in members
        ],
        "family_abroad": [
            {
                "id": f.pk,
                "first_names": f.first_names,
                "last_name": f.last_name,
                "relationship": f.relationship,
                "birth_date": f.birth_date,
                "country": f.country,
                "declared_to_ofpra": f.declared_to_ofpra,
                "visa_status": f.visa_status,
                "visa_application_date": f.visa_application_date,
                "consulate": f.consulate,
                "arrival_date": f.arrival_date,
            }
            for f in person.family_abroad.order_by("id")
        ],
    }


def _protection(person: Person) -> dict[str, Any]:
    return {
        "protections": [
            {
                "id": p.pk,
                "type": p.type,
                "deciding_body": p.deciding_body,
                "decision_date": p.decision_date,
                "notification_date": p.notification_date,
                "ofpra_number": p.ofpra_number,
                "end_date": p.end_date,
            }
            for p in person.protections.all()
        ],
        "residence_documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "mention": d.mention,
                "number": d.number,
                "issue_date": d.issue_date,
                "expiry_date": d.expiry_date,
            }
            for d in person.residence_documents.all()
        ],
    }


def _language(person: Person) -> dict[str, Any]:
    return {
        "languages": [
            {"code": lang.code, "name": language_name(lang.code), "proficiency": lang.proficiency}
            for lang in person.languages.order_by("id")
        ],
        "interpreting_needed": person.interpreting_needed,
        "interpreting_language": person.interpreting_language,
        "french_assessments": [
            {
                "id": a.pk,
                "assessed_on": a.assessed_on,
                "level": a.level,
                "skill": a.skill,
                "kind": a.kind,
                "test_name": a.test_name,
            }
            for a in person.french_assessments.all()
        ],
    }


def _pathways(person: Person) -> list[dict[str, Any]]:
    pathways = Pathway.objects.filter(person=person).select_related("operator", "referent")
    return [
        {
            "id": p.pk,
            "programme": p.programme,
            "status": p.status,
            "operator": {
                "id": p.operator.pk,
                "name": p.operator.name,
                "short_name": p.operator.short_name,
                "kind": p.operator.kind,
            },
            "referent_name": p.referent.get_full_name() if p.referent else None,
            "oriented_by": p.oriented_by,
            "entry_date": p.entry_date,
            "exit_date": p.exit_date,
            "exit_reason": p.exit_reason,
        }
        for p in pathways
    ]


def _situations(person: Person, domains: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "domain": s.domain,
            "status": s.status,
            "status_label": s.status_label,
            "start_date": s.start_date,
            "end_date": s.end_date,
            "details": s.details,
            "commune_code": s.commune_id,
        }
        for s in Situation.objects.filter(person=person, domain__in=domains)
    ]


def _journal(actor: Actor, person: Person) -> list[dict[str, Any]]:
    notes = notes_visible_to(actor, person.pk).order_by("-created_at", "-id")[:MAX_NOTES]
    return [
        {
            "id": n.pk,
            "created_at": n.created_at,
            "author_name": n.author.get_full_name(),
            "organisation": n.organisation.display_name,
            "confidentiality": n.confidentiality,
            "pathway_id": n.pathway_id,
            "body": n.body,
        }
        for n in notes
    ]


def _appointments(actor: Actor, person: Person) -> list[dict[str, Any]]:
    appointments = appointments_visible_to(actor, person.pk).order_by("-starts_at", "-id")[:MAX_APPOINTMENTS]
    return [
        {
            "id": a.pk,
            "subject": a.subject,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "location": a.location,
            "status": a.status,
            "interpreter_needed": a.interpreter_needed,
            "organisation": a.organisation.display_name,
            "with_user_name": a.with_user.get_full_name(),
            "pathway_id": a.pathway_id,
        }
        for a in appointments
    ]
