"""Matching persons and opportunities, explained (issue 4 §4).

Deterministic: the same record and opportunity always give the same score and reasons. The score
(0–100) is the sum of four components, each explained by one or more :class:`Reason`:

* **Occupation, up to 45.** The opportunity's ROME fiche compared with the person's target
  occupations and work experiences; the best relation wins:
  a target occupation on the same fiche 45; an experience on the same fiche 35 + 1 per year of
  experience (up to 5); a fiche under the same parent fiche (``occupation_proximity`` "same_parent")
  25; the same *domaine professionnel* 15; the same *grand domaine* 5; otherwise 0 ("missing").
  A training session without a ROME fiche is neutral: 20 with an "info" reason.
* **French, up to 25.** The person's level is their most recent ``FrenchAssessment`` on the
  "global" skill (on the same date: certified before tested before self-assessed, then the latest
  recorded). Required level met 25 ("plus", « B1 requis, B2 certifié »); one level below 10
  ("missing", « B1 requis, A2 certifié »); two or more below 0; unknown level 10 (« Niveau de
  français inconnu »). No level required: 25 ("info").
* **Distance, up to 15.** Great-circle distance between the centroids of the person's commune and
  the opportunity's, against the profile's mobility radius (15 km when not recorded): within 15,
  beyond 0 ("missing"); a commune unknown on either side 7 ("info").
* **Constraints and dates, up to 15.** Starts at 15: availability limited to part time or school
  hours while the offer needs more than 30 h a week −8; available only after the start date −7.
  A licence required while the person may not drive (``DRIVING_STATUSES``; no profile counts as no
  licence) sets the component to 0 and makes the match *blocking*.

An opportunity whose end date has passed is never ranked (``match_pair`` still answers, with an
"info" reason). Ranking loads everything in a fixed number of queries and scores in Python.
"""

import datetime as dt
import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ancrage.core.enums import AssessmentKind, CEFRLevel

from .models import DRIVING_STATUSES, Availability

ReasonKind = Literal["plus", "missing", "info"]

OCCUPATION_MAX = 45
FRENCH_MAX = 25
DISTANCE_MAX = 15
CONSTRAINTS_MAX = 15
DEFAULT_RADIUS_KM = 15
NEUTRAL_OCCUPATION = 20
EARTH_RADIUS_KM = 6371.0
HOURS_PART_TIME_LIMIT = 30
_CEFR_RANK = {value: CEFRLevel.rank(value) for value in CEFRLevel.values}
_KIND_ORDER: dict[str, int] = {AssessmentKind.SELF: 0, AssessmentKind.TESTED: 1, AssessmentKind.CERTIFIED: 2}


@dataclass(frozen=True)
class Reason:
    code: str  # stable machine code, e.g. "same_rome", "french_below"
    label: str  # in French, e.g. "B1 requis, A2 certifié"
    kind: ReasonKind  # "plus": why it ranks; "missing": what is missing; "info": neutral
    points: int = 0


@dataclass(frozen=True)
class Match:
    person_id: int
    opportunity_id: int
    score: int  # 0..100
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    blocking: bool = False  # a hard requirement is not met (e.g. licence required and none)

    @property
    def plus(self) -> list[Reason]:
        return [r for r in self.reasons if r.kind == "plus"]

    @property
    def missing(self) -> list[Reason]:
        return [r for r in self.reasons if r.kind == "missing"]

    @property
    def infos(self) -> list[Reason]:
        return [r for r in self.reasons if r.kind == "info"]


# --- what the scoring reads, loaded in bulk -------------------------------------------------------


@dataclass
class PersonFacts:
    person_id: int
    latitude: float | None = None
    longitude: float | None = None
    targets: list[str] = field(default_factory=list)  # ROME codes
    experiences: list[tuple[str, Decimal]] = field(default_factory=list)  # (ROME code, years)
    french_level: str = ""
    french_kind: str = ""
    licence_status: str = "none"
    mobility_radius_km: int | None = None
    availability: str = "full_time"
    available_from: dt.date | None = None


