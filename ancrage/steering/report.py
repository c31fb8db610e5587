"""The annual report (*bilan annuel*) of the contract for the comité de pilotage and the State.

``build_report_data`` gathers everything once (the overview of the year from ``steering.overview``, the
contract with its amendments, the actions with their carriers, the calls for projects of the year and
the qualitative bilans); ``render_pdf`` (WeasyPrint, nothing fetched) and ``render_xlsx`` (openpyxl)
lay the same data out. Every count of persons comes suppressed from the overview: a hidden count is
written « secret », never as a number; amounts are not about persons and are shown as they are.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ancrage.core.disclosure import THRESHOLD, Cell
from ancrage.core.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # re-exported for report_runs
from ancrage.core.spreadsheets import xlsx_append

from . import charts
from .indicators import UNKNOWN, IndicatorResult, Row
from .models import (
    Amendment,
    CallForProjects,
    Contract,
    Decision,
    IndicatorDefinition,
    IndicatorKind,
    QualitativeReport,
)
from .overview import (
    BudgetRow,
    BudgetTable,
    Filters,
    Overview,
    budget_table,
    build_overview,
    contract_years,
)
from .overview import bilans as overview_bilans

Progress = Callable[[int, str], None]

PDF_CONTENT_TYPE = "application/pdf"
EURO_FORMAT = '#,##0.00\\ "€"'
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "DD/MM/YYYY"
# Columns whose cells count persons carry this word in their header (the tests scan them).
PERSONS_WORD = "personnes"


class ReportError(ValueError):
    """The report cannot be built as asked (a year outside the contract...): a French message."""


def _noop(_percent: int, _step: str) -> None:
    return None


def secret_label() -> str:
    return _("secret")


# --- the data -----------------------------------------------------------------------------------------


@dataclass
class CallSummary:
    call: CallForProjects
    received: int
    selected: int
    rejected: int
    requested: Decimal
    applications: list[Any]


@dataclass
class ReportData:
    contract: Contract
    year: int
    period: tuple[dt.date, dt.date]
    generated_at: dt.datetime
    overview: Overview
    budget_by_action: BudgetTable
    amendments: list[Amendment]
    calls: list[CallSummary]
    bilans: list[QualitativeReport]
    definitions: list[IndicatorDefinition]
    communes: list[tuple[str, str, Cell, Cell]] = field(default_factory=list)  # code, name, reached, accompanied
    communes_total: tuple[Cell, Cell] = (Cell(0), Cell(0))

    @property
    def title(self) -> str:
        return _("Bilan annuel %(year)s du contrat territorial d'accueil et d'intégration") % {"year": self.year}

    @property
    def file_stem(self) -> str:
        return f"bilan-ctair-{self.year}"


def _communes(overview: Overview) -> tuple[list[tuple[str, str, Cell, Cell]], tuple[Cell, Cell]]:
    """Persons reached and accompanied by commune, in one table (each column was suppressed with its
    total by the indicator engine)."""
    reached = {row.key: row for row in overview.reached_by_commune.rows}
    accompanied = {row.key: row for row in overview.accompanied_by_commune.rows}
    keys = [row.key for row in overview.reached_by_commune.rows]
    keys += [row.key for row in overview.accompanied_by_commune.rows if row.key not in reached]
    # « Non renseigné » last, the communes by name.
    labels = {row.key: row.label for row in [*reached.values(), *accompanied.values()]}
    ordered = sorted((k for k in keys if k != UNKNOWN), key=lambda k: labels[k]) + [k for k in keys if k == UNKNOWN]
    rows = []
    for key in ordered:
        r = reached.get(key)
        a = accompanied.get(key)
        rows.append(
            (
                "" if key == UNKNOWN else key,
                labels[key],
                (r.value if r and r.value is not None else Cell(0)),
                (a.value if a and a.value is not None else Cell(0)),
            )
        )
    total = (
        overview.reached_by_commune.total.value or Cell(0),
        overview.accompanied_by_commune.total.value or Cell(0),
    )
    return rows, total


def _calls(contract: Contract, year: int) -> list[CallSummary]:
    calls = (
        CallForProjects.objects.filter(contract=contract, year=year)
        .annotate(
            received=Count("applications"),
            n_selected=Count("applications", filter=Q(applications__decision=Decision.SELECTED)),
            n_rejected=Count("applications", filter=Q(applications__decision=Decision.REJECTED)),
            requested=Sum("applications__requested_amount"),
        )
        .prefetch_related("applications__organisation", "applications__action")
        .order_by("opens_on", "title")
    )
    return [
        CallSummary(
            call=call,
            received=call.received,
            selected=call.n_selected,
            rejected=call.n_rejected,
            requested=call.requested or Decimal("0"),
            applications=list(call.applications.all()),
        )
        for call in calls
    ]


def build_report_data(
    contract: Contract, year: int, today: dt.date | None = None, *, progress: Progress | None = None
) -> ReportData:
    """Everything the annual report of ``year`` shows, computed from the records now (labels in French)."""
    with translation.override("fr"):
        return _build(contract, year, today, progress or _noop)


def _build(contract: Contract, year: int, today: dt.date | None, step: Progress) -> ReportData:
    if year not in contract_years(contract):
        years = contract_years(contract)
        raise ReportError(
            _("L'année %(year)s n'est pas couverte par le contrat (%(first)s à %(last)s).")
            % {"year": year, "first": years[0], "last": years[-1]}
        )
    filters = Filters(year=year)
    step(5, _("Calcul du budget, des indicateurs et des cibles"))
    overview = build_overview(contract, filters, today=today)
    step(45, _("Budget par fiche action"))
    by_action = budget_table(contract, filters, "action")
    step(50, _("Avenants, appels à projets et candidatures"))
    amendments = list(contract.amendments.order_by("number"))
    calls = _calls(contract, year)
    step(55, _("Bilans qualitatifs"))
    reports = list(overview_bilans(contract, filters).select_related("written_by"))
    definitions = list(IndicatorDefinition.objects.filter(is_active=True).order_by("position", "code"))
    communes, communes_total = _communes(overview)
    return ReportData(
        contract=contract,
        year=year,
        period=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        generated_at=timezone.localtime(),
        overview=overview,
        budget_by_action=by_action,
        amendments=amendments,
        calls=calls,
        bilans=reports,
        definitions=definitions,
        communes=communes,
        communes_total=communes_total,
    )


# --- shared helpers ------------------------------------------------------------------------------------


def cell_value(cell: Cell | None) -> int | str | None:
    """A count as written in the report: the number, or « secret » when it is hidden."""
    if cell is None:
        return None
    return secret_label() if cell.suppressed else cell.value


def _rate(row: Row) -> float | str | None:
    """A rate as a fraction (0.452), « secret » when its numerator or base is hidden, None without base."""
    if row.numerator is None or row.denominator is None:
        return None
    if row.numerator.suppressed or row.denominator.suppressed:
        return secret_label()
    percent = row.percent
    return None if percent is None else percent / 100


def _median(row: Row) -> float | str | None:
    if row.persons is None:
        return None
    if row.persons.suppressed:
        return secret_label()
    return row.median_days


def kind_label(kind: str) -> str:
    try:
        return str(IndicatorKind(kind).label)
    except ValueError:
        return kind


def population_label(definition: IndicatorDefinition) -> str:
    if definition.kind == IndicatorKind.BUDGET_SUM:
        return _("lignes budgétaires des actions")
    if definition.population == "accompanied":
        return _("personnes accompagnées")
    return _("personnes touchées par les actions")


@dataclass
class IndicatorLine:
    section: str
    result: IndicatorResult
    persons: int | str | None  # count, or persons a median is computed on
    numerator: int | str | None
    denominator: int | str | None
    rate: float | str | None
    median: float | str | None


def indicator_lines(data: ReportData) -> list[IndicatorLine]:
    lines = []
    for section in data.overview.outcomes:
        for result in section.results:
            total = result.total
            lines.append(
                IndicatorLine(
                    section=section.title,
                    result=result,
                    persons=cell_value(total.value if total.value is not None else total.persons),
                    numerator=cell_value(total.numerator),
                    denominator=cell_value(total.denominator),
                    rate=_rate(total),
                    median=_median(total),
                )
            )
    return lines


@dataclass
class TargetLine:
    axis: int
    action: str
    indicator: str
    unit: str
    target: Decimal
    achieved: Any  # number, « secret », or None (not measurable yet)
    reached: str


def target_lines(data: ReportData) -> list[TargetLine]:
    lines = []
    for row in data.overview.targets:
        kind = row.result.kind
        achieved = row.achieved
        hidden = False
        if kind == IndicatorKind.COUNT_DISTINCT_PERSONS:
            unit = PERSONS_WORD
            hidden = row.result.total.value is not None and row.result.total.value.suppressed
        elif kind == IndicatorKind.RATE:
            unit = "%"
            total = row.result.total
            hidden = bool(
                (total.numerator and total.numerator.suppressed) or (total.denominator and total.denominator.suppressed)
            )
        elif kind == IndicatorKind.MEDIAN_DELAY:
            unit = _("jours")
            hidden = row.result.total.persons is not None and row.result.total.persons.suppressed
        else:
            unit = "€"
        reached = row.reached_target
        lines.append(
            TargetLine(
                axis=row.target.action.axis.number,
                action=row.target.action.title,
                indicator=row.target.indicator.label,
                unit=unit,
                target=row.target.value,
                achieved=secret_label() if hidden else achieved,
                reached=(secret_label() if hidden else "—" if reached is None else (_("oui") if reached else _("non"))),
            )
        )
    return lines


def _budget_rows(table: BudgetTable) -> list[BudgetRow]:
    return [*table.rows, table.total]


# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_context(data: ReportData) -> dict[str, Any]:
    overview = data.overview
    granted_by_axis = charts.bar_chart(
        _("Montants accordés par axe (€)"), [(r.label, r.granted) for r in overview.budget_by_axis.rows], unit=" €"
    )
    granted_by_funder = charts.bar_chart(
        _("Montants accordés par financeur (€)"),
        [(r.label, r.granted) for r in overview.budget_by_funder.rows if r.requested or r.granted],
        unit=" €",
    )
    reached_by_action = charts.bar_chart(
        _("Personnes touchées par fiche action"), [(r.action.title, r.reached) for r in overview.actions]
    )
    monthly_chart = charts.column_chart(
        _("Nouvelles personnes touchées par mois"), [(r.label, r.new) for r in overview.trend.rows]
    )
    from ancrage.territory.models import Commune

    communes = list(Commune.objects.filter(territory_id=data.contract.territory_id).order_by("name"))
    areas, viewbox = charts.commune_choropleth(communes, {code: reached for code, _n, reached, _a in data.communes})
    return {
        "data": data,
        "overview": overview,
        "contract": data.contract,
        "indicators": indicator_lines(data),
        "targets": target_lines(data),
        "budget_tables": [
            (_("Par axe prioritaire"), _budget_rows(overview.budget_by_axis)),
            (_("Par financeur"), _budget_rows(overview.budget_by_funder)),
            (_("Par fiche action"), _budget_rows(data.budget_by_action)),
        ],
        "chart_axis": granted_by_axis,
        "chart_funder": granted_by_funder,
        "chart_actions": reached_by_action,
        "chart_monthly": monthly_chart,
        "map_areas": areas,
        "map_viewbox": viewbox,
        "threshold": THRESHOLD,
        "secret": secret_label(),
        "secret_rules": secret_rule_texts(),
        "definitions": [
            {
                "code": d.code,
                "label": d.label,
                "description": d.description,
                "kind_label": kind_label(d.kind),
                "population_label": population_label(d),
            }
            for d in data.definitions
        ],
    }


def render_html(data: ReportData) -> str:
    """The report as print HTML (what WeasyPrint lays out)."""
    with translation.override("fr"):
        return render_to_string("steering/report/annual.html", _pdf_context(data))


def render_pdf(data: ReportData, *, progress: Progress | None = None) -> bytes:
    """The report as an A4 PDF. Nothing is fetched: only ``data:`` URLs are allowed."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    step = progress or _noop
    step(65, _("Mise en page du PDF"))
    html = render_html(data)
    step(75, _("Écriture du PDF"))
    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


