"""Reading the four tracks of a person (housing, health, language and CIR, rights).

Every function takes the sections the viewer sees (``perms.visible_sections``): a track, and each
block inside it, is read only when its section is visible. Health needs the health permission,
which ``perms`` already strips from the visible sections.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access.sections import Section, rules_in, section_of_model, situation_domains_in
from ancrage.core.dates import age_on
from ancrage.core.enums import AssessmentKind, CEFRLevel
from ancrage.deadlines.models import Deadline, DeadlineStatus, RuleCode
from ancrage.organisations.actor import Actor
from ancrage.persons.models import DocumentKind, Person, ProtectionType, SituationDomain

from .models import (
    BankAccount,
    BankStep,
    CafBenefit,
    CafFile,
    CoverageStatus,
    HealthCoverage,
    HousingRequestStatus,
    LanguageRequirementRule,
    LicenceReciprocity,
)

# The track each deadline is shown in (pathway deadlines belong to no track).
TRACK_CODES: dict[str, set[str]] = {
    "housing": {RuleCode.ASYLUM_HOUSING_EXIT, RuleCode.CPH_END, RuleCode.SNE_RENEWAL},
    "health": {RuleCode.CSS_RENEWAL},
    "language": set(),
    "rights": {RuleCode.RESIDENCE_RENEWAL, RuleCode.LICENCE_EXCHANGE},
}

# The sections that open each track (any one of them); inside a track, each block needs its own
# section (``sections.CONTENTS``): the rights track shows the CAF file and the bank account with
# "rights", the residence documents with "protection".
TRACK_SECTIONS: dict[str, frozenset[str]] = {
    "housing": frozenset({section_of_model("tracks.SiaoRequest")}),
    "health": frozenset({section_of_model("tracks.HealthCoverage")}),
    "language": frozenset({section_of_model("tracks.LanguageCourse")}),
    "rights": frozenset({section_of_model("tracks.CafFile"), section_of_model("persons.ResidenceDocument")}),
}

RSA_AGE = 25
HEALTH_THEMATIQUE_PREFIX = "sante--"


def visible_tracks(sections: frozenset[str]) -> list[str]:
    return [track for track, opening in TRACK_SECTIONS.items() if opening & sections]


def visible_deadline_codes(sections: frozenset[str]) -> set[str]:
    """A deadline is shown only to who sees its rule's section (``access.sections.CONTENTS``)."""
    return rules_in(sections)


def deadlines_visible(person_id: int, sections: frozenset[str], *, open_only: bool = True) -> QuerySet[Deadline]:
    """The person's deadlines whose section the viewer sees, soonest first."""
    queryset = Deadline.objects.filter(person_id=person_id, code__in=visible_deadline_codes(sections))
    if open_only:
        queryset = queryset.filter(status=DeadlineStatus.OPEN)
    return queryset.order_by("due_on", "id")