@dataclass(frozen=True)
class OpportunityFacts:
    opportunity_id: int
    kind: str
    rome_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    min_french_level: str = ""
    licence_required: bool = False
    hours_per_week: Decimal | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


_OPPORTUNITY_FIELDS = (
    "pk",
    "kind",
    "rome_code",
    "commune__latitude",
    "commune__longitude",
    "min_french_level",
    "licence_required",
    "hours_per_week",
    "start_date",
    "end_date",
)


def _opportunity_facts(rows: Iterable[tuple]) -> list[OpportunityFacts]:
    return [OpportunityFacts(*row) for row in rows]


def load_person_facts(person_ids: list[int]) -> dict[int, PersonFacts]:
    """Facts of the persons in ``person_ids``, in five queries (the ids sent as one parameter each)."""
    from ancrage.persons.models import FrenchAssessment, LanguageSkill, Person

    from .models import EmploymentProfile, TargetOccupation, WorkExperience

    ids = list(person_ids)
    facts = {
        pk: PersonFacts(pk, lat, lon)
        for pk, lat, lon in Person.objects.filter(pk__in_list=ids).values_list(
            "pk", "commune__latitude", "commune__longitude"
        )
    }
    for pk, status, radius, availability, available_from in EmploymentProfile.objects.filter(
        person_id__in_list=ids
    ).values_list("person_id", "licence_status", "mobility_radius_km", "availability", "available_from"):
        if pk in facts:
            f = facts[pk]
            f.licence_status, f.mobility_radius_km = status, radius
            f.availability, f.available_from = availability, available_from
    for pk, code in (
        TargetOccupation.objects.filter(person_id__in_list=ids).order_by("id").values_list("person_id", "rome_code")
    ):
        if pk in facts and code:
            facts[pk].targets.append(code)
    for pk, code, years in (
        WorkExperience.objects.filter(person_id__in_list=ids)
        .order_by("id")
        .values_list("person_id", "rome_code", "years")
    ):
        if pk in facts and code:
            facts[pk].experiences.append((code, years))
    best: dict[int, tuple] = {}
    assessments = FrenchAssessment.objects.filter(person_id__in_list=ids, skill=LanguageSkill.GLOBAL).values_list(
        "person_id", "assessed_on", "kind", "id", "level"
    )
    for pk, assessed_on, kind, row_id, level in assessments:
        key = (assessed_on, _KIND_ORDER.get(kind, -1), row_id)
        if pk not in best or key > best[pk][0]:
            best[pk] = (key, level, kind)
    for pk, (_key, level, kind) in best.items():
        if pk in facts:
            facts[pk].french_level, facts[pk].french_kind = level, kind
    return facts


# --- the components -------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _parent(code: str, parents: Mapping[str, str]) -> str:
    return parents.get(code) or code


def _occupation(person: PersonFacts, opp: OpportunityFacts, parents: Mapping[str, str]) -> list[Reason]:
    code = opp.rome_code
    if not code:
        return [
            Reason("occupation_neutral", _("Formation sans métier ROME : points neutres"), "info", NEUTRAL_OCCUPATION)
        ]
    if not person.targets and not person.experiences:
        return [Reason("occupation_unknown", _("Aucun métier visé ni expérience renseignés"), "missing", 0)]
    candidates: list[Reason] = []
    if code in person.targets:
        candidates.append(
            Reason("occupation_target", _("Correspond à un métier visé (%(code)s)") % {"code": code}, "plus", 45)
        )
    for exp_code, years in person.experiences:
        if exp_code == code:
            bonus = min(5, int(years or 0))
            label = _("Expérience dans ce métier (%(years)s ans)") % {"years": f"{years:n}".rstrip("0").rstrip(".")}
            candidates.append(Reason("occupation_experience", label, "plus", 35 + bonus))
    codes = [*person.targets, *(c for c, _y in person.experiences)]
    opp_parent = _parent(code, parents)
    if any(c != code and _parent(c, parents) == opp_parent for c in codes):
        candidates.append(Reason("occupation_parent", _("Métier proche (même fiche ROME parente)"), "plus", 25))
    elif any(c[:3] == code[:3] for c in codes if c != code):
        label = _("Même domaine professionnel (%(domain)s)") % {"domain": code[:3]}
        candidates.append(Reason("occupation_domain", label, "plus", 15))
    elif any(c[:1] == code[:1] for c in codes if c != code):
        label = _("Même grand domaine professionnel (%(family)s)") % {"family": code[:1]}
        candidates.append(Reason("occupation_family", label, "plus", 5))
    if not candidates:
        return [Reason("occupation_none", _("Ni métier visé ni expérience dans ce domaine"), "missing", 0)]
    best = max(candidates, key=lambda r: r.points)  # first of the best: targets, then experiences
    return [best]


