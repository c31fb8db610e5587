"""The figures of the contract for its coordinators: budget, actions, persons reached, outcomes, monthly
trends, communes and targets — shared by the dashboards, the annual report and the API.

Everything is computed from the records on each call (no pre-aggregation). Amounts are not about
persons and are shown as they are; every count of persons goes through ``core.disclosure``: counts
from 1 to 4 are hidden, and tables whose rows add up to a shown total get complementary suppression.
Persons are counted once across partners (``linkage.counting``): the records of one cluster are one
person, merged records count nowhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.core.disclosure import Cell, suppress, suppress_table
from ancrage.linkage.counting import counted_person, not_merged
from ancrage.territory.models import Commune

from .indicators import TOTAL, Facts, IndicatorResult, _suppressed, compute, period_of
from .models import (
    Action,
    ActionStatus,
    BudgetLine,
    CoFunder,
    Contract,
    IndicatorDefinition,
    IndicatorKind,
    Participation,
    PriorityAxis,
    QualitativeReport,
    Target,
)
from .selectors import default_year

ZERO = Decimal("0")
ALL_YEARS = "tout"

# The outcome sections of the overview and of the report, by indicator code; an active indicator that
# is in none of them is shown under « Autres indicateurs ».
SECTIONS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("persons", gettext_lazy("Personnes"), ("persons_reached", "persons_accompanied")),
    ("housing", gettext_lazy("Logement"), ("durable_housing_rate", "delay_protection_durable_housing")),
    ("employment", gettext_lazy("Emploi et formation"), ("employment_or_training_rate", "delay_entry_first_contract")),
    ("language", gettext_lazy("Français"), ("cefr_progression_rate",)),
    (
        "rights",
        gettext_lazy("Droits et accès aux soins"),
        ("caf_rights_rate", "puma_open_rate", "bank_account_rate", "licence_exchanged_rate"),
    ),
    ("delays", gettext_lazy("Délais du parcours"), ("delay_protection_cir", "delay_cir_first_contact")),
)
OTHERS_SECTION = gettext_lazy("Autres indicateurs")


# --- filters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a coordinator narrows the figures to; ``year`` None is the whole contract."""

    year: int | None = None
    axis: PriorityAxis | None = None
    action: Action | None = None
    commune: Commune | None = None

    @property
    def commune_code(self) -> str:
        return self.commune.insee_code if self.commune else ""

    def params(self, **changes: Any) -> dict[str, str]:
        values = {
            "annee": ALL_YEARS if self.year is None else str(self.year),
            "axe": str(self.axis.number) if self.axis else "",
            "action": str(self.action.pk) if self.action else "",
            "commune": self.commune_code,
        }
        values.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}

    def query(self, **changes: Any) -> str:
        """The query string of these filters (with ``changes``), for links that keep them."""
        return urlencode(self.params(**changes))

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "axis": self.axis.number if self.axis else None,
            "action": self.action.pk if self.action else None,
            "commune": self.commune_code or None,
        }

    def indicator_scope(self) -> dict[str, Any]:
        return {"year": self.year, "axis": self.axis, "action": self.action, "commune": self.commune_code or None}


def contract_years(contract: Contract) -> list[int]:
    return list(range(contract.starts_on.year, contract.effective_ends_on.year + 1))


