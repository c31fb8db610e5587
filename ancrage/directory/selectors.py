"""Reads of the directory: search, the map's counts, and "which services can take this person"."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.services import audit_read
from ancrage.core.enums import CEFRLevel
from ancrage.organisations.actor import Actor
from ancrage.pathways.models import DiagnosticDomain, DiagnosticItem, NeedLevel
from ancrage.persons.models import FrenchAssessment, Person, ProtectionType

from .models import Service, ServiceQuerySet

# The data·inclusion thématique prefixes that answer a need of each diagnostic domain.
NEED_THEMATIQUES: dict[str, tuple[str, ...]] = {
    DiagnosticDomain.RIGHTS: ("difficultes-administratives-ou-juridiques--", "difficultes-financieres--"),
    DiagnosticDomain.HOUSING: ("logement-hebergement--",),
    DiagnosticDomain.EMPLOYMENT: (
        "trouver-un-emploi--",
        "preparer-sa-candidature--",
        "choisir-un-metier--",
        "se-former--",
    ),
    DiagnosticDomain.LANGUAGE: ("lecture-ecriture-calcul--maitriser-le-francais",),
    DiagnosticDomain.HEALTH: ("sante--",),
    DiagnosticDomain.MOBILITY: ("mobilite--",),
    DiagnosticDomain.FAMILY: ("famille--",),
    DiagnosticDomain.SOCIAL: ("remobilisation--", "numerique--"),
}
MAX_SUGGESTIONS = 30


def services_search(
    *,
    q: str = "",
    thematique: str = "",
    commune_id: str = "",
    public: str = "",
    language: str = "",
) -> ServiceQuerySet:
    """Active services matching every given filter. A thématique may be a whole category (no ``--``).

    A commune matches the services located there and those whose zone covers it.
    """
    services = Service.objects.active()
    if q.strip():
        services = services.matching(q)
    if thematique:
        needle = f'"{thematique}"' if "--" in thematique else f'"{thematique}--'
        services = services.filter(thematiques__icontains=needle)
    if public:
        services = services.filter(publics__icontains=f'"{public}"')
    if language:
        services = services.filter(languages__icontains=f'"{language}"')
    if commune_id:
        services = services.filter(
            Q(commune_id=commune_id)
            | Q(pk__in=Service.zone.through.objects.filter(commune_id=commune_id).values("service_id"))
        )
    return services


def service_counts_by_commune() -> dict[str, int]:
    """Number of active services available in each commune (located there or serving it), in two queries."""
    available: dict[str, set[int]] = defaultdict(set)
    for service_id, commune_id in Service.objects.active().exclude(commune=None).values_list("pk", "commune_id"):
        available[commune_id].add(service_id)
    zone = Service.zone.through.objects.filter(service__is_active=True).values_list("service_id", "commune_id")
    for service_id, commune_id in zone:
        available[commune_id].add(service_id)
    return {code: len(ids) for code, ids in available.items()}


@dataclass
class PersonFacts:
    """What the actor may see of the person that matters for eligibility; ``None`` when not visible."""

    sections_used: list[str] = field(default_factory=list)
    protection: str | None = None
    french_level: str | None = None
    commune_id: str | None = None
    commune_name: str = ""
    languages: list[str] = field(default_factory=list)
    interpreting_needed: bool = False
    needs: dict[str, int] = field(default_factory=dict)


@dataclass
class Suggestion:
    service: Service
    score: int
    reasons: list[str]


def person_facts(actor: Actor, person: Person) -> PersonFacts:
    """Read only the sections the actor may see (``perms.visible_sections``)."""
    visible = perms.visible_sections(actor, person.pk)
    facts = PersonFacts()
    if Section.PROTECTION in visible:
        facts.sections_used.append(Section.PROTECTION)
        facts.protection = person.protections.order_by("-decision_date", "-id").values_list("type", flat=True).first()
    if Section.LANGUAGE in visible:
        facts.sections_used.append(Section.LANGUAGE)
        facts.french_level = (
            FrenchAssessment.objects.filter(person=person)
            .order_by("-assessed_on", "-id")
            .values_list("level", flat=True)
            .first()
        )
        facts.languages = list(person.languages.values_list("code", flat=True))
        facts.interpreting_needed = person.interpreting_needed
        if person.interpreting_language and person.interpreting_language not in facts.languages:
            facts.languages.append(person.interpreting_language)
    if Section.CONTACT in visible and person.commune_id:
        facts.sections_used.append(Section.CONTACT)
        facts.commune_id = person.commune_id
        facts.commune_name = person.commune.name if person.commune else ""
    if Section.PATHWAY in visible:
        facts.sections_used.append(Section.PATHWAY)
        items = DiagnosticItem.objects.filter(pathway__person=person, need_level__gte=NeedLevel.MEDIUM).values_list(
            "domain", "need_level"
        )
        for domain, level in items:
            facts.needs[domain] = max(level, facts.needs.get(domain, 0))
    return facts


def _rank(service: Service, facts: PersonFacts, zone_ids: set[str]) -> Suggestion | None:
    reasons: list[str] = []
    score = 0
    if facts.protection is not None and service.protections_accepted:
        if facts.protection not in service.protections_accepted:
            return None
        reasons.append(_("accepte le statut « %(status)s »") % {"status": ProtectionType(facts.protection).label})
    if facts.french_level and service.min_french_level:
        if CEFRLevel.rank(facts.french_level) < CEFRLevel.rank(service.min_french_level):
            return None
        reasons.append(
            _("niveau de français suffisant (%(level)s, minimum %(min)s)")
            % {"level": facts.french_level, "min": service.min_french_level}
        )
    if facts.commune_id:
        if service.commune_id == facts.commune_id:
            score += 10
            reasons.append(_("situé à %(commune)s") % {"commune": facts.commune_name})
        elif facts.commune_id in zone_ids:
            score += 5
            reasons.append(_("dessert %(commune)s") % {"commune": facts.commune_name})
        elif zone_ids:
            return None
    if facts.needs:
        matched = [
            domain
            for domain in facts.needs
            if any(
                code.startswith(prefix) for prefix in NEED_THEMATIQUES.get(domain, ()) for code in service.thematiques
            )
        ]
        if not matched:
            return None
        for domain in matched:
            level = facts.needs[domain]
            score += 30 if level >= NeedLevel.HIGH else 20
            reasons.append(
                _("répond à un besoin %(level)s : %(domain)s")
                % {
                    "level": _("prioritaire") if level >= NeedLevel.HIGH else _("important"),
                    "domain": DiagnosticDomain(domain).label,
                }
            )
    spoken = [code for code in facts.languages if code in service.languages]
    if spoken:
        score += 8
        reasons.append(_("l'équipe parle une langue de la personne"))
    elif facts.interpreting_needed and service.interpreting:
        score += 6
        reasons.append(_("interprétariat possible"))
    if "personnes-exilees" in service.publics:
        score += 4
        reasons.append(_("s'adresse aux personnes exilées"))
    if service.waiting_days is not None and service.waiting_days <= 14:
        score += 3
        reasons.append(_("délai d'attente court (%(days)s jours)") % {"days": service.waiting_days})
    return Suggestion(service=service, score=score, reasons=reasons)


def services_for_person(
    actor: Actor, person: Person, *, limit: int = MAX_SUGGESTIONS
) -> tuple[PersonFacts, list[Suggestion]]:
    """Services that can take the person, best first, each with its reasons in French.

    Uses only what the actor may see of the person (protection, language, contact, pathway
    sections); nothing is read from a section that was not shared. The read is audited.
    """
    facts = person_facts(actor, person)
    audit_read(
        actor,
        event="directory.services_for_person",
        person_id=person.pk,
        obj=person,
        details={"sections_used": facts.sections_used},
    )
    services = list(Service.objects.active().select_related("structure", "commune"))
    zones: dict[int, set[str]] = defaultdict(set)
    for service_id, commune_id in Service.zone.through.objects.filter(service__is_active=True).values_list(
        "service_id", "commune_id"
    ):
        zones[service_id].add(commune_id)
    suggestions = [s for s in (_rank(service, facts, zones[service.pk]) for service in services) if s is not None]
    suggestions.sort(key=lambda s: (-s.score, s.service.name, s.service.pk))
    return facts, suggestions[:limit]