def _level_label(level: str) -> str:
    return level if level not in {CEFRLevel.NON_READER, CEFRLevel.PRE_A1} else str(CEFRLevel(level).label)


def _kind_word(kind: str) -> str:
    words: dict[str, str] = {
        AssessmentKind.CERTIFIED: _("certifié"),
        AssessmentKind.TESTED: _("testé"),
        AssessmentKind.SELF: _("auto-évalué"),
    }
    return words.get(kind, "")


def _french(person: PersonFacts, opp: OpportunityFacts) -> list[Reason]:
    required = opp.min_french_level
    if not required:
        return [Reason("french_not_required", _("Pas de niveau de français exigé"), "info", FRENCH_MAX)]
    if not person.french_level:
        return [Reason("french_unknown", _("Niveau de français inconnu"), "info", 10)]
    label = _("%(required)s requis, %(level)s %(kind)s") % {
        "required": _level_label(required),
        "level": _level_label(person.french_level),
        "kind": _kind_word(person.french_kind),
    }
    gap = _CEFR_RANK.get(required, -1) - _CEFR_RANK.get(person.french_level, -1)
    if gap <= 0:
        return [Reason("french_met", label, "plus", FRENCH_MAX)]
    if gap == 1:
        return [Reason("french_below", label, "missing", 10)]
    return [Reason("french_far_below", label, "missing", 0)]


def _km(person: PersonFacts, opp: OpportunityFacts) -> int | None:
    if person.latitude is None or person.longitude is None or opp.latitude is None or opp.longitude is None:
        return None
    return round(haversine_km(person.latitude, person.longitude, opp.latitude, opp.longitude))


def _distance(km: int | None, radius: int) -> list[Reason]:
    if km is None:
        return [Reason("distance_unknown", _("Distance inconnue (commune non renseignée)"), "info", 7)]
    values = {"km": km, "radius": radius}
    if km <= radius:
        return [Reason("distance_within", _("à %(km)s km (mobilité %(radius)s km)") % values, "plus", DISTANCE_MAX)]
    return [Reason("distance_beyond", _("à %(km)s km, au-delà de sa mobilité (%(radius)s km)") % values, "missing", 0)]


def _constraints(person: PersonFacts, opp: OpportunityFacts) -> tuple[list[Reason], bool]:
    reasons: list[Reason] = []
    if opp.licence_required and person.licence_status not in DRIVING_STATUSES:
        reasons.append(Reason("licence_missing", _("Permis B exigé"), "missing", 0))
        return reasons, True
    points = CONSTRAINTS_MAX
    if (
        person.availability in {Availability.PART_TIME, Availability.SCHOOL_HOURS}
        and opp.hours_per_week is not None
        and opp.hours_per_week > HOURS_PART_TIME_LIMIT
    ):
        points -= 8
        label = _("%(hours)s h par semaine, disponibilité : %(availability)s") % {
            "hours": f"{opp.hours_per_week:n}".rstrip("0").rstrip("."),
            "availability": str(Availability(person.availability).label).lower(),
        }
        reasons.append(Reason("hours_too_many", label, "missing", 0))
    if person.available_from and opp.start_date and person.available_from > opp.start_date:
        points -= 7
        label = _("Disponible à partir du %(date)s") % {"date": date_format(person.available_from, "d/m/Y")}
        reasons.append(Reason("available_later", label, "missing", 0))
    if opp.licence_required:
        reasons.insert(0, Reason("licence_ok", _("Peut conduire (permis B exigé)"), "plus", 0))
    if points == CONSTRAINTS_MAX:
        reasons.append(Reason("constraints_ok", _("Disponibilité compatible"), "plus", points))
    else:
        reasons.append(Reason("constraints_partial", _("Contraintes d'horaires ou de dates"), "info", max(points, 0)))
    return reasons, False