def parse_filters(contract: Contract, data: Any, *, today: dt.date | None = None) -> tuple[Filters, list[str]]:
    """Filters from a query string (``annee``, ``axe``, ``action``, ``commune``); a value that does not
    belong to the contract is ignored, with a French message saying so."""
    errors: list[str] = []
    raw_year = (data.get("annee") or "").strip()
    year: int | None = default_year(contract, today)
    if raw_year == ALL_YEARS:
        year = None
    elif raw_year:
        if raw_year.isdigit() and int(raw_year) in contract_years(contract):
            year = int(raw_year)
        else:
            errors.append(_("Année inconnue pour ce contrat : la période par défaut est affichée."))
    axis = None
    raw_axis = (data.get("axe") or "").strip()
    if raw_axis:
        axis = contract.axes.filter(number=int(raw_axis)).first() if raw_axis.isdigit() else None
        if axis is None:
            errors.append(_("Axe inconnu : tous les axes sont affichés."))
    action = None
    raw_action = (data.get("action") or "").strip()
    if raw_action:
        found = (
            contract.actions.select_related("axis", "carrier").filter(pk=int(raw_action)).first()
            if raw_action.isdigit()
            else None
        )
        if found is None:
            errors.append(_("Fiche action inconnue : toutes les actions sont affichées."))
        else:
            action = found
    commune = None
    raw_commune = (data.get("commune") or "").strip()
    if raw_commune:
        commune = Commune.objects.filter(pk=raw_commune, territory_id=contract.territory_id).first()
        if commune is None:
            errors.append(_("Commune inconnue sur ce territoire : toutes les communes sont affichées."))
    return Filters(year=year, axis=axis, action=action, commune=commune), errors


def filter_choices(contract: Contract) -> dict[str, Any]:
    """The options of the filter form (years, axes, actions, communes of the territory)."""
    return {
        "years": contract_years(contract),
        "all_years": ALL_YEARS,
        "axes": list(contract.axes.order_by("number")),
        "actions": list(contract.actions.select_related("axis").order_by("axis__number", "title")),
        "communes": list(Commune.objects.filter(territory_id=contract.territory_id).order_by("name")),
    }


def describe(contract: Contract, filters: Filters) -> str:
    """The scope in words, for captions and the report: « 2024 — axe 3 — Rennes »."""
    start, end = period_of(contract, filters.year)
    parts = [
        str(filters.year)
        if filters.year
        else _("du %(start)s au %(end)s") % {"start": date_format(start), "end": date_format(end)}
    ]
    if filters.axis:
        parts.append(_("axe %(number)s") % {"number": filters.axis.number})
    if filters.action:
        parts.append(filters.action.title)
    if filters.commune:
        parts.append(filters.commune.name)
    return " — ".join(parts)


# --- budget --------------------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    key: str
    label: str
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def paid_rate(self) -> float | None:
        """The share of the granted money already paid (%), None when nothing was granted."""
        return round(float(100 * self.paid / self.granted), 1) if self.granted else None

    def add(self, other: BudgetRow) -> None:
        self.requested += other.requested
        self.granted += other.granted
        self.committed += other.committed
        self.paid += other.paid

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "requested": str(self.requested),
            "granted": str(self.granted),
            "committed": str(self.committed),
            "paid": str(self.paid),
            "paid_rate": self.paid_rate,
        }


@dataclass
class BudgetTable:
    by: str
    rows: list[BudgetRow]
    total: BudgetRow


BUDGET_BY = {"axis": "action__axis__number", "co_funder": "co_funder", "year": "year", "action": "action_id"}


def budget_lines(contract: Contract, filters: Filters) -> QuerySet[BudgetLine]:
    """The budget lines in scope; budget is not broken down by commune, so the commune filter is ignored."""
    lines = BudgetLine.objects.filter(action__contract=contract)
    if filters.year:
        lines = lines.filter(year=filters.year)
    if filters.axis:
        lines = lines.filter(action__axis=filters.axis)
    if filters.action:
        lines = lines.filter(action=filters.action)
    return lines


