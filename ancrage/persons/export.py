"""'Download everything about this person' for access requests (GDPR art. 15), in JSON and PDF.

The export holds what the exporting organisation holds: the whole record, the pathways, the notes
its members wrote and the notes shared with it, the consents, and the access log of the record.
"""

import json
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from ancrage.access.models import AccessGrant, Consent
from ancrage.audit.models import AuditEvent
from ancrage.organisations.actor import Actor
from ancrage.pathways.models import Appointment, Confidentiality, Note, Pathway

from .models import Person, country_name, language_name


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(queryset, fields: list[str], labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for obj in queryset:
        row = {}
        for name in fields:
            value = getattr(obj, name)
            display = getattr(obj, f"get_{name}_display", None)
            row[name] = _value(display() if display else value)
        rows.append(row)
    return rows


def person_export_data(actor: Actor, person: Person) -> dict[str, Any]:
    organisation_id = actor.organisation_id
    notes = (
        Note.objects.filter(person=person)
        .filter(Q(organisation_id=organisation_id) | Q(confidentiality=Confidentiality.SHARED))
        .select_related("author", "organisation")
    )
    pathways = (
        Pathway.objects.filter(person=person)
        .select_related("operator", "referent")
        .prefetch_related("transitions", "diagnostic_items", "objectives__actions")
    )
    data: dict[str, Any] = {
        "export": {
            "generated_at": _value(timezone.now()),
            "generated_by": actor.user.get_full_name(),
            "organisation": actor.organisation.name if actor.organisation else "",
            "person_id": person.pk,
        },
        "person": {
            "sex": person.get_sex_display(),
            "birth_date": person.birth_date_display,
            "birth_country": country_name(person.birth_country) if person.birth_country else "",
            "birth_place": person.birth_place,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "commune": str(person.commune) if person.commune else "",
            "interpreting_needed": person.interpreting_needed,
            "interpreting_language": language_name(person.interpreting_language)
            if person.interpreting_language
            else "",
        },
        "identities": _rows(person.identities.all(), ["last_name", "first_names", "script", "source", "is_reference"]),
        "nationalities": [country_name(n.code) for n in person.nationalities.all()],
        "languages": [
            {"language": language_name(lang.code), "proficiency": lang.get_proficiency_display()}
            for lang in person.languages.all()
        ],
        "french_levels": _rows(person.french_assessments.all(), ["assessed_on", "level", "skill", "kind", "test_name"]),
        "household": _rows(person.household.members.all(), ["first_names", "last_name", "relationship", "birth_date"])
        if person.household is not None
        else [],
        "family_abroad": _rows(
            person.family_abroad.all(),
            [
                "first_names",
                "last_name",
                "relationship",
                "birth_date",
                "country",
                "declared_to_ofpra",
                "visa_status",
                "visa_application_date",
                "consulate",
                "arrival_date",
            ],
        ),
        "protections": _rows(
            person.protections.all(),
            ["type", "deciding_body", "decision_date", "notification_date", "ofpra_number", "end_date"],
        ),
        "residence_documents": _rows(
            person.residence_documents.all(), ["kind", "mention", "number", "issue_date", "expiry_date"]
        ),
        "situations": [
            {
                "domain": s.get_domain_display(),
                "status": str(s.status_label),
                "start_date": _value(s.start_date),
                "end_date": _value(s.end_date),
                "details": s.details,
            }
            for s in person.situations.all()
        ],
        "pathways": [
            {
                "programme": p.get_programme_display(),
                "operator": p.operator.name,
                "referent": p.referent.get_full_name() if p.referent else "",
                "entry_date": _value(p.entry_date),
                "status": p.get_status_display(),
                "exit_date": _value(p.exit_date),
                "exit_reason": p.get_exit_reason_display(),
                "steps": [
                    {"at": _value(t.at), "to": t.get_to_status_display(), "reason": t.reason}
                    for t in p.transitions.all()
                ],
                "diagnostic": [
                    {"domain": d.get_domain_display(), "situation": d.situation, "need": d.get_need_level_display()}
                    for d in p.diagnostic_items.all()
                ],
                "plan": [
                    {
                        "theme": o.get_theme_display(),
                        "objective": o.title,
                        "status": o.get_status_display(),
                        "actions": [
                            {"action": a.title, "due_date": _value(a.due_date), "status": a.get_status_display()}
                            for a in o.actions.all()
                        ],
                    }
                    for o in p.objectives.all()
                ],
            }
            for p in pathways
        ],
        "notes": [
            {
                "at": _value(n.created_at),
                "author": n.author.get_full_name(),
                "organisation": n.organisation.name,
                "visibility": n.get_confidentiality_display(),
                "text": n.body,
            }
            for n in notes
        ],
        "appointments": [
            {
                "starts_at": _value(a.starts_at),
                "ends_at": _value(a.ends_at),
                "subject": a.subject,
                "location": a.location,
                "status": a.get_status_display(),
                "organisation": a.organisation.name,
            }
            for a in Appointment.objects.filter(person=person).select_related("organisation")
        ],
        "consents": [
            {
                "given_on": _value(c.given_on),
                "purpose": c.purpose,
                "sections": c.section_labels(),
                "recipients": [r.name for r in c.recipients.all()],
                "method": c.get_method_display(),
                "version": c.text_version,
                "withdrawn_on": _value(c.withdrawn_on),
            }
            for c in Consent.objects.filter(person=person).prefetch_related("recipients")
        ],
        "organisations_with_access": sorted(
            {
                g.organisation.name
                for g in AccessGrant.objects.active().filter(person=person).select_related("organisation")
            }
        ),
        "access_log": [
            {
                "at": _value(e.at),
                "action": e.get_action_display(),
                "event": e.event,
                "user": e.user.get_full_name() if e.user else "",
                "organisation": e.organisation.name if e.organisation else "",
            }
            for e in AuditEvent.objects.filter(person_id=person.pk).select_related("user", "organisation")[:1000]
        ],
    }
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_pdf(data: dict[str, Any], *, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("persons/export_pdf.html", {"data": data})
    return HTML(string=html, base_url=base_url).write_pdf()