def _parts(
    person: PersonFacts, opp: OpportunityFacts, parents: Mapping[str, str], today: dt.date, memo: dict
) -> tuple[int, bool, tuple[list[Reason], ...]]:
    """(score, blocking, the reason lists) of one pair; each distinct input is scored once per memo."""
    key: tuple = ("occupation", opp.rome_code, tuple(person.targets), tuple(person.experiences))
    occupation = memo.get(key)
    if occupation is None:
        occupation = memo[key] = _occupation(person, opp, parents)
    key = ("french", opp.min_french_level, person.french_level, person.french_kind)
    french = memo.get(key)
    if french is None:
        french = memo[key] = _french(person, opp)
    key = ("distance", _km(person, opp), person.mobility_radius_km or DEFAULT_RADIUS_KM)
    distance = memo.get(key)
    if distance is None:
        distance = memo[key] = _distance(key[1], key[2])
    key = (
        "constraints",
        opp.licence_required,
        person.licence_status,
        person.availability,
        opp.hours_per_week,
        person.available_from,
        opp.start_date,
    )
    constraints = memo.get(key)
    if constraints is None:
        constraints = memo[key] = _constraints(person, opp)
    parts: tuple[list[Reason], ...] = (occupation, french, distance, constraints[0])
    if opp.end_date and opp.end_date < today:
        parts += ([Reason("ended", _("Opportunité terminée"), "info", 0)],)
    total = sum(r.points for reasons in parts for r in reasons)
    return max(0, min(100, total)), constraints[1], parts


def score(
    person: PersonFacts,
    opp: OpportunityFacts,
    parents: Mapping[str, str],
    today: dt.date | None = None,
    memo: dict | None = None,
) -> Match:
    """The match of already-loaded facts: pure, no query.

    ``memo`` (a dict kept for one ranking) reuses the reasons of identical inputs: ranking thousands of
    pairs builds each distinct reason once (translations included) instead of once per pair.
    """
    total, blocking, parts = _parts(person, opp, parents, today or timezone.localdate(), {} if memo is None else memo)
    reasons = tuple(r for reasons in parts for r in reasons)
    return Match(person.person_id, opp.opportunity_id, total, reasons, blocking)


def _top(pairs, parents, today, limit: int, include_blocked: bool) -> list[Match]:
    """Score every (person, opportunity) pair, keep the best ``limit`` (score desc, then id), and build
    the explained matches of those only."""
    memo: dict = {}
    ranked = []
    for sort_id, person, opp in pairs:
        total, blocking, _reasons = _parts(person, opp, parents, today, memo)
        if include_blocked or not blocking:
            ranked.append((-total, sort_id, person, opp))
    best = heapq.nsmallest(max(0, limit), ranked, key=lambda row: (row[0], row[1]))
    return [score(person, opp, parents, today, memo) for _t, _i, person, opp in best]


# --- public functions -----------------------------------------------------------------------------


def _parents_for() -> dict[str, str]:
    from ancrage.rome.selectors import rome_parents

    return rome_parents()  # the ~1,500 fiches: one small query, cheaper than a long IN list