def budget_table(contract: Contract, filters: Filters, by: str) -> BudgetTable:
    """Requested / granted / committed / paid by axis, co-funder, year or action, in one query; every
    axis, co-funder or year of the contract has its row (zeros included)."""
    column = BUDGET_BY[by]
    keys: list[tuple[Any, str]]
    sums = {
        row[column]: row
        for row in budget_lines(contract, filters)
        .values(column)
        .annotate(requested=Sum("requested"), granted=Sum("granted"), committed=Sum("committed"), paid=Sum("paid"))
        .order_by()
    }
    if by == "axis":
        axes = [filters.axis] if filters.axis else list(contract.axes.order_by("number"))
        keys = [(a.number, f"{a.number}. {a.title}") for a in axes]
    elif by == "co_funder":
        keys = [(k, str(v)) for k, v in CoFunder.choices]
    elif by == "year":
        keys = [(y, str(y)) for y in ([filters.year] if filters.year else contract_years(contract))]
    else:
        actions = contract.actions.order_by("axis__number", "title")
        if filters.axis:
            actions = actions.filter(axis=filters.axis)
        if filters.action:
            actions = actions.filter(pk=filters.action.pk)
        keys = [(pk, title) for pk, title in actions.values_list("pk", "title")]
    rows = []
    total = BudgetRow(TOTAL, _("Total"))
    for key, label in keys:
        found = sums.get(key) or {}
        row = BudgetRow(
            str(key),
            label,
            found.get("requested") or ZERO,
            found.get("granted") or ZERO,
            found.get("committed") or ZERO,
            found.get("paid") or ZERO,
        )
        total.add(row)
        rows.append(row)
    return BudgetTable(by, rows, total)


# --- actions -------------------------------------------------------------------------------------------


