"""Coverage of the four tracks for the coordinators (issue 5 §7): aggregates only, small counts hidden.

Population: the persons with a pathway in scope. Coordinators see every pathway of the territory; an
organisation admin the pathways its organisation operates. Optional filters: the year of entry and the
programme of a pathway (the same pathway must match both), the commune of residence of the person.

Definitions (each is also explained on the page, under its table):

* **Durable housing now**: persons whose active housing situation today (``persons.Situation``, domain
  housing, started on or before today and not ended before today; the one started last when several
  are active) is durable (``persons.models.DURABLE_HOUSING``). Base: the population.
* **Months from protection to durable housing**: the protection date is the decision date, else the
  notification date, of the person's earliest dated protection (a pending asylum request is not a
  protection). The durable housing date is the start of the first durable housing situation still
  running on the protection date or started after it (0 months when already housed durably). Whole
  calendar months; median over the persons who have both dates.
* **Health coverage** (aggregate counts only, never an individual): PUMa open; complémentaire santé
  solidaire open and not expired today; médecin traitant declared (a declaration date is recorded).
  Base: the population.
* **French progression (CEFR)**: global-skill assessments only (per-skill assessments are not comparable
  with each other). Among the persons with at least two assessments, those whose latest level ranks
  above their first level (``core.enums.CEFRLevel.rank``; the latest and first by assessment date). The
  distribution of the latest level is over the persons with at least one assessment.
* **Bank account opened**: the droit au compte record is at the step « Compte ouvert ». Base: the
  population.
* **Driving licence exchanged in time**: the deadlines « licence_exchange » (not cancelled): done on or
  before the due date; done after it; missed (still open, due date passed); still running (open, due
  date to come).
* **Missed deadlines per month** (last 12 months, current month included): deadlines whose due date
  fell in the month and were missed: still open with the due date passed, or done after the due date;
  by rule.

Disclosure (``core.disclosure``): every count from 1 to 4 is hidden; tables showing totals get
complementary suppression so that no margin reveals a hidden cell; a share is hidden when its numerator
or its denominator is hidden, and the numerator is hidden when the complement (base − numerator) is
between 1 and 4; a median is hidden when the number of persons it is computed on is hidden.

Counting once (ADR 8, ``linkage.counting``): for a coordinator, the records of one person that the
linkage engine put in one cluster count once, their facts pooled (the situations, protections and
assessments of all of them; PUMa, CSS or bank account open on any of them). Merged records count
nowhere. An organisation admin's figures stay on the records of the pathways their organisation operates:
they are never pooled with another partner's record, whose content they must not learn (they know their
own records one by one, so a pooled aggregate could give another partner's entry away).

Queries: a fixed number (eight, plus the filters' choices on the page), whatever the number of persons.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.core.dates import add_months
from ancrage.core.disclosure import THRESHOLD, Cell, suppress, suppress_table
from ancrage.core.enums import CEFRLevel
from ancrage.deadlines.models import Deadline, DeadlineStatus, RuleCode
from ancrage.linkage.counting import counted_person, counted_records, not_merged
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role
from ancrage.pathways.models import Pathway, Programme
from ancrage.persons.models import (
    DURABLE_HOUSING,
    FrenchAssessment,
    LanguageSkill,
    Person,
    Protection,
    ProtectionType,
    Situation,
    SituationDomain,
)
from ancrage.territory.models import Commune

from .models import BankAccount, BankStep, CoverageStatus, HealthCoverage

TOTAL = "total"


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    programme: str = ""
    commune: str = ""  # INSEE code

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "programme": self.programme, "commune": self.commune}


def parse_filters(params) -> Filters:
    """Filters from query parameters (``annee``, ``programme``, ``commune``); unknown values are ignored."""
    year_text = str(params.get("annee", "") or "")
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
    programme = params.get("programme", "") or ""
    if programme not in Programme.values:
        programme = ""
    commune = str(params.get("commune", "") or "")
    if not (len(commune) == 5 and commune.isalnum()):
        commune = ""
    return Filters(year=year, programme=programme, commune=commune)


@dataclass
class Rate:
    """A share: numerator and denominator are suppressed counts; no percentage on a hidden part."""

    key: str
    label: str
    numerator: Cell
    denominator: Cell

    @property
    def percent(self) -> int | None:
        if self.numerator.suppressed or self.denominator.suppressed or not self.denominator.value:
            return None
        return round(100 * (self.numerator.value or 0) / self.denominator.value)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "numerator": self.numerator.value,
            "denominator": self.denominator.value,
            "percent": self.percent,
        }


def rate(key: str, label: str, hits: int, base: int) -> Rate:
    """The numerator is hidden when it is small, or when the complement (base − hits) is small."""
    numerator = suppress(hits)
    if 0 < base - hits < THRESHOLD:
        numerator = Cell(None)
    return Rate(key, label, numerator, suppress(base))


@dataclass
class Table:
    """Rows × columns of suppressed counts, with a total row and (optionally) a total column."""

    caption: str
    row_header: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, str, list[Cell], Cell]]  # (key, label, cells, row total)
    totals: list[Cell] = field(default_factory=list)
    total: Cell = field(default_factory=lambda: Cell(0))
    row_totals: bool = True

    def cell(self, row: str, column: str) -> Cell:
        keys = [k for k, _label in self.columns]
        return next(cells[keys.index(column)] for k, _l, cells, _t in self.rows if k == row)

    def as_json(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": [
                {
                    "key": k,
                    "label": label,
                    "values": [c.value for c in cells],
                    **({"total": t.value} if self.row_totals else {}),
                }
                for k, label, cells, t in self.rows
            ],
            "totals": [c.value for c in self.totals],
            "total": self.total.value,
        }


def table(
    caption: str,
    row_header: str,
    counts: dict[str, dict[str, int]],
    row_labels: list[tuple[str, str]],
    columns: list[tuple[str, str]],
    *,
    row_totals: bool = True,
) -> Table:
    """Suppressed counts with margins. The margins are cells of an extended table (a total column and
    a total row), so complementary suppression protects them like any other cell: no total minus the
    visible cells of its line ever gives back a hidden count."""
    full = {r: {c: counts.get(r, {}).get(c, 0) for c, _l in columns} for r, _l in row_labels}
    extended: dict[str, dict[str, int]] = {}
    for r, cols in full.items():
        extended[r] = dict(cols)
        if row_totals:
            extended[r][TOTAL] = sum(cols.values())
    extended[TOTAL] = {c: sum(full[r][c] for r in full) for c, _l in columns}
    if row_totals:
        extended[TOTAL][TOTAL] = sum(extended[TOTAL].values())
    hidden = suppress_table(extended)
    keys = [c for c, _l in columns]
    rows = [
        (r, label, [hidden[r][c] for c in keys], hidden[r][TOTAL] if row_totals else Cell(None))
        for r, label in row_labels
    ]
    totals = [hidden[TOTAL][c] for c in keys]
    single = totals[0] if len(totals) == 1 else Cell(None)
    total = hidden[TOTAL][TOTAL] if row_totals else single
    return Table(caption, row_header, list(columns), rows, totals, total, row_totals)


@dataclass
class Coverage:
    scope: str
    filters: Filters
    persons: Cell
    housing: Rate
    protection_to_housing_persons: Cell
    protection_to_housing_median_months: float | None
    health: list[Rate]
    cefr_progression: Rate
    cefr_latest: Table
    bank: Rate
    licence: Table
    missed: Table

    # Single rates as one-row lists, for the page's rate tables.
    @property
    def housing_rates(self) -> list[Rate]:
        return [self.housing]

    @property
    def cefr_rates(self) -> list[Rate]:
        return [self.cefr_progression]

    @property
    def bank_rates(self) -> list[Rate]:
        return [self.bank]

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "filters": self.filters.as_json(),
            "persons": self.persons.value,
            "durable_housing": self.housing.as_json(),
            "protection_to_durable_housing": {
                "persons": self.protection_to_housing_persons.value,
                "median_months": self.protection_to_housing_median_months,
            },
            "health": [r.as_json() for r in self.health],
            "cefr_progression": self.cefr_progression.as_json(),
            "cefr_latest_level": self.cefr_latest.as_json(),
            "bank_account": self.bank.as_json(),
            "licence_exchange": self.licence.as_json(),
            "missed_deadlines": self.missed.as_json(),
        }


def pathways_in_scope(actor: Actor) -> tuple[QuerySet[Pathway], str]:
    """Every pathway for a coordinator; the pathways its organisation operates for an organisation admin."""
    pathways = Pathway.objects.all()
    if actor.role == Role.ORG_ADMIN:
        return pathways.filter(operator_id=actor.organisation_id), actor.org.name
    return pathways, _("tout le territoire")


def population(actor: Actor, filters: Filters) -> tuple[QuerySet[Person], str]:
    """The persons counted (a lazy queryset, used as a subquery), and the scope's name."""
    pathways, scope = pathways_in_scope(actor)
    if filters.year:
        pathways = pathways.filter(entry_date__year=filters.year)
    if filters.programme:
        pathways = pathways.filter(programme=filters.programme)
    persons = Person.objects.filter(not_merged(), pk__in=pathways.values("person_id"))
    if filters.commune:
        persons = persons.filter(commune_id=filters.commune)
    return persons, scope


