"""Results of the professional integration (issue 4 §5): aggregates only, small counts suppressed.

Scope: coordinators see every pathway of the territory, an organisation admin the pathways its
organisation operates. Optional filters: programme, year of entry.

Units and definitions (documented on the page too):

* **Persons accompanied**: distinct persons with a pathway in scope. Each person is described by
  their latest pathway in scope (by entry date): its programme, its entry date (age at entry, the
  situation at entry), so every breakdown adds up to the number of persons.
* **Entries per month**: pathways entering during each of the last 12 months (current month included).
* **Situation at entry vs now**: the situation history (employment, training, housing) active on
  the entry date and today; when several are active in a domain, the one started last.
* **In employment or qualifying training** at 6 (12) months: on the day 6 (12) months after entry,
  an employment situation other than job seeker or inactive, or a qualifying training situation.
  Denominator: persons whose entry is at least 6 (12) months ago.
* **Days to the first contract**: from entry to the first of: a hired placement's contract start,
  an employment situation (other than job seeker or inactive) starting on or after the entry date.
  Median over the persons who got one.
* **Positive exits**: among exited pathways in scope, those with durable housing and durable
  employment or qualifying training on the exit date (the rule of ``pathways.outcomes``, computed
  here on the situations already loaded instead of one query per exit date).

Counting once (ADR 8): for a coordinator, the records of one person that the linkage engine put in one
cluster count once (``linkage.counting``): their situations, protections and placements pooled, described
by the record of their latest pathway in scope. Merged records count nowhere. An organisation admin's
figures stay on their own records, never pooled with another partner's. Entries and exits count
pathways, not persons.

Disclosure (``core.disclosure``): every count from 1 to 4 is hidden, with complementary suppression
in tables that show totals; a rate or a median computed on a hidden base is hidden. Queries: a fixed
number (seven), whatever the number of persons.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.core.dates import add_months, age_on
from ancrage.core.disclosure import THRESHOLD, Cell, suppress, suppress_table
from ancrage.core.enums import Sex
from ancrage.core.statistics import AGE_BANDS, UNKNOWN, age_band
from ancrage.linkage.counting import counted_person, counted_records, not_merged
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role
from ancrage.pathways.models import Pathway, Programme
from ancrage.persons.models import (
    DURABLE_EMPLOYMENT,
    DURABLE_HOUSING,
    QUALIFYING_TRAINING,
    SITUATION_STATUSES,
    Nationality,
    Person,
    Protection,
    ProtectionType,
    Situation,
    SituationDomain,
    country_name,
)

from .models import Placement, PlacementStatus

NOT_WORKING = {"job_seeker", "inactive"}
OTHERS = "others"
SITUATION_DOMAINS = (SituationDomain.EMPLOYMENT, SituationDomain.TRAINING, SituationDomain.HOUSING)


@dataclass
class Table:
    """Rows × columns of suppressed counts, with suppressed margins."""

    caption: str
    row_header: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, str, list[Cell], Cell]]  # (key, label, cells, row total)
    totals: list[Cell] = field(default_factory=list)
    total: Cell | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": [
                {"key": k, "label": label, "values": [c.value for c in cells], "total": t.value}
                for k, label, cells, t in self.rows
            ],
            "totals": [c.value for c in self.totals],
            "total": self.total.value if self.total else None,
        }


@dataclass
class Rate:
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
            "label": self.label,
            "numerator": self.numerator.value,
            "denominator": self.denominator.value,
            "percent": self.percent,
        }


@dataclass
class Results:
    scope: str
    persons: Cell
    breakdowns: list[Table]
    entries: Table
    situations: list[Table]
    rates: list[Rate]
    first_contract_count: Cell
    first_contract_median_days: int | None
    exits: Rate

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "persons": self.persons.value,
            "breakdowns": [t.as_json() for t in self.breakdowns],
            "entries_per_month": self.entries.as_json(),
            "situations": [t.as_json() for t in self.situations],
            "in_employment_or_training": [r.as_json() for r in self.rates],
            "first_contract": {
                "persons": self.first_contract_count.value,
                "median_days": self.first_contract_median_days,
            },
            "positive_exits": self.exits.as_json(),
        }


def rate(label: str, hits: int, base: int) -> Rate:
    """A share whose parts are both protected: the complement (base − hits) below 5 hides the numerator."""
    numerator = suppress(hits)
    if 0 < base - hits < THRESHOLD:
        numerator = Cell(None)
    return Rate(label, numerator, suppress(base))


def pathways_in_scope(actor: Actor) -> tuple[QuerySet[Pathway], str]:
    pathways = Pathway.objects.all()
    if actor.role == Role.ORG_ADMIN:
        return pathways.filter(operator_id=actor.organisation_id), actor.org.name
    return pathways, _("tout le territoire")


def _table(caption: str, row_header: str, counts: dict[str, dict[str, int]], row_labels, columns) -> Table:
    """Counts (row → column → n) with totals; complementary suppression protects the margins."""
    full = {r: {c: counts.get(r, {}).get(c, 0) for c, _label in columns} for r, _label in row_labels}
    hidden = suppress_table(full)
    rows = [(r, label, [hidden[r][c] for c, _l in columns], suppress(sum(full[r].values()))) for r, label in row_labels]
    totals = [suppress(sum(full[r][c] for r in full)) for c, _l in columns]
    return Table(
        caption, row_header, list(columns), rows, totals, suppress(sum(sum(v.values()) for v in full.values()))
    )


def _status_on(history: list[tuple[str, dt.date, dt.date | None]], day: dt.date) -> str:
    """The status active on ``day`` (the one started last), or "" when none."""
    active = [(start, status) for status, start, end in history if start <= day and (end is None or end >= day)]
    return max(active)[1] if active else ""


def _working_on(situations: dict[str, list], day: dt.date) -> bool:
    for status, start, end in situations.get(SituationDomain.EMPLOYMENT, []):
        if start <= day and (end is None or end >= day) and status not in NOT_WORKING:
            return True
    for status, start, end in situations.get(SituationDomain.TRAINING, []):
        if start <= day and (end is None or end >= day) and status in QUALIFYING_TRAINING:
            return True
    return False


def _durable_on(situations: dict[str, list], day: dt.date) -> bool:
    """Mirror of ``pathways.outcomes.durable_flags``: durable housing AND durable work on ``day``."""

    def active(domain):
        return [s for s, start, end in situations.get(domain, []) if start <= day and (end is None or end >= day)]

    housing = any(s in DURABLE_HOUSING for s in active(SituationDomain.HOUSING))
    work = any(s in DURABLE_EMPLOYMENT for s in active(SituationDomain.EMPLOYMENT)) or any(
        s in QUALIFYING_TRAINING for s in active(SituationDomain.TRAINING)
    )
    return housing and work


def _last_12_months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    return [add_months(first, -i) for i in range(11, -1, -1)]


def compute_results(
    actor: Actor, *, programme: str = "", year: int | None = None, today: dt.date | None = None
) -> Results:
    """Every aggregate of the results page, for the actor's scope (the caller checks access)."""
    today = today or timezone.localdate()
    pathways, scope = pathways_in_scope(actor)
    if programme:
        pathways = pathways.filter(programme=programme)
    if year:
        pathways = pathways.filter(entry_date__year=year)
    pathways = pathways.filter(not_merged("person"))
    # Counting once (ADR 8): for a coordinator, the records of one person in a linkage cluster count once
    # (their unit, ``linkage.counting``), their facts pooled; an organisation admin counts its own
    # records, each as itself (never pooled with another partner's record).
    pooled = actor.role != Role.ORG_ADMIN
    persons = Person.objects.filter(pk__in=pathways.values("person_id"))
    records = counted_records(persons) if pooled else persons
    unit_of: dict[int, int] = {}
    members: dict[int, list[int]] = defaultdict(list)
    attributes: dict[int, tuple[str, dt.date | None]] = {}
    for pk, unit, sex, birth in (
        records.annotate(unit=counted_person("") if pooled else F("pk"))
        .order_by("-updated_at", "-pk")
        .values_list("pk", "unit", "sex", "birth_date")
    ):
        unit_of[pk] = unit
        members[unit].append(pk)
        attributes[pk] = (sex, birth)
    found = list(
        pathways.order_by("entry_date", "pk").values_list("pk", "person_id", "programme", "entry_date", "exit_date")
    )
    rows = [(pk, unit_of[record], prog, entry, exit_date) for pk, record, prog, entry, exit_date in found]
    # The latest pathway in scope describes each person; its record is the person's representative: the
    # sex, birth date and nationality are that record's, else the most recently updated other record's.
    latest: dict[int, tuple[str, dt.date]] = {}
    for _pk, record, prog, entry, _exit in found:
        unit = unit_of[record]
        latest[unit] = (prog, entry)
        members[unit].remove(record)
        members[unit].insert(0, record)

    def first_known(unit: int, values: dict[int, Any], empty: Any) -> Any:
        for record in members.get(unit, []):
            if values.get(record) not in (None, ""):
                return values[record]
        return empty

    sexes = {pk: sex for pk, (sex, _birth) in attributes.items()}
    births = {pk: birth for pk, (_sex, birth) in attributes.items()}
    people = {unit: (first_known(unit, sexes, ""), first_known(unit, births, None)) for unit in latest}
    first_nationality: dict[int, str] = {}
    for record, code in (
        Nationality.objects.filter(person__in=records.values("pk")).order_by("id").values_list("person_id", "code")
    ):
        first_nationality.setdefault(record, code)
    nationalities = {unit: code for unit in latest if (code := first_known(unit, first_nationality, None)) is not None}
    protections: dict[int, str] = {}
    for record, kind in (
        Protection.objects.filter(person__in=records.values("pk"))
        .order_by("decision_date", "id")
        .values_list("person_id", "type")
    ):
        protections[unit_of[record]] = kind  # the last one wins: the latest decision
    situations: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for record, domain, status, start, end in Situation.objects.filter(
        person__in=records.values("pk"), domain__in=list(SITUATION_DOMAINS)
    ).values_list("person_id", "domain", "status", "start_date", "end_date"):
        situations[unit_of[record]][domain].append((status, start, end))
    contracts: dict[int, list[dt.date]] = defaultdict(list)
    for record, contract_start in Placement.objects.filter(
        person__in=records.values("pk"), status=PlacementStatus.HIRED, contract_start__isnull=False
    ).values_list("person_id", "contract_start"):
        if contract_start is not None:
            contracts[unit_of[record]].append(contract_start)

    programmes = [(p, str(label)) for p, label in Programme.choices]
    programme_keys = {p for p, _l in programmes}

    def breakdown(caption: str, header: str, key_of, row_labels) -> Table:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for pid, (prog, entry) in latest.items():
            if prog in programme_keys:
                counts[key_of(pid, entry)][prog] += 1
        return _table(caption, header, counts, row_labels, programmes)

    # Nationality groups: the first nationality; groups under the threshold go to « Autres ».
    nat_counts = Counter(nationalities.get(pid, UNKNOWN) for pid in latest)
    big = sorted(code for code, n in nat_counts.items() if n >= THRESHOLD and code != UNKNOWN)
    nat_rows = [(code, country_name(code)) for code in big] + [(OTHERS, _("Autres")), (UNKNOWN, _("Non renseignée"))]

    def nat_key(pid, _entry):
        code = nationalities.get(pid, UNKNOWN)
        return code if code in big or code == UNKNOWN else OTHERS

    breakdowns = [
        breakdown(
            _("Personnes accompagnées par sexe et programme"),
            _("Sexe"),
            lambda pid, _e: people.get(pid, ("", None))[0] or UNKNOWN,
            [(k, str(v)) for k, v in Sex.choices] + [(UNKNOWN, _("Non renseigné"))],
        ),
        breakdown(
            _("Personnes accompagnées par âge à l'entrée et programme"),
            _("Âge à l'entrée"),
            lambda pid, entry: age_band(age_on(people.get(pid, ("", None))[1], entry)),
            [(k, str(v)) for k, v in AGE_BANDS] + [(UNKNOWN, _("Non renseigné"))],
        ),
        breakdown(
            _("Personnes accompagnées par type de protection et programme"),
            _("Protection"),
            lambda pid, _e: protections.get(pid, UNKNOWN),
            [(k, str(v)) for k, v in ProtectionType.choices] + [(UNKNOWN, _("Non renseignée"))],
        ),
        breakdown(_("Personnes accompagnées par nationalité et programme"), _("Nationalité"), nat_key, nat_rows),
    ]

    months = _last_12_months(today)
    month_counts: Counter[str] = Counter()
    for _pk, _pid, _prog, entry, _exit in rows:
        key = entry.replace(day=1).isoformat()
        month_counts[key] += 1
    month_columns = [(m.isoformat(), m.strftime("%m/%Y")) for m in months]
    entries = _table(
        _("Entrées en accompagnement par mois (12 derniers mois)"),
        _("Entrées"),
        {"entries": {k: month_counts.get(k, 0) for k, _l in month_columns}},
        [("entries", _("Entrées"))],
        month_columns,
    )

    situation_tables = []
    moments = [("entry", _("À l'entrée")), ("now", _("Aujourd'hui"))]
    for domain in SITUATION_DOMAINS:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for pid, (_prog, entry) in latest.items():
            history = situations[pid][domain] if pid in situations else []
            counts[_status_on(history, entry) or UNKNOWN]["entry"] += 1
            counts[_status_on(history, today) or UNKNOWN]["now"] += 1
        labels = [(k, str(v)) for k, v in SITUATION_STATUSES[domain]] + [(UNKNOWN, _("Non renseignée"))]
        situation_tables.append(
            _table(
                _("Situation à l'entrée et aujourd'hui : %(domain)s") % {"domain": SituationDomain(domain).label},
                _("Situation"),
                counts,
                labels,
                moments,
            )
        )

    rates = []
    for months_after in (6, 12):
        base = hits = 0
        for pid, (_prog, entry) in latest.items():
            day = add_months(entry, months_after)
            if day > today:
                continue
            base += 1
            hits += _working_on(situations.get(pid, {}), day)
        label = _("En emploi ou en formation qualifiante %(months)s mois après l'entrée") % {"months": months_after}
        rates.append(rate(label, hits, base))

    delays = []
    for pid, (_prog, entry) in latest.items():
        starts = [d for d in contracts.get(pid, []) if d >= entry]
        starts += [
            start
            for status, start, _end in situations.get(pid, {}).get(SituationDomain.EMPLOYMENT, [])
            if status not in NOT_WORKING and start >= entry
        ]
        if starts:
            delays.append((min(starts) - entry).days)
    delay_count = suppress(len(delays))
    median = round(statistics.median(delays)) if delays and not delay_count.suppressed else None

    exited = [(pid, exit_date) for _pk, pid, _prog, _entry, exit_date in rows if exit_date is not None]
    positive = sum(_durable_on(situations.get(pid, {}), day) for pid, day in exited)
    exits = rate(_("Sorties positives parmi les sorties"), positive, len(exited))

    return Results(
        scope=scope,
        persons=suppress(len(latest)),
        breakdowns=breakdowns,
        entries=entries,
        situations=situation_tables,
        rates=rates,
        first_contract_count=delay_count,
        first_contract_median_days=median,
        exits=exits,
    )


def entry_years(actor: Actor) -> list[int]:
    pathways, _scope = pathways_in_scope(actor)
    return sorted({d.year for d in pathways.dates("entry_date", "year")}, reverse=True)