# --- XLSX ------------------------------------------------------------------------------------------------


class _Sheet:
    """Writes tables one under the other, with header styles and number formats."""

    def __init__(self, workbook: Any, title: str) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = workbook.create_sheet(title)
        self.row = 1
        self.widths: dict[int, int] = {}
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="000091")
        self.title_font = Font(bold=True, size=13)
        self.total_font = Font(bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def title(self, text: str) -> None:
        (cell,) = xlsx_append(self.ws, [text], row_number=self.row)
        cell.font = self.title_font
        self.row += 1

    def note(self, text: str) -> None:
        xlsx_append(self.ws, [text], row_number=self.row)
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def header(self, labels: list[str]) -> int:
        cells = xlsx_append(self.ws, labels, row_number=self.row)
        for index, (cell, label) in enumerate(zip(cells, labels, strict=True), start=1):
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.alignment = self.wrap
            self._width(index, label, cap=30)
        self.row += 1
        return self.row - 1

    def line(self, values: list[Any], formats: list[str | None] | None = None, *, total: bool = False) -> None:
        # Amounts stay numbers (Decimal written as float; two decimals shown by the format); text is
        # neutralised by ``xlsx_append``.
        cells = xlsx_append(self.ws, values, row_number=self.row)
        for index, (cell, value) in enumerate(zip(cells, values, strict=True), start=1):
            fmt = formats[index - 1] if formats and index - 1 < len(formats) else None
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
            if total:
                cell.font = self.total_font
            if isinstance(value, str) and len(value) > 60:
                cell.alignment = self.wrap
            self._width(index, value)
        self.row += 1

    def freeze(self, header_row: int) -> None:
        self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)

    def _width(self, column: int, value: Any, cap: int = 60) -> None:
        if isinstance(value, float | int | Decimal):
            size = 16
        elif isinstance(value, dt.date):
            size = 12
        else:
            size = min(cap, max((len(part) for part in str(value or "").split("\n")), default=0) + 2)
        self.widths[column] = max(self.widths.get(column, 8), size)

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width


