"""The coordinators' dashboards of the territorial contract (issue 6 §4, §5): the overview, one page per
fiche action, one page per commune, the monthly trends and their CSV.

Coordinators only (``perms.can_view_steering``); anybody else gets the 404 of a missing page. Figures
come from ``steering.overview`` and ``steering.indicators``: every count of persons is suppressed there
(1 to 4 hidden, complementary suppression where a total would reveal a hidden cell). Every read and
every download leaves an audit event with the filters.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.disclosure import Cell
from ancrage.core.spreadsheets import csv_response
from ancrage.pathways.models import Programme
from ancrage.steering import overview as ov
from ancrage.steering.charts import bar_chart, column_chart, commune_choropleth
from ancrage.steering.indicators import IndicatorError, IndicatorResult, compute
from ancrage.steering.models import Action, Application, BudgetLine, Contract, Disaggregation, IndicatorDefinition
from ancrage.steering.selectors import current_contract
from ancrage.territory.models import Commune
from ancrage.www.types import AncrageRequest

NAV = "steering"
# The persons of an action or a commune are shown by these characteristics (tables with their total).
BREAKDOWNS = (
    Disaggregation.SEX,
    Disaggregation.AGE_BAND,
    Disaggregation.PROTECTION_TYPE,
    Disaggregation.TIME_SINCE_PROTECTION,
)


# --- helpers -----------------------------------------------------------------------------------------------


def _require(request: AncrageRequest) -> None:
    if not perms.can_view_steering(request.actor):
        raise Http404


def _url(name: str, *candidates: tuple[Any, ...]) -> str:
    """The URL of a page another screen provides, or "" while it does not exist."""
    for args in candidates or ((),):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _contract(request: AncrageRequest) -> tuple[Contract | None, bool]:
    """The contract asked for (``?contrat=<id>``, 404 when unknown), else the current one; and whether it
    was asked for (links then carry it)."""
    raw = str(request.GET.get("contrat", "") or "").strip()
    if raw:
        found = (
            Contract.objects.select_related("territory").filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) <= 9
            else None
        )
        if found is None:
            raise Http404
        return found, True
    return current_contract(), False


def _query(filters: ov.Filters, contract_param: Any, **changes: Any) -> str:
    """« ?annee=…&axe=… » keeping the filters (and the contract when it was asked for)."""
    params = filters.params(**changes)
    if contract_param:
        params = {"contrat": str(contract_param), **params}
    return "?" + urlencode(params) if params else ""


def _audit(request: AncrageRequest, event: str, contract: Contract | None, filters: ov.Filters | None, **more: Any):
    details: dict[str, Any] = {"contract": contract.pk if contract else None}
    if filters is not None:
        details.update(filters.as_json())
    details.update(more)
    action = AuditAction.EXPORT if event.endswith(".export") else AuditAction.READ
    audit_record(actor=request.actor, action=action, event=f"steering.{event}", obj=contract, details=details)


def _common(
    request: AncrageRequest,
    contract: Contract,
    contract_param: Any,
    filters: ov.Filters,
    errors: list[str],
) -> dict[str, Any]:
    """What every page of the contract shows: its header, the filter form, the links to other pages."""
    year = filters.year or contract.starts_on.year
    return {
        "contract": contract,
        "contract_param": contract_param,
        "ends_on": contract.effective_ends_on,
        "amendments": list(contract.amendments.order_by("number")),
        "filters": filters,
        "filter_errors": errors,
        "choices": ov.filter_choices(contract),
        "scope_label": ov.describe(contract, filters),
        "can_manage": perms.can_manage_contract(request.actor),
        "overview_url": reverse("steering:overview") + _query(filters, contract_param),
        "trends_url": reverse("steering:trends") + _query(filters, contract_param),
        "report_url": _url("steering:report", (), (contract.pk,), (contract.pk, year), (year,)),
        "diagnosis_url": _url("steering:diagnosis"),
        "manage_url": _url("steering:actions", (contract.pk,)),
        "nav": NAV,
    }


def _money_charts(data: ov.Overview) -> dict[str, Any]:
    by_axis = bar_chart(
        _("Montant accordé par axe (€)"), [(r.label, r.granted) for r in data.budget_by_axis.rows], unit=" €"
    )
    by_funder = bar_chart(
        _("Montant accordé par financeur (€)"), [(r.label, r.granted) for r in data.budget_by_funder.rows], unit=" €"
    )
    return {"axis_chart": by_axis, "funder_chart": by_funder}


def _trend_charts(trend: ov.Trend) -> dict[str, Any]:
    return {
        "new_chart": column_chart(_("Nouvelles personnes par mois"), [(r.label, r.new) for r in trend.rows]),
        "active_chart": column_chart(
            _("Personnes participant aux actions, par mois"), [(r.label, r.active) for r in trend.rows]
        ),
    }


def _definitions() -> dict[str, str]:
    return dict(IndicatorDefinition.objects.values_list("code", "description"))


def _find(sections: list[ov.OutcomeSection], code: str) -> IndicatorResult | None:
    for section in sections:
        for result in section.results:
            if result.code == code:
                return result
    return None


def _breakdowns(
    contract: Contract, filters: ov.Filters, facts: dict[str, Any] | None = None
) -> list[tuple[str, IndicatorResult]]:
    """Persons reached in scope by sex, age band, protection type and its age (each table suppressed
    with its total)."""
    cache = facts if facts is not None else {}
    found = []
    labels = dict(Disaggregation.choices)
    for by in BREAKDOWNS:
        try:
            result = compute("persons_reached", contract=contract, by=str(by), facts=cache, **filters.indicator_scope())
        except IndicatorError:
            continue
        found.append((str(labels[by]), result))
    return found


def _commune_rows(data: ov.Overview) -> list[dict[str, Any]]:
    """The data table of the map: persons reached and accompanied per commune (each column suppressed
    with its own total)."""
    reached = {r.key: r for r in data.reached_by_commune.rows}
    accompanied = {r.key: r for r in data.accompanied_by_commune.rows}
    labels = {r.key: r.label for r in [*data.reached_by_commune.rows, *data.accompanied_by_commune.rows]}
    unknown = [k for k in labels if k == "unknown"]
    keys = sorted((k for k in labels if k != "unknown"), key=lambda k: labels[k]) + unknown
    zero = Cell(0)
    return [
        {
            "key": key,
            "label": labels[key],
            "known": key != "unknown",
            "reached": reached[key].value if key in reached else zero,
            "accompanied": accompanied[key].value if key in accompanied else zero,
        }
        for key in keys
    ]


# --- the overview --------------------------------------------------------------------------------------


def overview(request: AncrageRequest) -> HttpResponse:
    _require(request)
    contract, explicit = _contract(request)
    if contract is None:
        _audit(request, "overview.read", None, None)
        can_manage = perms.can_manage_contract(request.actor)
        return render(
            request,
            "steering/dashboard/no_contract.html",
            {
                "title": _("Contrat territorial"),
                "create_url": _url("steering:contract_create") if can_manage else "",
                "diagnosis_url": _url("steering:diagnosis"),
                "nav": NAV,
            },
        )
    contract_param = contract.pk if explicit else ""
    filters, errors = ov.parse_filters(contract, request.GET)
    data = ov.build_overview(contract, filters, with_targets=False)
    context = _common(request, contract, contract_param, filters, errors)
    reached = _find(data.outcomes, "persons_reached")
    accompanied = _find(data.outcomes, "persons_accompanied")
    cells = {r.key: r.value for r in data.reached_by_commune.rows if r.value is not None}
    areas, viewbox = commune_choropleth(context["choices"]["communes"], cells)
    # Targets and achievements: persons reached against the year's target of each action (from the
    # actions table, whatever their number); every target of one action when the scope is one action.
    targets = ov.target_rows(contract, filters) if filters.action else []
    _audit(request, "overview.read", contract, filters)
    context.update(
        {
            "title": contract.title,
            "data": data,
            "reached": reached,
            "accompanied": accompanied,
            "has_persons": bool(reached and reached.total.value and reached.total.value.value != 0),
            "definitions": _definitions(),
            "commune_rows": _commune_rows(data),
            "areas": areas,
            "viewbox": viewbox,
            "commune_link": reverse("steering:commune", args=["00000"]).replace("00000/", ""),
            "commune_suffix": "/" + _query(ov.Filters(year=filters.year), contract_param, commune=None),
            "action_query": _query(ov.Filters(year=filters.year), contract_param),
            "targeted_actions": [row for row in data.actions if row.target is not None],
            "targets": targets,
            "edit_urls": _edit_urls(request, [row.action for row in data.actions]),
            **_money_charts(data),
            **_trend_charts(data.trend),
        }
    )
    return render(request, "steering/dashboard/overview.html", context)


def _edit_urls(request: AncrageRequest, actions: list[Action]) -> dict[int, dict[str, str]]:
    """« Modifier » links of the coordinators (the management screens), when they exist."""
    if not perms.can_manage_contract(request.actor):
        return {}
    return {
        a.pk: {"action": _url("steering:action_edit", (a.pk,)), "budget": _url("steering:budget_edit", (a.pk,))}
        for a in actions
    }


# --- one fiche action ------------------------------------------------------------------------------------


def _budget_lines(action: Action, year: int | None) -> tuple[list[BudgetLine], dict[str, Any]]:
    lines = BudgetLine.objects.filter(action=action).order_by("year", "co_funder")
    if year:
        lines = lines.filter(year=year)
    found = list(lines)
    total = ov.BudgetRow("total", _("Total"))
    for line in found:
        total.add(ov.BudgetRow("", "", line.requested, line.granted, line.committed, line.paid))
    return found, {"total": total}


def action_page(request: AncrageRequest, pk: int) -> HttpResponse:
    _require(request)
    action = get_object_or_404(
        Action.objects.select_related("contract", "contract__territory", "axis", "carrier"), pk=pk
    )
    contract = action.contract
    parsed, errors = ov.parse_filters(contract, {"annee": request.GET.get("annee", "")})
    filters = ov.Filters(year=parsed.year, axis=None, action=action)
    facts: dict[str, Any] = {}
    sections = ov.outcomes(contract, filters, facts=facts)
    trend = ov.monthly(contract, filters)
    lines, totals = _budget_lines(action, filters.year)
    application = Application.objects.filter(action=action).select_related("call", "organisation").first()
    programmes = dict(Programme.choices)
    reports = list(ov.bilans(contract, ov.Filters(action=action)))
    attachment_urls = {
        att.pk: _url("steering:bilan_attachment", (action.pk, report.pk, att.pk))
        for report in reports
        for att in report.attachments.all()
    }
    _audit(request, "action.read", contract, filters)
    context = _common(request, contract, "", filters, errors)
    context.update(
        {
            "title": action.title,
            "action": action,
            "programmes": [programmes.get(p, p) for p in action.programmes or []],
            "services": list(action.services.order_by("name")),
            "lines": lines,
            "line_total": totals["total"],
            "budget_by_year": ov.budget_table(contract, filters, "year"),
            "budget_by_funder": ov.budget_table(contract, filters, "co_funder"),
            "targets": ov.target_rows(contract, ov.Filters(year=filters.year, action=action)),
            "sections": sections,
            "reached": _find(sections, "persons_reached"),
            "definitions": _definitions(),
            "breakdowns": _breakdowns(contract, filters, facts),
            "trend": trend,
            "bilans": reports,
            "attachment_urls": attachment_urls,
            "application": application,
            "edit_urls": _edit_urls(request, [action]).get(action.pk, {}),
            "page_url": reverse("steering:action", args=[action.pk]),
            **_trend_charts(trend),
        }
    )
    return render(request, "steering/dashboard/action.html", context)


# --- one commune -----------------------------------------------------------------------------------------


def commune_page(request: AncrageRequest, insee: str) -> HttpResponse:
    _require(request)
    contract, explicit = _contract(request)
    if contract is None:
        raise Http404
    commune = get_object_or_404(Commune, pk=insee[:5], territory_id=contract.territory_id)
    contract_param = contract.pk if explicit else ""
    data_in = request.GET.copy()
    data_in["commune"] = commune.pk
    parsed, errors = ov.parse_filters(contract, data_in)
    filters = ov.Filters(year=parsed.year, axis=parsed.axis, action=parsed.action, commune=commune)
    data = ov.build_overview(contract, filters, with_targets=False)
    _audit(request, "commune.read", contract, filters)
    context = _common(request, contract, contract_param, filters, errors)
    reached = _find(data.outcomes, "persons_reached")
    context.update(
        {
            "title": commune.name,
            "commune": commune,
            "data": data,
            "reached": reached,
            "accompanied": _find(data.outcomes, "persons_accompanied"),
            "has_persons": bool(reached and reached.total.value and reached.total.value.value != 0),
            "definitions": _definitions(),
            "breakdowns": _breakdowns(contract, filters),
            "action_query": _query(ov.Filters(year=filters.year), ""),
            "page_url": reverse("steering:commune", args=[commune.pk]),
            **_trend_charts(data.trend),
        }
    )
    return render(request, "steering/dashboard/commune.html", context)


# --- monthly trends ---------------------------------------------------------------------------------------


def trends(request: AncrageRequest) -> HttpResponse:
    _require(request)
    contract, explicit = _contract(request)
    if contract is None:
        raise Http404
    contract_param = contract.pk if explicit else ""
    filters, errors = ov.parse_filters(contract, request.GET)
    trend = ov.monthly(contract, filters)
    _audit(request, "trends.read", contract, filters)
    context = _common(request, contract, contract_param, filters, errors)
    context.update(
        {
            "title": _("Tendances mensuelles"),
            "trend": trend,
            "csv_url": reverse("steering:trends_csv") + _query(filters, contract_param),
            "page_url": reverse("steering:trends"),
            **_trend_charts(trend),
        }
    )
    return render(request, "steering/dashboard/trends.html", context)


def _csv_cell(cell: Cell) -> str:
    return _("secret statistique") if cell.suppressed else str(cell.value)


def trends_csv(request: AncrageRequest) -> HttpResponse:
    """The monthly trend of the page, for a spreadsheet: UTF-8 with BOM, « ; » separator."""
    _require(request)
    contract, _explicit = _contract(request)
    if contract is None:
        raise Http404
    filters, _errors = ov.parse_filters(contract, request.GET)
    trend = ov.monthly(contract, filters)
    rows: list[list[Any]] = [
        [_("Tendances mensuelles"), contract.title],
        [_("Périmètre"), ov.describe(contract, filters)],
        [
            _(
                "Secret statistique : effectifs de 1 à 4 masqués, ainsi que les cases qui permettraient de les "
                "recalculer."
            )
        ],
        [_("Mois"), _("Nouvelles personnes"), _("Personnes participant aux actions")],
    ]
    rows += [[row.month.strftime("%Y-%m"), _csv_cell(row.new), _csv_cell(row.active)] for row in trend.rows]
    rows.append([_("Total"), _csv_cell(trend.new_total), ""])
    _audit(request, "trends.export", contract, filters)
    suffix = f"-{filters.year}" if filters.year else ""
    return csv_response(f"tendances-contrat{suffix}.csv", None, rows)