def is_overdue(deadline: Deadline, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return deadline.status == DeadlineStatus.OPEN and deadline.due_on < today


def is_window_open(deadline: Deadline, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return deadline.opens_on is None or deadline.opens_on <= today


# --- computed facts -----------------------------------------------------------------------------


def rsa_eligible_by_age(person: Person, on: dt.date | None = None) -> bool | None:
    """RSA from 25 (earlier only in particular cases: parent, young worker): None without a birth date."""
    age = age_on(person.birth_date, on or timezone.localdate())
    return None if age is None else age >= RSA_AGE


def rsa_eligible_from(person: Person) -> dt.date | None:
    born = person.birth_date
    if born is None:
        return None
    try:
        return born.replace(year=born.year + RSA_AGE)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + RSA_AGE, day=28)


def next_document_kind(person: Person, protections: list, documents: list) -> str | None:
    """The residence document the person will ask for next, when a French level may be required.

    A multi-year card is followed by a resident card; a refugee goes to the resident card; a
    beneficiary of subsidiary protection or a stateless person to a first multi-year card. A resident
    card is renewed without a language condition.
    """
    kinds = {doc.kind for doc in documents}
    if DocumentKind.RESIDENT_CARD in kinds:
        return None
    if DocumentKind.MULTI_YEAR_CARD in kinds:
        return DocumentKind.RESIDENT_CARD
    types = {p.type for p in protections if p.end_date is None or p.end_date >= timezone.localdate()}
    if ProtectionType.REFUGEE in types:
        return DocumentKind.RESIDENT_CARD
    if types & {ProtectionType.SUBSIDIARY, ProtectionType.STATELESS}:
        return DocumentKind.MULTI_YEAR_CARD
    return None


def best_certified_level(assessments: list) -> str | None:
    """The highest CEFR level the person holds by a certification (self-assessments do not count)."""
    certified = [a.level for a in assessments if a.kind == AssessmentKind.CERTIFIED]
    return max(certified, key=CEFRLevel.rank) if certified else None


@dataclass
class LanguageRequirement:
    document_kind: str | None
    document_label: str = ""
    rule: LanguageRequirementRule | None = None
    best_level: str | None = None

    @property
    def level(self) -> str | None:
        return self.rule.level if self.rule else None

    @property
    def reached(self) -> bool | None:
        if self.rule is None:
            return None
        return self.best_level is not None and CEFRLevel.rank(self.best_level) >= CEFRLevel.rank(self.rule.level)


def language_requirement(
    person: Person, *, protections: list, documents: list, assessments: list, on: dt.date | None = None
) -> LanguageRequirement:
    """The level the person's next residence document requires on ``on`` (dated rules), and where they are."""
    kind = next_document_kind(person, protections, documents)
    best = best_certified_level(assessments)
    if kind is None:
        return LanguageRequirement(None, best_level=best)
    rule = LanguageRequirementRule.in_force(kind, on or timezone.localdate())
    return LanguageRequirement(kind, str(DocumentKind(kind).label), rule, best)


# --- the tracks ------------------------------------------------------------------------------------


@dataclass
class Track:
    key: str
    label: str
    deadlines: list[Deadline] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _one(model, person: Person):
    return model.objects.filter(person=person).first()


def _housing(person: Person, sections: frozenset[str], actor: Actor) -> Track:
    track = Track("housing", _("Logement"))
    # The track is opened by the housing section, which holds the housing situations too.
    domains = [d for d in situation_domains_in(sections) if d == SituationDomain.HOUSING]
    situations = list(person.situations.filter(domain__in=domains).select_related("commune"))
    housing_requests = list(person.housing_requests.prefetch_related("desired_communes"))
    current = next((s for s in situations if s.end_date is None), None)
    data: dict[str, Any] = {
        "situations": situations,
        "current": current,
        "siao_requests": list(person.siao_requests.all()),
        "housing_requests": housing_requests,
        "offers": list(person.housing_offers.select_related("commune", "request")),
        "mobility": list(person.mobility_candidacies.all()),
        "extensions": list(person.stay_extensions.all()),
    }
    track.data = data
    if current is None:
        track.hints.append(_("Renseignez la situation de logement actuelle (historique du dossier)."))
    elif current.status in {"cada", "huda", "cph"}:
        track.hints.append(
            _("Préparez la sortie de l'hébergement : demande SIAO, demande de logement social, mobilité nationale.")
        )
    active = [r for r in housing_requests if r.status == HousingRequestStatus.ACTIVE]
    if not active and (current is None or current.status not in {"social_rental", "private_rental"}):
        track.hints.append(_("Déposez une demande de logement social (numéro unique SNE)."))
    if active:
        track.hints.append(_("Renouvelez la demande de logement social chaque année avant sa date anniversaire."))
    return track


def _health(person: Person, actor: Actor) -> Track:
    from ancrage.referrals.selectors import referrals_visible_to

    track = Track("health", _("Santé"))
    coverage = _one(HealthCoverage, person)
    referrals = [
        r
        for r in referrals_visible_to(actor)
        .filter(person=person)
        .select_related("service__structure")
        .order_by("-created_at")[:50]
        if any(str(code).startswith(HEALTH_THEMATIQUE_PREFIX) for code in (r.service.thematiques or []))
    ]
    track.data = {"coverage": coverage, "referrals": referrals}
    if coverage is None or coverage.puma_status == CoverageStatus.NONE:
        track.hints.append(_("Demandez l'ouverture des droits à l'assurance maladie (PUMa) auprès de la CPAM."))
    if coverage is None or coverage.css_status == CoverageStatus.NONE:
        track.hints.append(_("Vérifiez le droit à la complémentaire santé solidaire (CSS)."))
    if coverage is None or coverage.gp_declared_on is None:
        track.hints.append(_("Aidez la personne à déclarer un médecin traitant."))
    return track


def _language(person: Person, sections: frozenset[str]) -> Track:
    track = Track("language", _("Langue et CIR"))
    assessments = list(person.french_assessments.all())
    protections = list(person.protections.all()) if Section.PROTECTION in sections else []
    documents = list(person.residence_documents.all()) if Section.PROTECTION in sections else []
    trainings = list(person.civic_trainings.all())
    track.data = {
        "cir_signed_on": person.cir_signed_on,
        "cir_ofii_directorate": person.cir_ofii_directorate,
        "civic_trainings": trainings,
        "prescriptions": list(person.language_prescriptions.all()),
        "courses": list(person.language_courses.select_related("service__structure", "referral")),
        "assessments": assessments,
        # The next card is known only to who sees the residence documents.
        "requirement": language_requirement(
            person, protections=protections, documents=documents, assessments=assessments
        )
        if Section.PROTECTION in sections
        else None,
    }
    if person.cir_signed_on is None:
        track.hints.append(_("Vérifiez la signature du contrat d'intégration républicaine (CIR) avec l'OFII."))
    elif len(trainings) < 4:
        track.hints.append(_("Suivez les journées de formation civique restantes."))
    requirement = track.data["requirement"]
    if requirement is not None and requirement.reached is False:
        track.hints.append(
            _("Le prochain titre demande le niveau %(level)s : prévoyez des cours et une certification.")
            % {"level": requirement.level}
        )
    return track


def _rights(person: Person, sections: frozenset[str]) -> Track:
    from ancrage.employment.models import Diploma, EmploymentProfile

    track = Track("rights", _("Droits"))
    caf_visible = section_of_model(CafFile) in sections
    bank_visible = section_of_model(BankAccount) in sections
    caf = _one(CafFile, person) if caf_visible else None
    bank = _one(BankAccount, person) if bank_visible else None
    data: dict[str, Any] = {}
    if caf_visible:
        data["caf"] = caf
        data["caf_benefits"] = [
            str(CafBenefit(b).label) for b in (caf.benefits if caf else []) if b in CafBenefit.values
        ]
        data["rsa_eligible"] = rsa_eligible_by_age(person)
        data["rsa_from"] = rsa_eligible_from(person)
    if bank_visible:
        data["bank"] = bank
    if section_of_model("persons.ResidenceDocument") in sections:
        data["documents"] = list(person.residence_documents.all())
    if Section.EMPLOYMENT in sections:
        profile = _one(EmploymentProfile, person)
        data["licence"] = profile
        data["licence_reciprocity"] = (
            LicenceReciprocity.in_force(profile.licence_country, timezone.localdate())
            if profile and profile.licence_country
            else None
        )
        data["diplomas"] = list(Diploma.objects.filter(person=person))
    if Section.FAMILY in sections:
        data["family_abroad"] = list(person.family_abroad.all())
    track.data = data
    if caf_visible and (caf is None or not caf.number):
        track.hints.append(_("Ouvrez un dossier à la CAF (RSA, aide au logement, prestations familiales)."))
    if bank_visible and (bank is None or bank.step != BankStep.OPEN):
        track.hints.append(
            _(
                "Sans compte bancaire après un refus, saisissez la Banque de France (droit au compte) : "
                "elle désigne une banque."
            )
        )
    return track


def person_tracks(actor: Actor, person: Person, sections: frozenset[str]) -> dict[str, Track]:
    """The tracks the viewer sees, each with its open deadlines (soonest first)."""
    tracks: dict[str, Track] = {}
    opened = visible_tracks(sections)
    if "housing" in opened:
        tracks["housing"] = _housing(person, sections, actor)
    if "health" in opened:
        tracks["health"] = _health(person, actor)
    if "language" in opened:
        tracks["language"] = _language(person, sections)
    if "rights" in opened:
        tracks["rights"] = _rights(person, sections)
    if tracks:
        deadlines = list(deadlines_visible(person.pk, sections))
        for key, track in tracks.items():
            track.deadlines = [d for d in deadlines if d.code in TRACK_CODES[key]]
    return tracks
