"""'Download everything about this person' for access requests (GDPR art. 15), in JSON and PDF.

The export holds what the exporting organisation holds: the whole record, the pathways, the notes
its members wrote and the notes shared with it, the consents, and the access log of the record.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from ancrage.access import perms
from ancrage.access.models import AccessGrant, Consent
from ancrage.access.sections import rules_in, section_of_model, situation_domains_in
from ancrage.audit.models import AuditEvent
from ancrage.organisations.actor import Actor
from ancrage.pathways.models import Appointment, Confidentiality, Note, Pathway

from .models import Person, country_name, language_name


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):  # a rent: JSON has no decimal type
        return str(value)
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
    # The situation history and the tracks are read section by section (``access.sections``): an
    # accompanying organisation sees them all, the table still decides what each block needs.
    sections = perms.visible_sections(actor, person.pk)
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
            for s in person.situations.filter(domain__in=situation_domains_in(sections))
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
    data |= _tracks_data(actor, person, sections)
    return data


def _shown(model, person: Person, sections: frozenset[str]):
    """The person's rows of a track model, or none when the model's section is not visible."""
    rows = model.objects.filter(person=person)
    return rows if section_of_model(model) in sections else rows.none()


def _tracks_data(actor: Actor, person: Person, sections: frozenset[str]) -> dict[str, Any]:
    """Employment, housing, rights and language tracks, and the deadlines; the health compartment only
    for a member holding the health permission (the export is the exporting organisation's view)."""
    from ancrage.deadlines.models import Deadline
    from ancrage.employment.models import Diploma, EmploymentProfile, Placement, TargetOccupation, WorkExperience
    from ancrage.tracks import models as tracks

    profile = EmploymentProfile.objects.filter(person=person).first()
    data: dict[str, Any] = {
        "employment_profile": _rows(
            [profile] if profile else [],
            [
                "schooling_years",
                "literacy",
                "licence_status",
                "licence_country",
                "licence_first_receipt_on",
                "mobility_radius_km",
                "availability",
                "available_from",
                "childcare_constraint",
                "health_constraint",
                "no_night_or_weekend",
                "france_travail_registered_on",
                "france_travail_id",
                "rsa",
            ],
        ),
        "diplomas": _rows(
            Diploma.objects.filter(person=person),
            ["title", "country", "level", "field", "year", "recognition_status", "recognition_requested_on"],
        ),
        "work_experiences": [
            {"occupation": e.appellation.label, "rome_code": e.rome_code, "country": e.country, "years": str(e.years)}
            for e in WorkExperience.objects.filter(person=person).select_related("appellation")
        ],
        "target_occupations": [
            {"occupation": t.appellation.label, "rome_code": t.rome_code}
            for t in TargetOccupation.objects.filter(person=person).select_related("appellation")
        ],
        "placements": [
            {
                "opportunity": p.opportunity.title,
                "status": p.get_status_display(),
                "proposed_on": _value(p.proposed_on),
                "contract_type": p.get_contract_type_display(),
                "contract_start": _value(p.contract_start),
                "contract_end": _value(p.contract_end),
            }
            for p in Placement.objects.filter(person=person).select_related("opportunity")
        ],
        "siao_requests": _rows(
            _shown(tracks.SiaoRequest, person, sections),
            ["kind", "requested_on", "status", "decided_on", "outcome"],
        ),
        "social_housing_requests": _rows(
            _shown(tracks.SocialHousingRequest, person, sections),
            ["sne_number", "requested_on", "last_renewed_on", "household_size", "status", "closed_on"],
        ),
        "housing_offers": _rows(
            _shown(tracks.HousingOffer, person, sections),
            ["landlord", "typology", "rent", "offered_on", "decision", "decided_on", "refusal_reason"],
        ),
        "mobility_candidacies": _rows(
            _shown(tracks.MobilityCandidacy, person, sections),
            ["submitted_on", "status", "proposed_place", "moved_on"],
        ),
        "stay_extensions": _rows(_shown(tracks.StayExtension, person, sections), ["kind", "granted_on", "months"]),
        "caf": _rows(_shown(tracks.CafFile, person, sections), ["number", "registered_on", "benefits"]),
        "bank_account": _rows(
            _shown(tracks.BankAccount, person, sections),
            ["step", "refused_on", "bdf_requested_on", "designated_on", "opened_on", "bank_name"],
        ),
        "civic_training": _rows(_shown(tracks.CivicTraining, person, sections), ["session", "attended_on"]),
        "language_prescriptions": _rows(
            _shown(tracks.LanguagePrescription, person, sections), ["prescribed_on", "hours", "target_level"]
        ),
        "language_courses": _rows(
            _shown(tracks.LanguageCourse, person, sections), ["title", "start_on", "end_on", "hours", "status"]
        ),
        "cir": {"signed_on": _value(person.cir_signed_on), "ofii_directorate": person.cir_ofii_directorate},
    }
    deadlines = Deadline.objects.filter(person=person, code__in=rules_in(sections))
    if actor.can_access_health:
        data["health"] = _rows(
            tracks.HealthCoverage.objects.filter(person=person),
            [
                "puma_status",
                "puma_requested_on",
                "puma_opened_on",
                "css_status",
                "css_opened_on",
                "css_expires_on",
                "gp_declared_on",
                "checkup_done_on",
                "interpreting_needed",
            ],
        )
    else:
        deadlines = deadlines.exclude(code="css_renewal")
    data["deadlines"] = _rows(deadlines, ["code", "due_on", "status", "done_on", "rule_label"])
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# Track sections of the export shown in the PDF: key -> (title, model whose field names label the columns).
def _track_tables(data: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.translation import gettext as _

    from ancrage.deadlines.models import Deadline
    from ancrage.employment import models as employment
    from ancrage.tracks import models as tracks

    sections = [
        ("employment_profile", _("Profil socio-professionnel"), employment.EmploymentProfile),
        ("diplomas", _("Diplômes"), employment.Diploma),
        ("work_experiences", _("Expériences professionnelles"), employment.WorkExperience),
        ("target_occupations", _("Métiers visés"), employment.TargetOccupation),
        ("placements", _("Mises en relation"), employment.Placement),
        ("siao_requests", _("Demandes SIAO"), tracks.SiaoRequest),
        ("social_housing_requests", _("Demandes de logement social"), tracks.SocialHousingRequest),
        ("housing_offers", _("Propositions de logement"), tracks.HousingOffer),
        ("mobility_candidacies", _("Mobilité nationale"), tracks.MobilityCandidacy),
        ("stay_extensions", _("Prolongations de séjour"), tracks.StayExtension),
        ("health", _("Santé (couverture)"), tracks.HealthCoverage),
        ("caf", _("CAF"), tracks.CafFile),
        ("bank_account", _("Compte bancaire"), tracks.BankAccount),
        ("civic_training", _("Formation civique"), tracks.CivicTraining),
        ("language_prescriptions", _("Prescriptions linguistiques"), tracks.LanguagePrescription),
        ("language_courses", _("Cours de français"), tracks.LanguageCourse),
        ("deadlines", _("Échéances"), Deadline),
    ]
    tables = []
    for key, title, model in sections:
        rows = data.get(key) or []
        if not rows:
            continue
        names = list(rows[0])
        headers = []
        for name in names:
            try:
                headers.append(str(getattr(model._meta.get_field(name), "verbose_name", name)))
            except FieldDoesNotExist:
                headers.append({"occupation": _("Métier"), "opportunity": _("Opportunité")}.get(name, name))
        tables.append((title, headers, [[row[name] for name in names] for row in rows]))
    return tables


def to_pdf(data: dict[str, Any], *, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("persons/export_pdf.html", {"data": data, "track_tables": _track_tables(data)})
    return HTML(string=html, base_url=base_url).write_pdf()
