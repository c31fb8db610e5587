"""The shared territorial diagnosis (issue 6 §7; domain.md §1.1): what the préfecture and the métropole
look at together to choose the contract's actions. Aggregates only, computed from the records.

**Population**: the persons with a pathway (any programme) open during the period — the chosen calendar
year, else the contract's whole period — living in a commune of the contract's territory (optionally one
commune): ``indicators.population("accompanied", ...)``. **Reference date**: the end of the period, or
today while it runs; situations, courses and pending requests are read on that date.

**Tables** (each with its total, suppressed by ``core.disclosure.suppress_table``: counts from 1 to 4
hidden, with complementary cells so that no total gives a hidden cell back):

* persons by commune, by protection type (latest protection), by age band, by household size (the
  household's members — with or without a record of their own — plus the person; 1 without household);
* needs from the pathways' diagnoses: for each domain, the latest assessment of the person (among their
  pathways, assessed on or before the reference date) by need level, with the persons having a need;
* French: persons with a French need, split by what they have on the reference date (a course, only a
  prescription, nothing), against the French-course services of the directory and their declared capacity
  (the directory holds a capacity, not free seats). Its total is the needs table's « with a need » cell
  for French: both tables are suppressed together (``suppress_lines``) so that neither gives back a cell
  the other hides;
* housing: persons whose housing on the reference date is not durable, split by their pending requests
  (social housing in the SNE, SIAO);
* waiting times (median days, one delay per person: from the person's first event in the period to the
  first answer on or after it, answered by the reference date): referral sent → answered per directory
  thematique, SIAO request → orientation obtained, social-housing request → first offer, language
  prescription → course start. A median is hidden when it rests on fewer than five persons.

**Queries**: a fixed number (about fifteen), whatever the number of persons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.core.dates import age_on
from ancrage.core.disclosure import THRESHOLD, Cell, suppress, suppress_table
from ancrage.core.statistics import AGE_BANDS, UNKNOWN, age_band, median
from ancrage.directory.models import Service, thematique_label
from ancrage.linkage.counting import not_merged
from ancrage.pathways.models import DiagnosticDomain, DiagnosticItem, NeedLevel
from ancrage.persons.models import DURABLE_HOUSING, HouseholdMember, Person, ProtectionType, SituationDomain
from ancrage.referrals.models import Referral
from ancrage.territory.models import Commune
from ancrage.tracks.models import (
    CourseStatus,
    HousingOffer,
    HousingRequestStatus,
    LanguageCourse,
    LanguagePrescription,
    RequestStatus,
    SiaoRequest,
    SocialHousingRequest,
)

from .indicators import Facts, Scope, period_of, population
from .models import Contract

FRENCH_THEMATIQUE = "lecture-ecriture-calcul--maitriser-le-francais"
TOTAL = "total"
COUNT = "n"
NEED = "need"
HOUSEHOLD_BANDS = (
    ("1", gettext_lazy("1 personne")),
    ("2", gettext_lazy("2 personnes")),
    ("3_4", gettext_lazy("3 ou 4 personnes")),
    ("5plus", gettext_lazy("5 personnes et plus")),
)
NEED_COLUMNS = [(str(level.value), level.label) for level in NeedLevel]


@dataclass
class Table:
    """A suppressed table: rows of cells under ``columns``, then the total row (when there is one)."""

    key: str
    caption: str
    row_header: str
    columns: list[tuple[str, str]]
    rows: list[tuple[str, str, list[Cell]]]
    total: list[Cell] | None = None
    definition: str = ""

    @property
    def total_label(self) -> str:
        return _("Total")

    def as_lines(self) -> list[list[str]]:
        """Header then rows, suppressed cells written « secret » (for the CSV)."""

        def text(cell: Cell) -> str:
            return "secret" if cell.suppressed else str(cell.value)

        lines = [[self.row_header, *[str(label) for _k, label in self.columns]]]
        lines += [[label, *[text(c) for c in cells]] for _k, label, cells in self.rows]
        if self.total is not None:
            lines.append([self.total_label, *[text(c) for c in self.total]])
        return lines


@dataclass
class Delay:
    key: str
    label: str
    persons: Cell
    median_days: float | None

    @property
    def hidden(self) -> bool:
        return self.persons.suppressed


@dataclass
class Supply:
    """French-course services of the directory (not persons: not suppressed)."""

    services: int = 0
    with_capacity: int = 0
    capacity: int = 0


@dataclass
class Diagnosis:
    contract: Contract
    year: int | None
    commune: str
    period: tuple[dt.date, dt.date]
    on: dt.date
    persons: Cell
    population: list[Table] = field(default_factory=list)
    needs: Table | None = None
    french: Table | None = None
    french_supply: Supply = field(default_factory=Supply)
    housing: Table | None = None
    delays: list[Delay] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [*self.population, *[t for t in (self.needs, self.french, self.housing) if t is not None]]

    @property
    def is_empty(self) -> bool:
        return self.persons.value == 0


# --- helpers ------------------------------------------------------------------------------------------------


def _partition(
    key: str, caption: str, row_header: str, counts: Counter[str], labels: list[tuple[str, str]], definition: str
) -> Table:
    """A one-column table whose rows partition the population, with its total row, suppressed."""
    rows = {k: {COUNT: counts.get(k, 0)} for k, _label in labels}
    rows[TOTAL] = {COUNT: sum(counts.values())}
    cells = suppress_table(rows)
    return Table(
        key=key,
        caption=caption,
        row_header=row_header,
        columns=[(COUNT, _("Personnes"))],
        rows=[(k, str(label), [cells[k][COUNT]]) for k, label in labels],
        total=[cells[TOTAL][COUNT]],
        definition=definition,
    )


def household_band(size: int) -> str:
    if size <= 1:
        return "1"
    if size == 2:
        return "2"
    if size <= 4:
        return "3_4"
    return "5plus"


def _household_sizes(facts: Facts) -> dict[int, int]:
    """Members of each person's household: member rows plus the records in it not named by a row. A
    person counted once across partners takes the household of their representative record (else of
    the next record that has one, ``Facts.first_known``)."""
    household_of = dict(facts.records.filter(household__isnull=False).values_list("pk", "household_id"))
    households = set(household_of.values())
    members: Counter[int] = Counter()
    named: dict[int, set[int]] = defaultdict(set)
    for household_id, person_id in HouseholdMember.objects.filter(household_id__in=households).values_list(
        "household_id", "person_id"
    ):
        members[household_id] += 1
        if person_id is not None:
            named[household_id].add(person_id)
    records: dict[int, set[int]] = defaultdict(set)
    for pk, in_household in Person.objects.filter(not_merged(), household_id__in=households).values_list(
        "pk", "household_id"
    ):
        if in_household is not None:
            records[in_household].add(pk)
    sizes: dict[int, int] = {}
    for unit in facts.ids:
        household = facts.first_known(unit, household_of)
        if household is None:
            sizes[unit] = 1
        else:
            sizes[unit] = max(1, members[household] + len(records[household] - named[household]))
    return sizes


def _first_delay(starts: list[dt.date], answers: list[dt.date], start: dt.date, end: dt.date, on: dt.date):
    """Days from the first start in [start, end] (and not after ``on``) to the first answer on or after
    it, answered by ``on``; None when there is no such start or no answer yet."""
    in_period = [d for d in starts if start <= d <= end and d <= on]
    if not in_period:
        return None
    since = min(in_period)
    later = [d for d in answers if since <= d <= on]
    return (min(later) - since).days if later else None


def _delay_row(key: str, label: str, delays: list[int]) -> Delay:
    persons = suppress(len(delays))
    return Delay(key, label, persons, median(delays, persons))


# --- the diagnosis ----------------------------------------------------------------------------------------


def compute_diagnosis(
    contract: Contract, *, year: int | None = None, commune: str = "", today: dt.date | None = None
) -> Diagnosis:
    start, end = period_of(contract, year)
    today = today or timezone.localdate()
    on = min(end, today)
    scope = Scope(contract, start, end, on, commune=commune)
    facts = Facts(population("accompanied", scope), scope)
    # Every record of the persons counted (their clusters' other records included); the facts below are
    # keyed by the unit each record counts under (``linkage.counting``), so a person counts once.
    persons = facts.records
    unit_of = facts.unit_of
    pids = facts.ids
    result = Diagnosis(contract, year, commune, (start, end), on, suppress(len(pids)))
    if not pids:
        return result

    # Who: commune, protection, age, household.
    people = facts.people
    by_commune = Counter(people[pid][2] or UNKNOWN for pid in pids)
    names = dict(Commune.objects.filter(pk__in=set(by_commune) - {UNKNOWN}).values_list("pk", "name"))
    commune_labels = sorted(((k, names.get(k, k)) for k in by_commune if k != UNKNOWN), key=lambda item: item[1])
    kinds = facts.protections[0]
    by_protection = Counter(kinds.get(pid, UNKNOWN) for pid in pids)
    by_age = Counter(age_band(age_on(people[pid][1], on)) for pid in pids)
    sizes = _household_sizes(facts)
    by_household = Counter(household_band(sizes[pid]) for pid in pids)
    unknown = [(UNKNOWN, _("Non renseigné"))]
    result.population = [
        _partition(
            "commune",
            _("Personnes par commune de résidence"),
            _("Commune"),
            by_commune,
            commune_labels,
            _("Commune de résidence enregistrée dans le dossier de la personne."),
        ),
        _partition(
            "protection",
            _("Personnes par type de protection"),
            _("Type de protection"),
            by_protection,
            [(k, str(v)) for k, v in ProtectionType.choices] + unknown,
            _("Type de la protection la plus récente enregistrée ; « Non renseigné » : aucune protection saisie."),
        ),
        _partition(
            "age",
            _("Personnes par tranche d'âge"),
            _("Tranche d'âge"),
            by_age,
            [(k, str(v)) for k, v in AGE_BANDS] + unknown,
            _("Âge à la date de référence, calculé à partir de la date de naissance."),
        ),
        _partition(
            "household",
            _("Personnes par taille du foyer"),
            _("Taille du foyer"),
            by_household,
            [(k, str(v)) for k, v in HOUSEHOLD_BANDS],
            _(
                "Nombre de personnes du foyer enregistré (membres saisis, avec ou sans dossier, et la personne "
                "elle-même) ; 1 lorsque aucun foyer n'est enregistré."
            ),
        ),
    ]

    # Needs from the diagnoses: the person's latest assessment per domain.
    latest: dict[tuple[int, str], tuple[dt.date, int, int]] = {}
    for record, domain, level, assessed, pk in DiagnosticItem.objects.filter(
        pathway__person__in=persons.values("pk"), assessed_on__lte=on
    ).values_list("pathway__person_id", "domain", "need_level", "assessed_on", "pk"):
        pid = unit_of[record]
        current = latest.get((pid, domain))
        if current is None or (assessed, pk) > (current[0], current[1]):
            latest[(pid, domain)] = (assessed, pk, level)
    french_need = {
        pid for (pid, domain), (_a, _pk, level) in latest.items() if domain == "language" and level >= NeedLevel.LOW
    }
    in_course = _units(
        unit_of,
        LanguageCourse.objects.filter(person__in=persons.values("pk"))
        .exclude(status=CourseStatus.DROPPED)
        .filter(
            Q(start_on__lte=on, end_on__isnull=True)
            | Q(start_on__lte=on, end_on__gte=on)
            | Q(status=CourseStatus.PLANNED, start_on__gt=on)
        )
        .values_list("person_id", flat=True),
    )
    prescribed = _units(
        unit_of,
        LanguagePrescription.objects.filter(person__in=persons.values("pk"), prescribed_on__lte=on).values_list(
            "person_id", flat=True
        ),
    )
    french_counts = Counter(
        "course" if pid in in_course else "prescription" if pid in prescribed else "nothing" for pid in french_need
    )
    result.needs, result.french = _needs_tables(latest, french_counts)
    result.french_supply = _french_supply(contract, commune)

    # Housing: persons not durably housed, by their pending requests.
    precarious = [
        pid
        for pid in pids
        if (status := facts.situation_on(pid, SituationDomain.HOUSING, on)) is not None
        and status not in DURABLE_HOUSING
    ]
    sne_active = _units(
        unit_of,
        SocialHousingRequest.objects.filter(person__in=persons.values("pk"), requested_on__lte=on)
        .filter(Q(status=HousingRequestStatus.ACTIVE) | Q(closed_on__gt=on))
        .values_list("person_id", flat=True),
    )
    siao_pending = _units(
        unit_of,
        SiaoRequest.objects.filter(person__in=persons.values("pk"), requested_on__lte=on)
        .filter(Q(status=RequestStatus.PENDING) | Q(decided_on__gt=on))
        .values_list("person_id", flat=True),
    )
    housing_counts = Counter(
        "sne" if pid in sne_active else "siao" if pid in siao_pending else "none" for pid in precarious
    )
    result.housing = _partition(
        "housing",
        _("Logement : personnes sans logement durable, selon leurs demandes en cours"),
        _("Demande en cours à la date de référence"),
        housing_counts,
        [
            ("sne", _("Demande de logement social active")),
            ("siao", _("Demande SIAO en attente (sans demande de logement social)")),
            ("none", _("Aucune demande en cours")),
        ],
        _(
            "Personnes dont la situation de logement à la date de référence n'est pas un logement durable "
            "(hébergement d'urgence, CADA, CHRS, hébergé par un tiers, sans logement…). Une demande est en cours "
            "si elle est déposée et sans réponse ni clôture à cette date."
        ),
    )

    result.delays = _delays(persons, unit_of, start, end, on)
    return result


FRENCH_ROWS = (
    ("course", gettext_lazy("Inscrites ou en cours de français")),
    ("prescription", gettext_lazy("Prescription sans cours commencé")),
    ("nothing", gettext_lazy("Ni cours ni prescription")),
)


def suppress_lines(values: dict[Any, int], lines: list[list[Any]]) -> dict[Any, Cell]:
    """Suppression over any set of additive lines (each line: cells that add up to one of them).

    The same rules as ``core.disclosure.suppress_table``, for tables that share a cell: counts from 1 to 4
    are hidden; while a line has exactly one hidden cell, its smallest visible non-zero cell is hidden too.
    """
    hidden = {key for key, value in values.items() if 0 < value < THRESHOLD}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for key in line if key in hidden) == 1:
                candidates = sorted((values[key], str(key), key) for key in line if key not in hidden and values[key])
                if candidates:
                    hidden.add(candidates[0][2])
                    changed = True
    return {key: Cell(None if key in hidden else value) for key, value in values.items()}


def _needs_tables(
    latest: dict[tuple[int, str], tuple[dt.date, int, int]], french_counts: Counter[str]
) -> tuple[Table, Table]:
    """The needs by domain and the French table, suppressed together: per domain, no need + with a need
    = diagnosed, and the levels add up to « with a need »; the French rows add up to the persons with a
    French need, the same cell as in the needs table."""
    values: dict[tuple[str, str], int] = {}
    lines: list[list[tuple[str, str]]] = []
    levels = [key for key, _label in NEED_COLUMNS]
    for domain in DiagnosticDomain.values:
        counts = Counter(str(level) for (_pid, d), (_a, _pk, level) in latest.items() if d == domain)
        for key in levels:
            values[(domain, key)] = counts.get(key, 0)
        values[(domain, NEED)] = sum(counts.get(key, 0) for key in levels if key != "0")
        values[(domain, TOTAL)] = sum(counts.values())
        lines.append([(domain, "0"), (domain, NEED), (domain, TOTAL)])
        lines.append([*[(domain, key) for key in levels if key != "0"], (domain, NEED)])
    for key, _label in FRENCH_ROWS:
        values[("french", key)] = french_counts.get(key, 0)
    lines.append([*[("french", key) for key, _l in FRENCH_ROWS], ("language", NEED)])
    cells = suppress_lines(values, lines)
    columns = [*levels, NEED, TOTAL]
    needs = Table(
        key="needs",
        caption=_("Besoins relevés par les diagnostics"),
        row_header=_("Domaine"),
        columns=[
            *[(k, str(v)) for k, v in NEED_COLUMNS],
            (NEED, _("Personnes ayant un besoin")),
            (TOTAL, _("Personnes diagnostiquées")),
        ],
        rows=[
            (domain, str(label), [cells[(domain, key)] for key in columns])
            for domain, label in DiagnosticDomain.choices
        ],
        definition=_(
            "Pour chaque domaine, le niveau de besoin du diagnostic le plus récent de la personne (tous ses "
            "parcours, évalué au plus tard à la date de référence) ; « personnes ayant un besoin » : besoin "
            "léger à prioritaire. Une personne compte dans chaque domaine où elle a été diagnostiquée : les "
            "lignes ne s'additionnent pas."
        ),
    )
    french = Table(
        key="french",
        caption=_("Français : personnes ayant un besoin, selon leur situation"),
        row_header=_("Situation à la date de référence"),
        columns=[(COUNT, _("Personnes"))],
        rows=[(key, str(label), [cells[("french", key)]]) for key, label in FRENCH_ROWS],
        total=[cells[("language", NEED)]],
        definition=_(
            "Personnes dont le diagnostic le plus récent relève un besoin en langue française (léger à "
            "prioritaire), le même effectif que dans le tableau des besoins. « Inscrites ou en cours » : un cours "
            "de français non abandonné, commencé et non terminé à la date de référence, ou prévu après."
        ),
    )
    return needs, french


def _french_supply(contract: Contract, commune: str) -> Supply:
    services = Service.objects.active().filter(thematiques__icontains=FRENCH_THEMATIQUE)
    if commune:
        services = services.filter(Q(commune_id=commune) | Q(zone=commune))
    else:
        services = services.filter(
            Q(commune__territory_id=contract.territory_id) | Q(zone__territory_id=contract.territory_id)
        )
    supply = Supply()
    seen: set[int] = set()
    for pk, capacity, thematiques in services.values_list("pk", "capacity", "thematiques"):
        if pk in seen or FRENCH_THEMATIQUE not in (thematiques or []):
            continue
        seen.add(pk)
        supply.services += 1
        if capacity is not None:
            supply.with_capacity += 1
            supply.capacity += capacity
    return supply


def _units(unit_of: dict[int, int], records: Iterable[int]) -> set[int]:
    """The units (persons counted once) of these records."""
    return {unit_of[record] for record in records}


def _delays(persons, unit_of: dict[int, int], start: dt.date, end: dt.date, on: dt.date) -> list[Delay]:
    """One delay per person (unit): the records of a unit are pooled, so the first start is the
    earliest of any of its records and the answer the first on or after it."""
    tz = timezone.get_current_timezone()
    rows: list[Delay] = []

    # Referrals, per thematique of the service (a service may have several: a row for each).
    sent: dict[tuple[str, int], list[dt.date]] = defaultdict(list)
    answered: dict[tuple[str, int], list[dt.date]] = defaultdict(list)
    for record, sent_at, answered_at, thematiques in Referral.objects.filter(
        person__in=persons.values("pk"), sent_at__isnull=False
    ).values_list("person_id", "sent_at", "answered_at", "service__thematiques"):
        if sent_at is None:
            continue
        pid = unit_of[record]
        sent_on = sent_at.astimezone(tz).date()
        for thematique in thematiques or []:
            sent[(thematique, pid)].append(sent_on)
            if answered_at is not None:
                answered[(thematique, pid)].append(answered_at.astimezone(tz).date())
    per_thematique: dict[str, list[int]] = defaultdict(list)
    for (thematique, pid), starts in sent.items():
        days = _first_delay(starts, answered.get((thematique, pid), []), start, end, on)
        if days is not None:
            per_thematique[thematique].append(days)
    for thematique in sorted(per_thematique, key=thematique_label):
        rows.append(
            _delay_row(
                f"referral:{thematique}",
                _("Orientation envoyée → réponse : %(thematique)s") % {"thematique": thematique_label(thematique)},
                per_thematique[thematique],
            )
        )

    # SIAO request → orientation obtained.
    siao_starts: dict[int, list[dt.date]] = defaultdict(list)
    siao_answers: dict[int, list[dt.date]] = defaultdict(list)
    for pid, requested, status, decided in SiaoRequest.objects.filter(person__in=persons.values("pk")).values_list(
        "person_id", "requested_on", "status", "decided_on"
    ):
        siao_starts[unit_of[pid]].append(requested)
        if status == RequestStatus.GRANTED and decided is not None:
            siao_answers[unit_of[pid]].append(decided)
    rows.append(
        _delay_row(
            "siao",
            _("Demande SIAO → orientation obtenue"),
            _collect(siao_starts, siao_answers, start, end, on),
        )
    )

    # Social-housing request → first housing offer.
    sne_starts: dict[int, list[dt.date]] = defaultdict(list)
    for pid, requested in SocialHousingRequest.objects.filter(person__in=persons.values("pk")).values_list(
        "person_id", "requested_on"
    ):
        sne_starts[unit_of[pid]].append(requested)
    offers: dict[int, list[dt.date]] = defaultdict(list)
    for pid, offered in HousingOffer.objects.filter(person__in=persons.values("pk")).values_list(
        "person_id", "offered_on"
    ):
        offers[unit_of[pid]].append(offered)
    rows.append(
        _delay_row(
            "sne", _("Demande de logement social → première proposition"), _collect(sne_starts, offers, start, end, on)
        )
    )

    # Language prescription → course start.
    prescriptions: dict[int, list[dt.date]] = defaultdict(list)
    for pid, prescribed in LanguagePrescription.objects.filter(person__in=persons.values("pk")).values_list(
        "person_id", "prescribed_on"
    ):
        prescriptions[unit_of[pid]].append(prescribed)
    courses: dict[int, list[dt.date]] = defaultdict(list)
    for pid, start_on in LanguageCourse.objects.filter(person__in=persons.values("pk")).values_list(
        "person_id", "start_on"
    ):
        courses[unit_of[pid]].append(start_on)
    rows.append(
        _delay_row(
            "language",
            _("Prescription linguistique → début du cours"),
            _collect(prescriptions, courses, start, end, on),
        )
    )
    return rows


def _collect(
    starts: dict[int, list[dt.date]], answers: dict[int, list[dt.date]], start: dt.date, end: dt.date, on: dt.date
) -> list[int]:
    found = []
    for pid, days in starts.items():
        delay = _first_delay(days, answers.get(pid, []), start, end, on)
        if delay is not None:
            found.append(delay)
    return found


def as_json(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis as plain data (tests, exports)."""
    return {
        "persons": diagnosis.persons.value,
        "tables": {t.key: t.as_lines() for t in diagnosis.tables},
        "delays": [{"key": d.key, "persons": d.persons.value, "median_days": d.median_days} for d in diagnosis.delays],
    }