def _budget_sheet_table(sheet: _Sheet, caption: str, label: str, table: BudgetTable) -> None:
    sheet.title(caption)
    sheet.header([label, _("Demandé (€)"), _("Accordé (€)"), _("Engagé (€)"), _("Versé (€)"), _("Part versée (%)")])
    formats: list[str | None] = [None, EURO_FORMAT, EURO_FORMAT, EURO_FORMAT, EURO_FORMAT, PERCENT_FORMAT]
    for row in _budget_rows(table):
        rate = None if row.paid_rate is None else row.paid_rate / 100
        sheet.line(
            [row.label, row.requested, row.granted, row.committed, row.paid, rate],
            formats,
            total=row is table.total,
        )
    sheet.blank()


def render_xlsx(data: ReportData, *, progress: Progress | None = None) -> bytes:
    """The report as a workbook, one sheet per section; « secret » for every hidden count."""
    from openpyxl import Workbook

    step = progress or _noop
    with translation.override("fr"):
        step(65, _("Écriture du tableur"))
        workbook = Workbook()
        workbook.remove(workbook.active)
        _contract_sheet(workbook, data)
        _budget_sheet(workbook, data)
        step(72, _("Écriture du tableur : fiches action et indicateurs"))
        _actions_sheet(workbook, data)
        _indicators_sheet(workbook, data)
        _targets_sheet(workbook, data)
        step(80, _("Écriture du tableur : tendances, communes et bilans"))
        _monthly_sheet(workbook, data)
        _communes_sheet(workbook, data)
        _bilans_sheet(workbook, data)
        _definitions_sheet(workbook, data)
        workbook.properties.title = data.title
        workbook.properties.creator = "Ancrage"
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _contract_sheet(workbook: Any, data: ReportData) -> None:
    contract = data.contract
    sheet = _Sheet(workbook, "Contrat")
    sheet.title(data.title)
    first = sheet.header([_("Rubrique"), _("Valeur")])
    sheet.freeze(first)
    sheet.line([_("Intitulé"), contract.title])
    sheet.line([_("Territoire"), str(contract.territory)])
    sheet.line([_("Signé le"), contract.signed_on])
    sheet.line([_("Début"), contract.starts_on])
    sheet.line([_("Fin (avenants compris)"), contract.effective_ends_on])
    sheet.line([_("Signataires"), contract.signatories])
    sheet.line([_("Année du bilan"), data.year])
    sheet.line([_("Généré le"), date_format(data.generated_at, "j F Y à H:i")])
    sheet.blank()
    sheet.title(_("Avenants"))
    sheet.header([_("Numéro"), _("Signé le"), _("Objet"), _("Nouvelle fin du contrat")])
    for amendment in data.amendments:
        sheet.line([amendment.number, amendment.signed_on, amendment.summary, amendment.new_end_on])
    if not data.amendments:
        sheet.note(_("Aucun avenant."))
    sheet.blank()
    sheet.title(_("Appels à projets de l'année"))
    sheet.header(
        [_("Appel à projets"), _("Ouvert le"), _("Clos le"), _("Projets reçus"), _("Retenus"), _("Non retenus")]
        + [_("Montant demandé (€)")]
    )
    for summary in data.calls:
        sheet.line(
            [
                summary.call.title,
                summary.call.opens_on,
                summary.call.closes_on,
                summary.received,
                summary.selected,
                summary.rejected,
                summary.requested,
            ],
            [None, None, None, None, None, None, EURO_FORMAT],
        )
    if not data.calls:
        sheet.note(_("Aucun appel à projets cette année."))
    sheet.blank()
    sheet.title(_("Projets reçus"))
    sheet.header(
        [
            _("Appel à projets"),
            _("Structure candidate"),
            _("Projet"),
            _("Montant demandé (€)"),
            _("Reçu le"),
            _("Décision"),
        ]
    )
    for summary in data.calls:
        for application in summary.applications:
            sheet.line(
                [
                    summary.call.title,
                    application.organisation.name,
                    application.title,
                    application.requested_amount,
                    application.received_on,
                    application.get_decision_display(),
                ],
                [None, None, None, EURO_FORMAT],
            )
    sheet.close()