def participations(contract: Contract, filters: Filters) -> QuerySet[Participation]:
    """Participations in scope: overlapping the period, in the axis or action, of persons of the commune."""
    start, end = period_of(contract, filters.year)
    qs = Participation.objects.filter(not_merged("person"), action__contract=contract, starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    if filters.axis:
        qs = qs.filter(action__axis=filters.axis)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.commune:
        qs = qs.filter(person__commune=filters.commune)
    return qs


@dataclass
class ActionRow:
    action: Action
    granted: Decimal
    paid: Decimal
    reached: Cell
    target: Decimal | None  # the persons_reached target of the year, when one is set

    @property
    def status_label(self) -> str:
        return str(ActionStatus(self.action.status).label)


def action_rows(contract: Contract, filters: Filters) -> list[ActionRow]:
    """Every action in scope with its money and its persons reached (counts 1–4 hidden, and a lone hidden
    row gets a complementary one: the rows may add up to the distinct total when nobody overlaps)."""
    actions = contract.actions.select_related("axis", "carrier").order_by("axis__number", "title", "pk")
    if filters.axis:
        actions = actions.filter(axis=filters.axis)
    if filters.action:
        actions = actions.filter(pk=filters.action.pk)
    money = {
        row["action_id"]: row
        for row in budget_lines(contract, filters)
        .values("action_id")
        .annotate(granted=Sum("granted"), paid=Sum("paid"))
        .order_by()
    }
    reached = dict(
        participations(contract, filters)
        .values("action_id")
        .annotate(n=Count(counted_person("person"), distinct=True))
        .order_by()
        .values_list("action_id", "n")
    )
    targets: dict[int, Decimal] = {}
    if filters.year:
        targets = dict(
            Target.objects.filter(
                action__contract=contract, indicator__code="persons_reached", year=filters.year
            ).values_list("action_id", "value")
        )
    listed = list(actions)
    # When participations do not overlap, the rows add up to the persons reached shown as a total: a
    # lone hidden row would then be total minus the others, so the column gets complementary suppression.
    cells = suppress_table({str(a.pk): {"n": reached.get(a.pk, 0)} for a in listed})
    return [
        ActionRow(
            action=a,
            granted=(money.get(a.pk) or {}).get("granted") or ZERO,
            paid=(money.get(a.pk) or {}).get("paid") or ZERO,
            reached=cells[str(a.pk)]["n"],
            target=targets.get(a.pk),
        )
        for a in listed
    ]


def status_counts(rows: list[ActionRow]) -> list[tuple[str, int]]:
    """Actions by state (actions are not persons: no suppression)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.action.status] += 1
    return [(str(label), counts[value]) for value, label in ActionStatus.choices if counts[value]]


# --- outcomes ------------------------------------------------------------------------------------------


@dataclass
class OutcomeSection:
    key: str
    title: str
    results: list[IndicatorResult]


def outcomes(
    contract: Contract, filters: Filters, *, today: dt.date | None = None, facts: dict[str, Facts] | None = None
) -> list[OutcomeSection]:
    """The active person indicators of the catalogue, grouped by domain (budget sums are in the budget)."""
    cache: dict[str, Facts] = facts if facts is not None else {}
    definitions = [d for d in IndicatorDefinition.objects.filter(is_active=True) if d.kind != IndicatorKind.BUDGET_SUM]
    results = {
        d.code: compute(d, contract=contract, today=today, facts=cache, **filters.indicator_scope())
        for d in definitions
    }
    sections = []
    placed: set[str] = set()
    for key, title, codes in SECTIONS:
        found = [results[c] for c in codes if c in results]
        placed.update(codes)
        if found:
            sections.append(OutcomeSection(key, str(title), found))
    rest = [r for code, r in results.items() if code not in placed]
    if rest:
        sections.append(OutcomeSection("others", str(OTHERS_SECTION), rest))
    return sections


# --- monthly trends --------------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: dt.date
    label: str
    new: Cell
    active: Cell


@dataclass
class Trend:
    rows: list[MonthRow]
    new_total: Cell


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def monthly(contract: Contract, filters: Filters, *, today: dt.date | None = None) -> Trend:
    """Per month of the period (up to this month): persons entering the contract's actions (their first
    participation in scope starts that month — these add up to the period's total, so the column gets
    complementary suppression) and persons taking part (a participation overlaps the month)."""
    today = today or timezone.localdate()
    start, end = period_of(contract, filters.year)
    months = _months(start, min(end, today))
    # First participation of each person in the contract (axis / action / commune filters applied).
    every = Participation.objects.filter(not_merged("person"), action__contract=contract)
    if filters.axis:
        every = every.filter(action__axis=filters.axis)
    if filters.action:
        every = every.filter(action=filters.action)
    if filters.commune:
        every = every.filter(person__commune=filters.commune)
    # A person counts once across partners: the participations of a cluster's records are pooled.
    firsts = (
        every.annotate(unit=counted_person("person"))
        .values("unit")
        .annotate(first=Min("starts_on"))
        .order_by()
        .values_list("first", flat=True)
    )
    new: dict[dt.date, int] = defaultdict(int)
    for first in firsts:
        if start <= first <= end:
            new[dt.date(first.year, first.month, 1)] += 1
    # Persons taking part, per month: the months each person's participations cover.
    covered: dict[int, set[dt.date]] = defaultdict(set)
    month_set = set(months)
    for pid, begin, finish in (
        participations(contract, filters)
        .annotate(unit=counted_person("person"))
        .values_list("unit", "starts_on", "ends_on")
    ):
        first_month = dt.date(max(begin, start).year, max(begin, start).month, 1)
        last = min(finish or end, end, today)
        for month in _months(first_month, last):
            if month in month_set:
                covered[pid].add(month)
    active: dict[dt.date, int] = defaultdict(int)
    for person_months in covered.values():
        for month in person_months:
            active[month] += 1
    table = {m.isoformat(): {"n": new.get(m, 0)} for m in months}
    cells = _suppressed(table, ["n"])
    rows = [MonthRow(m, date_format(m, "F Y"), cells[m.isoformat()]["n"], suppress(active.get(m, 0))) for m in months]
    return Trend(rows, cells[TOTAL]["n"])


# --- communes --------------------------------------------------------------------------------------------


def commune_results(
    contract: Contract, filters: Filters, *, today: dt.date | None = None, facts: dict[str, Facts] | None = None
) -> tuple[IndicatorResult, IndicatorResult]:
    """Persons reached and persons accompanied by commune of residence (each table suppressed with its
    total), for the map and its data table."""
    cache: dict[str, Facts] = facts if facts is not None else {}
    scope = filters.indicator_scope()
    reached = compute("persons_reached", contract=contract, by="commune", today=today, facts=cache, **scope)
    accompanied = compute("persons_accompanied", contract=contract, by="commune", today=today, facts=cache, **scope)
    return reached, accompanied


# --- targets against achievements -----------------------------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    result: IndicatorResult

    @property
    def achieved(self) -> Any:
        """The achieved figure in the target's unit: a Cell (persons), a percentage, days or euros; None
        when it is hidden by the statistical secret."""
        total = self.result.total
        kind = self.result.kind
        if kind == IndicatorKind.COUNT_DISTINCT_PERSONS:
            return None if total.value is None or total.value.suppressed else total.value.value
        if kind == IndicatorKind.RATE:
            return total.percent
        if kind == IndicatorKind.MEDIAN_DELAY:
            return total.median_days
        return total.amount

    @property
    def reached_target(self) -> bool | None:
        achieved = self.achieved
        if achieved is None:
            return None
        if self.result.kind == IndicatorKind.MEDIAN_DELAY:
            return Decimal(str(achieved)) <= self.target.value  # a delay is a ceiling
        return Decimal(str(achieved)) >= self.target.value


def target_rows(contract: Contract, filters: Filters, *, today: dt.date | None = None) -> list[TargetRow]:
    """Each target in scope with what the action achieved on that indicator that year (commune filter
    ignored: targets are set for the whole action)."""
    targets = Target.objects.filter(action__contract=contract).select_related("action", "action__axis", "indicator")
    if filters.year:
        targets = targets.filter(year=filters.year)
    if filters.axis:
        targets = targets.filter(action__axis=filters.axis)
    if filters.action:
        targets = targets.filter(action=filters.action)
    rows = []
    caches: dict[tuple[int, int], dict[str, Facts]] = defaultdict(dict)
    for target in targets.order_by("action__axis__number", "action__title", "year", "indicator__position"):
        result = compute(
            target.indicator,
            contract=contract,
            year=target.year,
            action=target.action,
            today=today,
            facts=caches[(target.action_id, target.year)],
        )
        rows.append(TargetRow(target, result))
    return rows


# --- bilans ------------------------------------------------------------------------------------------------


def bilans(contract: Contract, filters: Filters) -> QuerySet[QualitativeReport]:
    reports = QualitativeReport.objects.filter(action__contract=contract).select_related(
        "action", "action__axis", "action__carrier"
    )
    if filters.year:
        reports = reports.filter(year=filters.year)
    if filters.axis:
        reports = reports.filter(action__axis=filters.axis)
    if filters.action:
        reports = reports.filter(action=filters.action)
    return reports.prefetch_related("attachments").order_by("action__axis__number", "action__title", "-year")


# --- the overview, all together ----------------------------------------------------------------------------


@dataclass
class Overview:
    contract: Contract
    filters: Filters
    scope_label: str
    budget_by_axis: BudgetTable
    budget_by_funder: BudgetTable
    budget_by_year: BudgetTable
    actions: list[ActionRow]
    statuses: list[tuple[str, int]]
    outcomes: list[OutcomeSection]
    trend: Trend
    reached_by_commune: IndicatorResult
    accompanied_by_commune: IndicatorResult
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def reached(self) -> IndicatorResult | None:
        for section in self.outcomes:
            for result in section.results:
                if result.code == "persons_reached":
                    return result
        return None


def build_overview(
    contract: Contract, filters: Filters, *, today: dt.date | None = None, with_targets: bool = True
) -> Overview:
    """Everything the contract overview (and the annual report) shows, for one scope."""
    facts: dict[str, Facts] = {}
    reached, accompanied = commune_results(contract, filters, today=today, facts=facts)
    rows = action_rows(contract, filters)
    return Overview(
        contract=contract,
        filters=filters,
        scope_label=describe(contract, filters),
        budget_by_axis=budget_table(contract, filters, "axis"),
        budget_by_funder=budget_table(contract, filters, "co_funder"),
        budget_by_year=budget_table(contract, filters, "year"),
        actions=rows,
        statuses=status_counts(rows),
        outcomes=outcomes(contract, filters, today=today, facts=facts),
        trend=monthly(contract, filters, today=today),
        reached_by_commune=reached,
        accompanied_by_commune=accompanied,
        targets=target_rows(contract, filters, today=today) if with_targets else [],
    )