def match_pair(person_id: int, opportunity) -> Match:
    """The match of one person with one opportunity (used to snapshot a proposal)."""
    from .models import Opportunity

    facts = load_person_facts([person_id]).get(person_id) or PersonFacts(person_id)
    row = Opportunity.objects.filter(pk=opportunity.pk).values_list(*_OPPORTUNITY_FIELDS).first()
    if row is None:
        return Match(person_id=person_id, opportunity_id=opportunity.pk, score=0)
    opp = _opportunity_facts([row])[0]
    return score(facts, opp, _parents_for())


def rank_opportunities(
    person_id: int, *, kinds: Iterable[str] | None = None, limit: int = 50, include_blocked: bool = False
) -> list[Match]:
    """Open, not ended opportunities for one person, best first (then by id). The caller checks access."""
    from .models import Opportunity

    today = timezone.localdate()
    facts = load_person_facts([person_id]).get(person_id)
    if facts is None:
        return []
    opportunities = Opportunity.objects.open().filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    if kinds:
        opportunities = opportunities.filter(kind__in=list(kinds))
    rows = _opportunity_facts(opportunities.values_list(*_OPPORTUNITY_FIELDS))
    return _top(((o.opportunity_id, facts, o) for o in rows), _parents_for(), today, limit, include_blocked)


def _candidate_grants(actor):
    """Active grants of the actor's organisation that include the employment section.

    The same rule as ``perms.visible_persons_filter`` + ``perms.visible_sections_many`` (a test keeps
    them equal), in one query without a 10,000-id IN list: the section is matched in the JSON text.
    """
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from ancrage.access.models import AccessGrant
    from ancrage.access.sections import Section

    if not actor.handles_cases or actor.organisation_id is None:
        return AccessGrant.objects.none()
    return (
        AccessGrant.objects.active()
        .filter(organisation_id=actor.organisation_id)
        .annotate(sections_text=Cast("sections", TextField()))
        .filter(sections_text__contains=f'"{Section.EMPLOYMENT}"')
    )


def candidate_ids(actor) -> list[int]:
    """Persons the actor may see whose employment section the actor sees (one query), by id."""
    return sorted(set(_candidate_grants(actor).values_list("person_id", flat=True)))


def rank_candidates(actor, opportunity, *, limit: int = 50, include_blocked: bool = False) -> list[Match]:
    """Persons whose employment section the actor sees, best first (then by person id)."""
    from .models import Opportunity

    row = Opportunity.objects.filter(pk=opportunity.pk).values_list(*_OPPORTUNITY_FIELDS).first()
    if row is None:
        return []
    opp = _opportunity_facts([row])[0]
    facts = load_person_facts(candidate_ids(actor))
    pairs = ((pk, f, opp) for pk, f in facts.items())
    return _top(pairs, _parents_for(), timezone.localdate(), limit, include_blocked)


def reasons_as_json(match: Match) -> list[dict]:
    """The reasons as stored with a proposal (``Placement.match_reasons``) and served by the API."""
    return [{"code": r.code, "label": r.label, "kind": r.kind, "points": r.points} for r in match.reasons]


def audit_candidates(actor, opportunity, person_ids: list[int]) -> None:
    """Audit a candidates list: one list event with the ids shown, and one read per person (so each
    person's access history shows that their record was listed), in two queries whatever the count."""
    from ancrage.audit import context
    from ancrage.audit.models import AuditAction, AuditEvent
    from ancrage.audit.services import audit_record

    event = "employment.candidates.read"
    audit_record(actor=actor, action=AuditAction.READ, event=event, obj=opportunity, details={"ids": person_ids})
    ctx = context.current()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=actor.user,
                organisation_id=actor.organisation_id,
                action=AuditAction.READ,
                event=event,
                person_id=pk,
                object_type=opportunity._meta.label_lower,
                object_id=str(opportunity.pk),
                channel=ctx.channel,
                ip=ctx.ip,
                details={},
            )
            for pk in person_ids
        ]
    )