def _budget_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Budget")
    sheet.title(_("Budget %(year)s : demandé, accordé, engagé, versé") % {"year": data.year})
    sheet.freeze(1)
    sheet.blank()
    _budget_sheet_table(sheet, _("Par axe prioritaire"), _("Axe"), data.overview.budget_by_axis)
    _budget_sheet_table(sheet, _("Par financeur"), _("Financeur"), data.overview.budget_by_funder)
    _budget_sheet_table(sheet, _("Par fiche action"), _("Fiche action"), data.budget_by_action)
    sheet.close()


def _actions_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Actions")
    first = sheet.header(
        [
            _("Axe"),
            _("Fiche action"),
            _("Structure porteuse"),
            _("SIRET du porteur"),
            _("État"),
            _("Début"),
            _("Fin"),
            _("Accordé (€)"),
            _("Versé (€)"),
            _("Personnes touchées"),
            _("Cible de personnes touchées"),
        ]
    )
    sheet.freeze(first)
    formats: list[str | None] = [None] * 7 + [EURO_FORMAT, EURO_FORMAT, "0", "0"]
    for row in data.overview.actions:
        action = row.action
        sheet.line(
            [
                action.axis.number,
                action.title,
                action.carrier.name,
                action.carrier_siret,
                row.status_label,
                action.starts_on,
                action.ends_on,
                row.granted,
                row.paid,
                cell_value(row.reached),
                row.target,
            ],
            formats,
        )
    sheet.blank()
    sheet.title(_("Fiches action par état"))
    sheet.header([_("État"), _("Fiches action")])
    for label, count in data.overview.statuses:
        sheet.line([label, count])
    sheet.note(_("Une personne peut participer à plusieurs actions : les lignes ne s'additionnent pas."))
    sheet.close()