def _counting(unit: Any, condition: Q | None = None) -> Count:
    """The persons (``unit``, each once) of the rows matching ``condition``."""
    return Count(unit, distinct=True, filter=condition)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def last_12_months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    return [add_months(first, -i) for i in range(11, -1, -1)]


def compute_coverage(actor: Actor, filters: Filters | None = None, *, today: dt.date | None = None) -> Coverage:
    """Every indicator of the coverage page for the actor's scope (the caller checks access)."""
    filters = filters or Filters()
    today = today or timezone.localdate()
    persons, scope = population(actor, filters)
    # The records counted and the unit each counts under (one query): a coordinator counts each person
    # once across partners; an organisation admin only its own records, each as itself.
    pooled = actor.role != Role.ORG_ADMIN
    records = counted_records(persons) if pooled else persons
    ids = records.values("pk")
    unit_of: dict[int, int] = dict(
        records.annotate(unit=counted_person("") if pooled else F("pk")).order_by().values_list("pk", "unit")
    )
    base = len(set(unit_of.values()))
    unit = counted_person("person") if pooled else F("person_id")

    # Housing: one query for the current situation and the delay since protection.
    housing: dict[int, list[tuple[str, dt.date, dt.date | None, int]]] = defaultdict(list)
    for record, status, start, end, pk in Situation.objects.filter(
        person__in=ids, domain=SituationDomain.HOUSING
    ).values_list("person_id", "status", "start_date", "end_date", "pk"):
        housing[unit_of[record]].append((status, start, end, pk))
    durable_now = 0
    for history in housing.values():
        active = [
            (start, pk, status)
            for status, start, end, pk in history
            if start <= today and (end is None or end >= today)
        ]
        if active and max(active)[2] in DURABLE_HOUSING:
            durable_now += 1

    protected_on: dict[int, dt.date] = {}
    for record, decided, notified in (
        Protection.objects.filter(person__in=ids)
        .exclude(type=ProtectionType.ASYLUM_SEEKER)
        .filter(Q(decision_date__isnull=False) | Q(notification_date__isnull=False))
        .values_list("person_id", "decision_date", "notification_date")
    ):
        pid = unit_of[record]
        day = decided or notified
        if day is not None and (pid not in protected_on or day < protected_on[pid]):
            protected_on[pid] = day
    delays = []
    for pid, since in protected_on.items():
        starts = [
            start
            for status, start, end, _pk in housing.get(pid, [])
            if status in DURABLE_HOUSING and (end is None or end >= since)
        ]
        if starts:
            delays.append(months_between(since, min(starts)))
    delay_count = suppress(len(delays))
    median = None
    if delays and not delay_count.suppressed:
        median = round(float(statistics.median(delays)), 1)

    # Health: counts of persons only, in one aggregate query.
    health = HealthCoverage.objects.filter(person__in=ids).aggregate(
        puma=_counting(unit, Q(puma_status=CoverageStatus.OPEN)),
        css=_counting(
            unit,
            Q(css_status=CoverageStatus.OPEN) & (Q(css_expires_on__isnull=True) | Q(css_expires_on__gte=today)),
        ),
        gp=_counting(unit, Q(gp_declared_on__isnull=False)),
    )
    health_rates = [
        rate("puma_open", _("Protection universelle maladie (PUMa) ouverte"), health["puma"], base),
        rate("css_open", _("Complémentaire santé solidaire ouverte et en cours de validité"), health["css"], base),
        rate("gp_declared", _("Médecin traitant déclaré"), health["gp"], base),
    ]

    # French: first and latest global assessment per person.
    first: dict[int, str] = {}
    latest: dict[int, str] = {}
    assessments: dict[int, int] = defaultdict(int)
    for record, level in (
        FrenchAssessment.objects.filter(person__in=ids, skill=LanguageSkill.GLOBAL)
        .order_by("assessed_on", "pk")
        .values_list("person_id", "level")
    ):
        pid = unit_of[record]
        first.setdefault(pid, level)
        latest[pid] = level
        assessments[pid] += 1
    twice = [pid for pid, n in assessments.items() if n >= 2]
    progressed = sum(CEFRLevel.rank(latest[pid]) > CEFRLevel.rank(first[pid]) for pid in twice)
    level_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for level in latest.values():
        level_counts[level]["persons"] += 1
    cefr_latest = table(
        _("Dernier niveau de français (CECRL) des personnes évaluées"),
        _("Niveau"),
        level_counts,
        [(k, str(v)) for k, v in CEFRLevel.choices],
        [("persons", _("Personnes"))],
        row_totals=False,
    )

    bank_open = BankAccount.objects.filter(person__in=ids, step=BankStep.OPEN).aggregate(n=_counting(unit))["n"] or 0

    # Driving licence exchange deadlines, in one aggregate query (deadlines, not persons: those of the
    # records in scope).
    licence_qs = Deadline.objects.filter(person__in=persons.values("pk"), code=RuleCode.LICENCE_EXCHANGE).exclude(
        status=DeadlineStatus.CANCELLED
    )
    done = Q(status=DeadlineStatus.DONE)
    still_open = Q(status=DeadlineStatus.OPEN)
    licence = licence_qs.aggregate(
        in_time=Count("pk", filter=done & Q(done_on__lte=F("due_on"))),
        late=Count("pk", filter=done & Q(done_on__gt=F("due_on"))),
        missed=Count("pk", filter=still_open & Q(due_on__lt=today)),
        running=Count("pk", filter=still_open & Q(due_on__gte=today)),
    )
    licence_rows = [
        ("in_time", _("Échangé dans le délai")),
        ("late", _("Échangé après l'échéance")),
        ("missed", _("Échéance dépassée, pas encore échangé")),
        ("running", _("En cours, échéance à venir")),
    ]
    licence_table = table(
        _("Échange du permis de conduire étranger"),
        _("Situation"),
        {key: {"deadlines": licence[key]} for key, _label in licence_rows},
        licence_rows,
        [("deadlines", _("Échéances"))],
        row_totals=False,
    )

    # Missed deadlines per month and rule.
    months = last_12_months(today)
    missed_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Deadline.objects.filter(person__in=persons.values("pk"), due_on__gte=months[0])
        .filter((still_open & Q(due_on__lt=today)) | (done & Q(done_on__gt=F("due_on"))))
        .annotate(month=TruncMonth("due_on"))
        .values("code", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        missed_counts[row["code"]][month.isoformat()] += row["n"]
    missed = table(
        _("Échéances manquées par mois et par règle (12 derniers mois)"),
        _("Règle"),
        missed_counts,
        [(k, str(v)) for k, v in RuleCode.choices],
        [(m.isoformat(), m.strftime("%m/%Y")) for m in months],
    )

    return Coverage(
        scope=scope,
        filters=filters,
        persons=suppress(base),
        housing=rate("durable_housing", _("Personnes en logement durable aujourd'hui"), durable_now, base),
        protection_to_housing_persons=delay_count,
        protection_to_housing_median_months=median,
        health=health_rates,
        cefr_progression=rate(
            "cefr_progression",
            _("Personnes dont le dernier niveau dépasse le premier"),
            progressed,
            len(twice),
        ),
        cefr_latest=cefr_latest,
        bank=rate("bank_open", _("Compte bancaire ouvert"), bank_open, base),
        licence=licence_table,
        missed=missed,
    )


def entry_years(actor: Actor) -> list[int]:
    """The years of entry of the pathways in scope, for the filter (one query)."""
    pathways, _scope = pathways_in_scope(actor)
    return sorted({d.year for d in pathways.dates("entry_date", "year")}, reverse=True)


def communes() -> list[tuple[str, str]]:
    """The communes of the territory, for the filter (one query)."""
    return list(Commune.objects.order_by("name").values_list("insee_code", "name"))
