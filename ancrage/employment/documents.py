"""Documents generated from the record: the commitment contract of a pathway and the person's CV.

Each has a rendering function (HTML, tested for its wording) and a PDF function (WeasyPrint, A4).
Nothing is stored: the CV in particular is what the référent validated on screen, for this download.
"""

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ancrage.pathways import outcomes
from ancrage.pathways.models import Pathway, PlanAction
from ancrage.persons.models import LanguageSkill, Person, language_name

from .models import DRIVING_STATUSES, Diploma, EmploymentProfile, LicenceStatus, TargetOccupation, WorkExperience


def _pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


# --- the commitment contract ---------------------------------------------------------------------


def commitment_contract_context(pathway: Pathway) -> dict[str, Any]:
    from django.db.models import Prefetch

    rule = outcomes.rule_for(pathway)
    objectives = list(
        pathway.objectives.exclude(status="abandoned").prefetch_related(
            Prefetch("actions", queryset=PlanAction.objects.exclude(status="abandoned").order_by("due_date", "id"))
        )
    )
    person = pathway.person
    identity = person.reference_identity
    return {
        "pathway": pathway,
        "person": person,
        "identity": identity,
        "operator": pathway.operator,
        "referent": pathway.referent,
        "rule": rule,
        "duration_months": rule.duration_months if rule else None,
        "planned_end": outcomes.planned_end(pathway, rule),
        "objectives": objectives,
        "generated_on": timezone.localdate(),
    }


def render_commitment_contract(pathway: Pathway) -> str:
    return render_to_string("employment/documents/commitment_contract.html", commitment_contract_context(pathway))


def commitment_contract_pdf(pathway: Pathway, *, base_url: str) -> bytes:
    return _pdf(render_commitment_contract(pathway), base_url)


# --- the CV ----------------------------------------------------------------------------------------


def _years(value) -> str:
    number = float(value)
    if number < 1:
        return _("moins d'un an")
    shown = f"{number:g}".replace(".", ",")
    return ngettext("%(n)s an", "%(n)s ans", 1 if number < 2 else 2) % {"n": shown}


def cv_initial(person: Person, today: dt.date | None = None) -> dict[str, str]:
    """The CV form prefilled from the record (no photo, nationality, protection status or birth date)."""
    from ancrage.persons.models import country_name

    profile = EmploymentProfile.objects.filter(person=person).first()
    experiences = WorkExperience.objects.filter(person=person).select_related("appellation")
    diplomas = Diploma.objects.filter(person=person)
    targets = TargetOccupation.objects.filter(person=person).select_related("appellation")
    identity = person.reference_identity
    full_name = f"{identity.first_names} {identity.last_name}".strip() if identity else person.display_name

    experience_lines = []
    for e in experiences:
        where = ", ".join(part for part in (e.employer_name, country_name(e.country)) if part)
        line = f"{e.appellation.label} — {where} ({_years(e.years)})"
        if e.description:
            line += f" : {' '.join(e.description.split())}"
        experience_lines.append(line)
    diploma_lines = []
    for d in diplomas:
        parts = [d.title]
        if d.field:
            parts.append(d.field)
        line = " — ".join(parts) + f" ({country_name(d.country)}{f', {d.year}' if d.year else ''})"
        if d.recognition_status == "obtained":
            line += " — " + _("attestation de comparabilité ENIC-NARIC")
        diploma_lines.append(line)

    language_lines = []
    latest_french = person.french_assessments.filter(skill=LanguageSkill.GLOBAL).order_by("-assessed_on", "-id").first()
    latest_french = latest_french or person.french_assessments.order_by("-assessed_on", "-id").first()
    if latest_french is not None:
        language_lines.append(_("Français : niveau %(level)s (CECRL)") % {"level": latest_french.level})
    for language in person.languages.all():
        if language.code == "fra" and latest_french is not None:
            continue
        language_lines.append(
            _("%(language)s : %(level)s")
            % {"language": language_name(language.code), "level": language.get_proficiency_display().lower()}
        )

    licence = ""
    if profile is not None:
        if profile.licence_status in DRIVING_STATUSES:
            licence = _("Permis B")
        elif profile.licence_status == LicenceStatus.REQUESTED:
            licence = _("Permis B (échange en cours)")

    return {
        "full_name": full_name,
        "title": targets[0].appellation.label if targets else "",
        "summary": "",
        "experiences": "\n".join(experience_lines),
        "diplomas": "\n".join(diploma_lines),
        "languages": "\n".join(language_lines),
        "driving_licence": licence,
        "skills": "",
        "commune": person.commune.name if person.commune_id and person.commune else "",
        "phone": person.phone,
        "email": person.email,
    }


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def render_cv(data: dict[str, Any]) -> str:
    """The CV's HTML from the validated form data (one column, A4)."""
    context = {
        **data,
        "experience_lines": _lines(data.get("experiences", "")),
        "diploma_lines": _lines(data.get("diplomas", "")),
        "language_lines": _lines(data.get("languages", "")),
        "skill_lines": _lines(data.get("skills", "")),
    }
    return render_to_string("employment/documents/cv.html", context)


def cv_pdf(data: dict[str, Any], *, base_url: str) -> bytes:
    return _pdf(render_cv(data), base_url)