def _indicators_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Indicateurs")
    first = sheet.header(
        [
            _("Domaine"),
            _("Code"),
            _("Indicateur"),
            _("Type"),
            _("Nombre de personnes"),
            _("Numérateur (personnes)"),
            _("Base (personnes)"),
            _("Taux (%)"),
            _("Délai médian (jours)"),
        ]
    )
    sheet.freeze(first)
    for line in indicator_lines(data):
        sheet.line(
            [
                line.section,
                line.result.code,
                line.result.label,
                kind_label(line.result.kind),
                line.persons,
                line.numerator,
                line.denominator,
                line.rate,
                line.median,
            ],
            [None, None, None, None, "0", "0", "0", PERCENT_FORMAT, "0.0"],
        )
    sheet.note(
        _("Pour un délai, « Nombre de personnes » est le nombre de personnes sur lequel la médiane est calculée.")
    )
    sheet.close()


def _targets_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Cibles")
    first = sheet.header(
        [_("Axe"), _("Fiche action"), _("Indicateur"), _("Unité"), _("Cible"), _("Réalisé"), _("Cible atteinte")]
    )
    sheet.freeze(first)
    for line in target_lines(data):
        achieved = line.achieved
        if line.unit == "%" and isinstance(achieved, int | float):
            achieved = achieved / 100
        sheet.line(
            [line.axis, line.action, line.indicator, line.unit, line.target, achieved, line.reached],
            [None, None, None, None, None, PERCENT_FORMAT if line.unit == "%" else None],
        )
    if not data.overview.targets:
        sheet.note(_("Aucune cible n'est fixée pour cette année."))
    sheet.close()


