"""The indicator catalogue engine: every figure is computed from the records, never typed in.

An indicator is data (``models.IndicatorDefinition``, seeded by migration ``0002``); ``compute`` reads
its specs. No pre-aggregation: a changed record changes the next computation.

**Populations** (the persons an indicator counts), for a contract and a period (the calendar year when
``year`` is given, else the contract's whole period, amendments included):

* ``reached``: distinct persons with a participation in one of the contract's actions overlapping the
  period (optionally one action or one axis) — each person counted once across actions and carriers.
* ``accompanied``: distinct persons with a pathway (any programme) overlapping the period, living in a
  commune of the contract's territory (optionally only the participants of one action or axis).

Optional ``commune`` (INSEE code): the person's commune of residence.

**Counted once across partners** (ADR 8, ``linkage.counting``): merged records count nowhere; the
records of one linkage cluster count once, as one *unit*, when any of them is in the population. Its
facts are pooled from all its records (the population's and the other records of its cluster): one
record meeting a condition is enough, situations and assessments form one history. Its identity
attributes (sex, age, commune, nationality, household) are those of its most recently updated record in
the population, completed from its other records where that one has none (``Facts``).

**Reference date**: the end of the period, or today when the period is not over. Situations are read
on that date (when several are active in a domain, the one started last, as ``tracks.coverage``).

**Filter specs** (JSON, combined with ``all_of`` / ``any_of``):

* ``{"situation": {"domain": "housing", "status_in": [...]}}``: the active situation on the reference date;
* ``{"health": {"puma_status": "open"}}`` (``css_status`` likewise; CSS also not expired);
* ``{"caf": {"registered": true}}`` or ``{"caf": {"benefits_any": ["rsa"]}}``;
* ``{"bank": {"step": "open"}}``; ``{"licence": {"status_in": [...]}}`` (``EmploymentProfile``);
* ``{"french": {"min_assessments": 2}}`` / ``{"french": {"progressed": true}}``: global-skill assessments
  up to the reference date; progressed = latest level ranks above the first (``CEFRLevel.rank``);
* ``{"pathway": {"programme_in": [...]}}``: a pathway of that programme overlapping the period.

**Rates**: numerator and denominator specs, both applied within the population (the numerator is
also required to match the denominator).

**Median delays** (days): ``{"from": EVENT, "to": EVENT}``. The *from* date is the person's first
occurrence; the delay runs to the first *to* occurrence on or after it (0 when a *to* interval — a
situation — is already running on the *from* date). Both dates must be on or before the reference
date. Events: ``protection`` (decision date, else notification date, of the earliest protection; an
asylum request is not a protection), ``cir_signed``, ``first_contact`` (a pathway's first interview),
``pathway_entry``, ``first_contract`` (a hired placement's contract start, or an employment situation
other than job seeker / inactive), ``durable_housing`` (a durable housing situation,
``persons.DURABLE_HOUSING``).

**Budget sums**: ``{"amount": "requested" | "granted" | "committed" | "paid"}`` over the budget lines of
the contract (year, action, axis filters); amounts are not about persons and are not suppressed.

**Disclosure** (``core.disclosure``): every count from 1 to 4 is hidden; disaggregated tables carry
their total row and get complementary suppression so that no total minus visible cells gives back a
hidden one; a rate is hidden when its numerator or its base is hidden (the complement base − numerator
is a cell too); a median is hidden when the number of persons it is computed on is hidden.

**Queries**: one for the population, then one per kind of fact the indicator needs (at most about
ten), whatever the number of persons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.core.dates import age_on
from ancrage.core.disclosure import THRESHOLD, Cell, suppress_table
from ancrage.core.enums import CEFRLevel, Sex
from ancrage.core.statistics import AGE_BANDS, UNKNOWN, age_band, median
from ancrage.employment.models import EmploymentProfile, Placement, PlacementStatus
from ancrage.linkage.counting import counted_person, counted_records, not_merged
from ancrage.pathways.models import Pathway, Programme
from ancrage.persons.models import (
    DURABLE_HOUSING,
    FrenchAssessment,
    LanguageSkill,
    Nationality,
    Person,
    Protection,
    ProtectionType,
    Situation,
    SituationDomain,
    country_name,
)
from ancrage.territory.models import Commune
from ancrage.tracks.models import BankAccount, CafFile, CoverageStatus, HealthCoverage

from .models import (
    Action,
    BudgetLine,
    CoFunder,
    Contract,
    Disaggregation,
    IndicatorDefinition,
    IndicatorKind,
    Participation,
    PriorityAxis,
)

OTHERS = "others"
TOTAL = "total"
ALL = "all"
NOT_WORKING = {"job_seeker", "inactive"}
# Records outside a population but in its clusters, listed in the fact queries up to this many.
LISTED_RECORDS = 500

SINCE_PROTECTION_BANDS = (
    ("lt1", gettext_lazy("Moins d'un an")),
    ("1_2", gettext_lazy("1 à 2 ans")),
    ("2_5", gettext_lazy("2 à 5 ans")),
    ("5plus", gettext_lazy("5 ans et plus")),
)
EVENTS = ("protection", "cir_signed", "first_contact", "pathway_entry", "first_contract", "durable_housing")
AMOUNTS = ("requested", "granted", "committed", "paid")


class IndicatorError(ValueError):
    """A request the indicator cannot answer (unknown disaggregation, bad spec): a French message."""


# --- results ---------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    value: Cell | None = None  # count of persons
    numerator: Cell | None = None  # rate
    denominator: Cell | None = None  # rate
    persons: Cell | None = None  # median: persons with both events
    median_days: float | None = None
    amount: Decimal | None = None  # budget

    @property
    def percent(self) -> float | None:
        if self.numerator is None or self.denominator is None:
            return None
        if self.numerator.suppressed or self.denominator.suppressed or not self.denominator.value:
            return None
        return round(100 * (self.numerator.value or 0) / self.denominator.value, 1)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label}
        if self.value is not None:
            data["value"] = self.value.value
        if self.denominator is not None:
            data |= {
                "numerator": self.numerator.value if self.numerator else None,
                "denominator": self.denominator.value,
                "percent": self.percent,
            }
        if self.persons is not None:
            data |= {"persons": self.persons.value, "median_days": self.median_days}
        if self.amount is not None:
            data["amount"] = str(self.amount)
        return data


@dataclass
class IndicatorResult:
    code: str
    label: str
    kind: str
    period: tuple[dt.date, dt.date]
    total: Row
    by: str = ""
    rows: list[Row] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "by": self.by or None,
            "total": self.total.as_json(),
            "rows": [r.as_json() for r in self.rows],
        }


# --- scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    contract: Contract
    start: dt.date
    end: dt.date
    on: dt.date  # reference date
    action: Action | None = None
    axis: PriorityAxis | None = None
    commune: str = ""


def period_of(contract: Contract, year: int | None) -> tuple[dt.date, dt.date]:
    if year:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return contract.starts_on, contract.effective_ends_on


def _participations(scope: Scope) -> QuerySet[Participation]:
    qs = Participation.objects.filter(action__contract=scope.contract, starts_on__lte=scope.end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=scope.start)
    )
    if scope.action is not None:
        qs = qs.filter(action=scope.action)
    if scope.axis is not None:
        qs = qs.filter(action__axis=scope.axis)
    return qs


def population(kind: str, scope: Scope) -> QuerySet[Person]:
    """The persons counted, as a lazy queryset (used as a subquery by every fact query)."""
    if kind == "accompanied":
        pathways = Pathway.objects.filter(entry_date__lte=scope.end).filter(
            Q(exit_date__isnull=True) | Q(exit_date__gte=scope.start)
        )
        persons = Person.objects.filter(
            not_merged(), pk__in=pathways.values("person_id"), commune__territory_id=scope.contract.territory_id
        )
        if scope.action is not None or scope.axis is not None:
            persons = persons.filter(pk__in=_participations(scope).values("person_id"))
    else:
        persons = Person.objects.filter(not_merged(), pk__in=_participations(scope).values("person_id"))
    if scope.commune:
        persons = persons.filter(commune_id=scope.commune)
    return persons


# --- facts about the persons, loaded in one query each ---------------------------------------------------


def since_protection_band(since: dt.date | None, on: dt.date) -> str:
    if since is None or since > on:
        return UNKNOWN
    years = age_on(since, on) or 0
    if years < 1:
        return "lt1"
    if years < 2:
        return "1_2"
    if years < 5:
        return "2_5"
    return "5plus"


class Facts:
    """Per-person facts for a population; each family is loaded once, on first use.

    A *person* here is a counting unit (``linkage.counting``): the records of one cluster count once,
    under the cluster's unit. ``ids`` are the units; every fact is keyed by unit, pooled from all the
    records of the unit (the population's records and the other records of their clusters): the
    situations, assessments, pathways, protections and placements of all of them. The identity
    attributes (sex, birth date, commune, first nationality, household) are the unit's *representative*
    record's — the most recently updated of its records in the population — and, where it has none,
    the next record's that has one (population records first, most recent first). The CIR date is the
    earliest of the records'. Merged records count nowhere.
    """

    def __init__(self, persons: QuerySet[Person], scope: Scope) -> None:
        self.persons = persons
        self.scope = scope

    @cached_property
    def records(self) -> QuerySet[Person]:
        """Every record of the units counted (a lazy queryset, the subquery of the fact queries).

        The population itself when no cluster reaches outside it (no clusters, or all their records in
        the population); else the population and the few records outside it, listed; else (many of
        them) the whole expansion as a subquery. The three give the same rows."""
        outside = self._units[3]
        if not outside:
            return self.persons
        if len(outside) <= LISTED_RECORDS:
            return Person.objects.filter(Q(pk__in=self.persons.values("pk")) | Q(pk__in=sorted(outside)))
        return counted_records(self.persons)

    @cached_property
    def _units(self) -> tuple[dict[int, int], dict[int, list[int]], dict[int, tuple[Any, ...]], set[int]]:
        """The unit of each record, the records of each unit (representative first), their identity,
        and the records outside the population (other records of its clusters)."""
        unit_of: dict[int, int] = {}
        members: dict[int, list[int]] = defaultdict(list)
        rows: dict[int, tuple[Any, ...]] = {}
        outside_records: set[int] = set()
        listed = (
            counted_records(self.persons)
            .annotate(
                unit=counted_person(""),
                in_population=Case(
                    When(pk__in=self.persons.values("pk"), then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
            )
            .order_by("in_population", "-updated_at", "-pk")
            .values_list("pk", "unit", "in_population", "sex", "birth_date", "commune_id", "cir_signed_on")
        )
        counted: set[int] = set()
        for pk, unit, outside, sex, birth, commune, cir in listed:
            unit_of[pk] = unit
            members[unit].append(pk)
            rows[pk] = (sex, birth, commune, cir)
            if outside:
                outside_records.add(pk)
            else:
                counted.add(unit)
        # A unit is counted when one of its records is in the population (always, by construction).
        return unit_of, {u: pks for u, pks in members.items() if u in counted}, rows, outside_records

    @property
    def unit_of(self) -> dict[int, int]:
        """The unit each record counts under."""
        return self._units[0]

    @property
    def members(self) -> dict[int, list[int]]:
        """The records of each unit, the representative first."""
        return self._units[1]

    @cached_property
    def ids(self) -> list[int]:
        return list(self.members)

    def first_known(self, unit: int, values: dict[int, Any]) -> Any:
        """The representative's value in ``values`` (by record), else the next record's that has one."""
        for pk in self.members.get(unit, []):
            value = values.get(pk)
            if value not in (None, ""):
                return value
        return None

    @cached_property
    def people(self) -> dict[int, tuple[str, dt.date | None, str | None, dt.date | None]]:
        """Per unit: sex, birth date, commune (representative first) and the earliest CIR date."""
        rows = self._units[2]
        found: dict[int, tuple[str, dt.date | None, str | None, dt.date | None]] = {}
        for unit, pks in self.members.items():
            values = [rows[pk] for pk in pks]
            sex = next((v[0] for v in values if v[0]), "")
            birth = next((v[1] for v in values if v[1] is not None), None)
            commune = next((v[2] for v in values if v[2]), None)
            cirs = [v[3] for v in values if v[3] is not None]
            found[unit] = (sex, birth, commune, min(cirs) if cirs else None)
        return found

    @cached_property
    def nationality(self) -> dict[int, str]:
        first: dict[int, str] = {}
        for pid, code in (
            Nationality.objects.filter(person__in=self.records.values("pk"))
            .order_by("id")
            .values_list("person_id", "code")
        ):
            first.setdefault(pid, code)
        found = {unit: self.first_known(unit, first) for unit in self.members}
        return {unit: code for unit, code in found.items() if code}

    @cached_property
    def protections(self) -> tuple[dict[int, str], dict[int, dt.date]]:
        """The latest protection's type, and the earliest protection date (asylum requests excluded)."""
        kinds: dict[int, str] = {}
        since: dict[int, dt.date] = {}
        unit_of = self.unit_of
        for record, kind, decided, notified in (
            Protection.objects.filter(person__in=self.records.values("pk"))
            .order_by("decision_date", "id")
            .values_list("person_id", "type", "decision_date", "notification_date")
        ):
            pid = unit_of[record]
            kinds[pid] = kind
            day = decided or notified
            if kind != ProtectionType.ASYLUM_SEEKER and day is not None and (pid not in since or day < since[pid]):
                since[pid] = day
        return kinds, since

    @cached_property
    def situations(self) -> dict[int, dict[str, list[tuple[str, dt.date, dt.date | None, int]]]]:
        found: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        unit_of = self.unit_of
        for record, domain, status, start, end, pk in (
            Situation.objects.filter(person__in=self.records.values("pk"))
            .order_by()
            .values_list("person_id", "domain", "status", "start_date", "end_date", "pk")
        ):
            found[unit_of[record]][domain].append((status, start, end, pk))
        return found

    def situation_on(self, pid: int, domain: str, on: dt.date) -> str | None:
        active = [
            (start, pk, status)
            for status, start, end, pk in self.situations.get(pid, {}).get(domain, [])
            if start <= on and (end is None or end >= on)
        ]
        return max(active)[2] if active else None

    @cached_property
    def health(self) -> dict[int, list[tuple[str, str, dt.date | None]]]:
        found: dict[int, list[tuple[str, str, dt.date | None]]] = defaultdict(list)
        unit_of = self.unit_of
        for record, puma, css, css_end in (
            HealthCoverage.objects.filter(person__in=self.records.values("pk"))
            .order_by()
            .values_list("person_id", "puma_status", "css_status", "css_expires_on")
        ):
            found[unit_of[record]].append((puma, css, css_end))
        return found

    @cached_property
    def caf(self) -> dict[int, list[tuple[dt.date | None, list[str]]]]:
        found: dict[int, list[tuple[dt.date | None, list[str]]]] = defaultdict(list)
        unit_of = self.unit_of
        for record, registered, benefits in (
            CafFile.objects.filter(person__in=self.records.values("pk"))
            .order_by()
            .values_list("person_id", "registered_on", "benefits")
        ):
            found[unit_of[record]].append((registered, list(benefits or [])))
        return found

    @cached_property
    def bank(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        unit_of = self.unit_of
        for record, step in (
            BankAccount.objects.filter(person__in=self.records.values("pk")).order_by().values_list("person_id", "step")
        ):
            found[unit_of[record]].add(step)
        return found

    @cached_property
    def licence(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        unit_of = self.unit_of
        for record, status in (
            EmploymentProfile.objects.filter(person__in=self.records.values("pk"))
            .order_by()
            .values_list("person_id", "licence_status")
        ):
            found[unit_of[record]].add(status)
        return found

    @cached_property
    def french(self) -> dict[int, list[str]]:
        levels: dict[int, list[str]] = defaultdict(list)
        unit_of = self.unit_of
        for record, level in (
            FrenchAssessment.objects.filter(
                person__in=self.records.values("pk"), skill=LanguageSkill.GLOBAL, assessed_on__lte=self.scope.on
            )
            .order_by("assessed_on", "pk")
            .values_list("person_id", "level")
        ):
            levels[unit_of[record]].append(level)
        return levels

    @cached_property
    def pathways(self) -> dict[int, list[tuple[str, dt.date, dt.date | None, dt.date | None]]]:
        found: dict[int, list] = defaultdict(list)
        unit_of = self.unit_of
        for record, programme, entry, exit_date, first_interview in (
            Pathway.objects.filter(person__in=self.records.values("pk"))
            .order_by("entry_date", "id")
            .values_list("person_id", "programme", "entry_date", "exit_date", "first_interview_on")
        ):
            found[unit_of[record]].append((programme, entry, exit_date, first_interview))
        return found

    @cached_property
    def contracts(self) -> dict[int, list[dt.date]]:
        found: dict[int, list[dt.date]] = defaultdict(list)
        unit_of = self.unit_of
        for record, start in (
            Placement.objects.filter(
                person__in=self.records.values("pk"), status=PlacementStatus.HIRED, contract_start__isnull=False
            )
            .order_by()
            .values_list("person_id", "contract_start")
        ):
            if start is not None:
                found[unit_of[record]].append(start)
        return found

    # -- dimensions --

    def dimension(self, by: str, pid: int) -> str:
        on = self.scope.on
        if by == Disaggregation.SEX:
            return self.people.get(pid, ("", None, None, None))[0] or UNKNOWN
        if by == Disaggregation.AGE_BAND:
            return age_band(age_on(self.people.get(pid, ("", None, None, None))[1], on))
        if by == Disaggregation.COMMUNE:
            return self.people.get(pid, ("", None, None, None))[2] or UNKNOWN
        if by == Disaggregation.PROTECTION_TYPE:
            return self.protections[0].get(pid, UNKNOWN)
        if by == Disaggregation.TIME_SINCE_PROTECTION:
            return since_protection_band(self.protections[1].get(pid), on)
        if by == Disaggregation.PROGRAMME:
            running = [
                (entry, programme)
                for programme, entry, exit_date, _first in self.pathways.get(pid, [])
                if entry <= self.scope.end and (exit_date is None or exit_date >= self.scope.start)
            ]
            return max(running)[1] if running else "none"
        if by == Disaggregation.NATIONALITY_GROUP:
            return self.nationality.get(pid, UNKNOWN)
        raise IndicatorError(_("Ventilation inconnue."))

    def labels(self, by: str, keys: set[str]) -> list[tuple[str, str]]:
        unknown = [(UNKNOWN, _("Non renseigné"))]
        if by == Disaggregation.SEX:
            return [(k, str(v)) for k, v in Sex.choices] + unknown
        if by == Disaggregation.AGE_BAND:
            return [(k, str(v)) for k, v in AGE_BANDS] + unknown
        if by == Disaggregation.PROTECTION_TYPE:
            return [(k, str(v)) for k, v in ProtectionType.choices] + unknown
        if by == Disaggregation.TIME_SINCE_PROTECTION:
            return [(k, str(v)) for k, v in SINCE_PROTECTION_BANDS] + unknown
        if by == Disaggregation.PROGRAMME:
            return [(k, str(v)) for k, v in Programme.choices] + [("none", _("Sans parcours"))]
        if by == Disaggregation.COMMUNE:
            names = dict(Commune.objects.filter(pk__in=keys - {UNKNOWN}).values_list("pk", "name"))
            return sorted(((k, names.get(k, k)) for k in keys - {UNKNOWN}), key=lambda item: item[1]) + unknown
        if by == Disaggregation.NATIONALITY_GROUP:
            codes = sorted(keys - {UNKNOWN, OTHERS}, key=country_name)
            return [(c, country_name(c)) for c in codes] + [(OTHERS, _("Autres"))] + unknown
        raise IndicatorError(_("Ventilation inconnue."))

    def groups(self, by: str, pids: list[int]) -> tuple[dict[int, str], list[tuple[str, str]]]:
        keys = {pid: self.dimension(by, pid) for pid in pids}
        if by == Disaggregation.NATIONALITY_GROUP:
            # Small nationality groups are merged into « Autres » (a group name reveals a small community).
            sizes = Counter(keys.values())
            keys = {pid: k if k == UNKNOWN or sizes[k] >= THRESHOLD else OTHERS for pid, k in keys.items()}
        return keys, self.labels(by, set(keys.values()))

    # -- filters --

    def matches(self, spec: dict[str, Any], pid: int) -> bool:
        return all(self._condition(name, value, pid) for name, value in (spec or {}).items())

    def _condition(self, name: str, value: Any, pid: int) -> bool:
        on = self.scope.on
        if name == "all_of":
            return all(self.matches(sub, pid) for sub in value)
        if name == "any_of":
            return any(self.matches(sub, pid) for sub in value)
        if name == "situation":
            return self.situation_on(pid, value["domain"], on) in set(value["status_in"])
        # The records of a unit are pooled: one record of the person meeting the condition is enough.
        if name == "health":
            return any(
                self._health_matches(value, puma, css, css_end, on)
                for puma, css, css_end in self.health.get(pid) or [(CoverageStatus.NONE, CoverageStatus.NONE, None)]
            )
        if name == "caf":
            return any(
                self._caf_matches(value, registered, benefits, on)
                for registered, benefits in self.caf.get(pid) or [(None, [])]
            )
        if name == "bank":
            return value["step"] in self.bank.get(pid, set())
        if name == "licence":
            return bool(self.licence.get(pid, set()) & set(value["status_in"]))
        if name == "french":
            levels = self.french.get(pid, [])
            ok = len(levels) >= int(value.get("min_assessments", 0))
            if value.get("progressed"):
                ok &= len(levels) >= 2 and CEFRLevel.rank(levels[-1]) > CEFRLevel.rank(levels[0])
            return ok
        if name == "pathway":
            wanted = set(value.get("programme_in", Programme.values))
            return any(
                programme in wanted and entry <= self.scope.end and (exit_date is None or exit_date >= self.scope.start)
                for programme, entry, exit_date, _first in self.pathways.get(pid, [])
            )
        raise IndicatorError(_("Filtre d'indicateur inconnu : %(name)s") % {"name": name})

    @staticmethod
    def _health_matches(value: dict[str, Any], puma: str, css: str, css_end: dt.date | None, on: dt.date) -> bool:
        ok = True
        if "puma_status" in value:
            ok &= puma == value["puma_status"]
        if "css_status" in value:
            ok &= css == value["css_status"] and (css != CoverageStatus.OPEN or css_end is None or css_end >= on)
        return ok

    @staticmethod
    def _caf_matches(value: dict[str, Any], registered: dt.date | None, benefits: list[str], on: dt.date) -> bool:
        ok = True
        if value.get("registered"):
            ok &= registered is not None and registered <= on
        if value.get("benefits_any"):
            ok &= bool(set(benefits) & set(value["benefits_any"]))
        return ok

    # -- events --

    def event_intervals(self, event: str, pid: int) -> list[tuple[dt.date, dt.date | None]]:
        if event == "protection":
            day = self.protections[1].get(pid)
            return [(day, day)] if day else []
        if event == "cir_signed":
            day = self.people.get(pid, ("", None, None, None))[3]
            return [(day, day)] if day else []
        if event == "first_contact":
            return [(d, d) for _p, _e, _x, d in self.pathways.get(pid, []) if d is not None]
        if event == "pathway_entry":
            return [(e, e) for _p, e, _x, _d in self.pathways.get(pid, [])]
        if event == "first_contract":
            days = list(self.contracts.get(pid, []))
            days += [
                start
                for status, start, _end, _pk in self.situations.get(pid, {}).get(SituationDomain.EMPLOYMENT, [])
                if status not in NOT_WORKING
            ]
            return [(d, d) for d in days]
        if event == "durable_housing":
            return [
                (start, end)
                for status, start, end, _pk in self.situations.get(pid, {}).get(SituationDomain.HOUSING, [])
                if status in DURABLE_HOUSING
            ]
        raise IndicatorError(_("Événement inconnu : %(name)s") % {"name": event})

    def delay(self, events: dict[str, str], pid: int) -> int | None:
        on = self.scope.on
        starts = [start for start, _end in self.event_intervals(events["from"], pid) if start <= on]
        if not starts:
            return None
        since = min(starts)
        delays = []
        for start, end in self.event_intervals(events["to"], pid):
            if start <= since and (end is None or end >= since):
                delays.append(0)
            elif since <= start <= on:
                delays.append((start - since).days)
        return min(delays) if delays else None


# --- suppression of tables --------------------------------------------------------------------------------


def _suppressed(rows: dict[str, dict[str, int]], columns: list[str]) -> dict[str, dict[str, Cell]]:
    """Suppression of a table of counts whose rows partition the population: the total row is a cell
    line of its own, so complementary suppression also protects the margins."""
    extended = {r: {c: cols.get(c, 0) for c in columns} for r, cols in rows.items()}
    extended[TOTAL] = {c: sum(cols.get(c, 0) for cols in rows.values()) for c in columns}
    return suppress_table(extended)


# --- compute ---------------------------------------------------------------------------------------------


def _definition(indicator: IndicatorDefinition | str) -> IndicatorDefinition:
    if isinstance(indicator, IndicatorDefinition):
        return indicator
    found = IndicatorDefinition.objects.filter(code=indicator).first()
    if found is None:
        raise IndicatorError(_("Indicateur inconnu : %(code)s") % {"code": indicator})
    return found


def compute(
    indicator: IndicatorDefinition | str,
    *,
    contract: Contract,
    year: int | None = None,
    action: Action | None = None,
    axis: PriorityAxis | None = None,
    commune: str | None = None,
    by: str | None = None,
    today: dt.date | None = None,
    facts: dict[str, Facts] | None = None,
) -> IndicatorResult:
    """The indicator's value (and, with ``by``, its disaggregated table), suppressed for disclosure.

    ``facts`` is a cache shared by several calls on the same scope (``compute_catalogue``): the
    population and the facts about it are then loaded once, not once per indicator."""
    definition = _definition(indicator)
    if by and by not in (definition.disaggregations or []):
        raise IndicatorError(_("L'indicateur « %(label)s » ne se ventile pas ainsi.") % {"label": definition.label})
    start, end = period_of(contract, year)
    today = today or timezone.localdate()
    scope = Scope(contract, start, end, min(end, today), action, axis, commune or "")
    if definition.kind == IndicatorKind.BUDGET_SUM:
        return _budget(definition, scope, year, by or "")
    cache = facts if facts is not None else {}
    key = definition.population
    if key not in cache or cache[key].scope != scope:
        cache[key] = Facts(population(definition.population, scope), scope)
    return _compute_persons(definition, cache[key], by or "")


def _compute_persons(definition: IndicatorDefinition, facts: Facts, by: str) -> IndicatorResult:
    scope = facts.scope
    pids = facts.ids
    if by:
        keys, labels = facts.groups(by, pids)
    else:
        # One row: the same suppression rules apply to the single figure.
        keys, labels = dict.fromkeys(pids, ALL), [(ALL, _("Total"))]
    result = IndicatorResult(
        definition.code, definition.label, definition.kind, (scope.start, scope.end), Row(TOTAL, _("Total")), by
    )
    row_keys = [k for k, _l in labels]
    if definition.kind == IndicatorKind.COUNT_DISTINCT_PERSONS:
        counts: dict[str, dict[str, int]] = {k: {"n": 0} for k in row_keys}
        for pid in pids:
            if facts.matches(definition.filter_spec, pid):
                counts.setdefault(keys[pid], {"n": 0})["n"] += 1
        cells = _suppressed(counts, ["n"])
        result.total.value = cells[TOTAL]["n"]
        result.rows = [Row(k, label, value=cells[k]["n"]) for k, label in labels]
    elif definition.kind == IndicatorKind.RATE:
        counts = {k: {"yes": 0, "no": 0, "base": 0} for k in row_keys}
        base_spec = {"all_of": [definition.filter_spec, definition.denominator_spec]}
        for pid in pids:
            if not facts.matches(base_spec, pid):
                continue
            line = counts.setdefault(keys[pid], {"yes": 0, "no": 0, "base": 0})
            line["base"] += 1
            line["yes" if facts.matches(definition.numerator_spec, pid) else "no"] += 1
        cells = _suppressed(counts, ["yes", "no", "base"])
        result.total.numerator, result.total.denominator = cells[TOTAL]["yes"], cells[TOTAL]["base"]
        result.rows = [Row(k, label, numerator=cells[k]["yes"], denominator=cells[k]["base"]) for k, label in labels]
    elif definition.kind == IndicatorKind.MEDIAN_DELAY:
        events = definition.events or {}
        if events.get("from") not in EVENTS or events.get("to") not in EVENTS:
            raise IndicatorError(_("Délai mal défini : événements inconnus."))
        delays: dict[str, list[int]] = defaultdict(list)
        for pid in pids:
            if not facts.matches(definition.filter_spec, pid):
                continue
            days = facts.delay(events, pid)
            if days is not None:
                delays[keys[pid]].append(days)
        cells = _suppressed({k: {"n": len(delays.get(k, []))} for k in row_keys}, ["n"])
        every = [d for values in delays.values() for d in values]
        result.total.persons = cells[TOTAL]["n"]
        result.total.median_days = median(every, cells[TOTAL]["n"])
        result.rows = [
            Row(k, label, persons=cells[k]["n"], median_days=median(delays.get(k, []), cells[k]["n"]))
            for k, label in labels
        ]
    else:
        raise IndicatorError(_("Type d'indicateur inconnu."))
    if not by:
        result.rows = []
    return result


def _budget(definition: IndicatorDefinition, scope: Scope, year: int | None, by: str) -> IndicatorResult:
    amount = (definition.budget_spec or {}).get("amount", "granted")
    if amount not in AMOUNTS:
        raise IndicatorError(_("Montant inconnu."))
    lines = BudgetLine.objects.filter(action__contract=scope.contract)
    if year:
        lines = lines.filter(year=year)
    if scope.action is not None:
        lines = lines.filter(action=scope.action)
    if scope.axis is not None:
        lines = lines.filter(action__axis=scope.axis)
    result = IndicatorResult(
        definition.code, definition.label, definition.kind, (scope.start, scope.end), Row(TOTAL, _("Total")), by
    )
    if not by:
        total = lines.aggregate(s=Sum(amount))["s"] or Decimal("0")
        result.total.amount = total
        return result
    if by == Disaggregation.CO_FUNDER:
        field_name, labels = "co_funder", [(k, str(v)) for k, v in CoFunder.choices]
    elif by == Disaggregation.AXIS:
        field_name = "action__axis__number"
        labels = [
            (str(n), f"{n}. {t}") for n, t in scope.contract.axes.order_by("number").values_list("number", "title")
        ]
    else:
        raise IndicatorError(_("Ventilation inconnue."))
    sums = {
        str(row[field_name]): row["s"] or Decimal("0")
        for row in lines.values(field_name).annotate(s=Sum(amount)).order_by()
    }
    result.rows = [Row(k, label, amount=sums.get(k, Decimal("0"))) for k, label in labels]
    result.total.amount = sum((r.amount or Decimal("0") for r in result.rows), Decimal("0"))
    return result


def compute_catalogue(*, contract: Contract, year: int | None = None, **filters: Any) -> list[IndicatorResult]:
    """Every active indicator of the catalogue, without disaggregation; the facts about each population
    are loaded once for the whole catalogue."""
    facts: dict[str, Facts] = {}
    return [
        compute(definition, contract=contract, year=year, facts=facts, **filters)
        for definition in IndicatorDefinition.objects.filter(is_active=True)
    ]