def _monthly_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Mensuel")
    first = sheet.header([_("Mois"), _("Nouvelles personnes"), _("Personnes participant dans le mois")])
    sheet.freeze(first)
    trend = data.overview.trend
    for row in trend.rows:
        sheet.line([row.label, cell_value(row.new), cell_value(row.active)], [None, "0", "0"])
    sheet.line([_("Total de l'année"), cell_value(trend.new_total), ""], [None, "0"], total=True)
    sheet.note(_("Une personne participe souvent plusieurs mois : la dernière colonne ne s'additionne pas."))
    sheet.close()


def _communes_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Communes")
    first = sheet.header(
        [_("Code INSEE"), _("Commune de résidence"), _("Personnes touchées"), _("Personnes accompagnées")]
    )
    sheet.freeze(first)
    for code, name, reached, accompanied in data.communes:
        sheet.line([code, name, cell_value(reached), cell_value(accompanied)], [None, None, "0", "0"])
    reached_total, accompanied_total = data.communes_total
    sheet.line(
        ["", _("Total"), cell_value(reached_total), cell_value(accompanied_total)], [None, None, "0", "0"], total=True
    )
    sheet.close()


def _bilans_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Bilans")
    first = sheet.header(
        [_("Axe"), _("Fiche action"), _("Structure porteuse"), _("Année"), _("Bilan qualitatif"), _("Documents")]
    )
    sheet.freeze(first)
    for report in data.bilans:
        sheet.line(
            [
                report.action.axis.number,
                report.action.title,
                report.action.carrier.name,
                report.year,
                report.text,
                len(report.attachments.all()),
            ]
        )
    if not data.bilans:
        sheet.note(_("Aucun bilan qualitatif n'a été rédigé pour cette année."))
    sheet.ws.column_dimensions["E"].width = 90
    sheet.widths.pop(5, None)
    sheet.close()


def _definitions_sheet(workbook: Any, data: ReportData) -> None:
    sheet = _Sheet(workbook, "Définitions")
    first = sheet.header([_("Code"), _("Indicateur"), _("Type"), _("Population"), _("Définition")])
    sheet.freeze(first)
    for definition in data.definitions:
        sheet.line(
            [
                definition.code,
                definition.label,
                kind_label(definition.kind),
                population_label(definition),
                definition.description,
            ]
        )
    sheet.blank()
    sheet.title(_("Secret statistique"))
    for text in secret_rule_texts():
        sheet.note(text)
    sheet.close()


def secret_rule_texts() -> list[str]:
    return [
        _(
            "Aucune donnée individuelle ne figure dans ce bilan. « secret » remplace tout effectif de personnes "
            "compris entre 1 et %(max)s."
        )
        % {"max": THRESHOLD - 1},
        _(
            "Dans un tableau qui porte un total, une seconde case est aussi masquée quand la case cachée pourrait "
            "être recalculée par différence (secret secondaire)."
        ),
        _(
            "Un taux est masqué quand son numérateur ou sa base est masqué ; un délai médian est masqué quand il "
            "est calculé sur moins de %(n)s personnes."
        )
        % {"n": THRESHOLD},
        _(
            "Une personne est comptée une seule fois par indicateur, même si elle participe à plusieurs actions ; "
            "les effectifs par action ne s'additionnent donc pas. Les montants ne portent pas sur des personnes et "
            "ne sont pas masqués."
        ),
    ]
