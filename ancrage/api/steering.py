"""The territorial contract over the API: indicators (aggregates, small counts suppressed), the *fiches
action* and the budget.

Coordinators only (``perms.can_view_steering``); anybody else gets 404, as for the pages. Every call is
audited, without any person id. Parameters are checked here, so that a bad value answers 400 with a
French message (not ninja's 422); an unknown contract, axis or action answers 404.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.steering import selectors
from ancrage.steering.indicators import IndicatorError, compute, compute_catalogue
from ancrage.steering.models import (
    Action,
    CoFunder,
    Contract,
    Disaggregation,
    PriorityAxis,
)
from ancrage.steering.overview import Filters, action_rows
from ancrage.steering.services import AMOUNT_FIELDS, budget_grand_total, budget_totals
from ancrage.territory.models import Commune

from .auth import actor_of
from .errors import ApiRouter, bad_request
from .schemas import ErrorOut

router = ApiRouter(tags=["contrat territorial"])

BUDGET_BY = ("axis", "co_funder", "year")


class BadParameter(ValueError):
    """A query parameter the endpoint cannot use: answered 400 with this (French) message."""


class ContractRef(Schema):
    id: int
    title: str
    starts_on: str
    ends_on: str


class IndicatorsOut(Schema):
    contract: ContractRef | None = Field(description="Le contrat (null : aucun contrat enregistré).")
    filters: dict[str, Any]
    indicators: list[dict[str, Any]] = Field(
        description=(
            "Un élément par indicateur : code, libellé, type, période, total et lignes de la ventilation. "
            "Les effectifs de 1 à 4 valent null, ainsi que les cases qui permettraient de les recalculer."
        )
    )


class ActionOut(Schema):
    id: int
    title: str
    axis_number: int
    axis_title: str
    carrier_name: str
    carrier_siret: str
    status: str
    status_label: str
    starts_on: str | None
    ends_on: str | None
    granted: str = Field(description="Montant accordé (€), toutes lignes budgétaires (ou de l'année demandée).")
    paid: str = Field(description="Montant versé (€).")
    persons_reached: int | None = Field(description="Personnes distinctes ayant une participation (null : 1 à 4).")


class ActionsOut(Schema):
    contract: ContractRef | None
    year: int | None
    actions: list[ActionOut]


class BudgetRowOut(Schema):
    key: str
    label: str
    requested: str
    granted: str
    committed: str
    paid: str


class BudgetOut(Schema):
    contract: ContractRef | None
    by: str
    year: int | None
    rows: list[BudgetRowOut]
    total: dict[str, str]


# --- parameters ------------------------------------------------------------------------------------------


def _integer(value: str | None, message: str) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise BadParameter(message)
    return int(text)


def _contract(value: str | None) -> Contract | None:
    """The contract asked for (404 when unknown), else the current one (None when there is none)."""
    pk = _integer(value, _("Le paramètre « contract » doit être un identifiant numérique."))
    if pk is None:
        return selectors.current_contract()
    contract = Contract.objects.select_related("territory").filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def _year(value: str | None, contract: Contract | None) -> int | None:
    year = _integer(value, _("Le paramètre « year » doit être une année (ex. 2022)."))
    if year is None or contract is None:
        return year
    if not contract.starts_on.year <= year <= contract.effective_ends_on.year:
        raise BadParameter(_("Cette année n'est pas couverte par le contrat."))
    return year


def _ref(contract: Contract | None) -> dict[str, Any] | None:
    if contract is None:
        return None
    return {
        "id": contract.pk,
        "title": contract.title,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.effective_ends_on.isoformat(),
    }


def _allowed(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not perms.can_view_steering(actor):
        raise Http404
    return actor


def _bad(message: str) -> Status:
    return bad_request(message)


# --- indicators ------------------------------------------------------------------------------------------


@router.get(
    "/indicators",
    url_name="indicators",
    response={200: IndicatorsOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Indicateurs du contrat territorial (agrégats)",
    description=(
        "Coordinations uniquement. Sans « code », tout le catalogue actif (sans ventilation) ; avec « code », "
        "un indicateur, ventilé par « by » si l'indicateur le permet. Chiffres calculés à partir des dossiers ; "
        "les effectifs de 1 à 4 valent null. Paramètre invalide : 400 ; contrat, axe ou action inconnus : 404. "
        "Lecture tracée."
    ),
)
def indicators(
    request: HttpRequest,
    contract: str | None = Query(None, description="Identifiant du contrat (défaut : le contrat en cours)."),  # type: ignore[assignment]
    year: str | None = Query(None, description="Année civile (défaut : toute la durée du contrat)."),  # type: ignore[assignment]
    axis: str | None = Query(None, description="Numéro de l'axe prioritaire."),  # type: ignore[assignment]
    action: str | None = Query(None, description="Identifiant de la fiche action."),  # type: ignore[assignment]
    commune: str | None = Query(None, description="Code INSEE de la commune de résidence."),  # type: ignore[assignment]
    by: str | None = Query(None, description="Ventilation (ex. « sex », « age_band », « commune »)."),  # type: ignore[assignment]
    code: str | None = Query(None, description="Code d'un indicateur (défaut : tout le catalogue actif)."),  # type: ignore[assignment]
) -> Any:
    actor = _allowed(request)
    try:
        chosen = _contract(contract)
        year_value = _year(year, chosen)
        axis_number = _integer(axis, _("Le paramètre « axis » doit être un numéro d'axe."))
        action_id = _integer(action, _("Le paramètre « action » doit être un identifiant numérique."))
        commune_code = (commune or "").strip()
        if commune_code and not (len(commune_code) == 5 and commune_code.isalnum()):
            raise BadParameter(_("Le paramètre « commune » doit être un code INSEE à 5 caractères."))
        by_value = (by or "").strip()
        if by_value and by_value not in Disaggregation.values:
            raise BadParameter(_("Ventilation inconnue : %(by)s.") % {"by": by_value[:40]})
        code_value = (code or "").strip()
        if by_value and not code_value:
            raise BadParameter(_("Précisez l'indicateur à ventiler (paramètre « code »)."))
    except BadParameter as error:
        return _bad(str(error))
    filters = {
        "year": year_value,
        "axis": axis_number,
        "action": action_id,
        "commune": commune_code or None,
        "by": by_value or None,
        "code": code_value or None,
    }
    results: list[dict[str, Any]] = []
    if chosen is not None:
        axis_obj = None
        action_obj = None
        if axis_number is not None:
            axis_obj = PriorityAxis.objects.filter(contract=chosen, number=axis_number).first()
            if axis_obj is None:
                raise Http404
        if action_id is not None:
            action_obj = Action.objects.filter(contract=chosen, pk=action_id).first()
            if action_obj is None:
                raise Http404
        if commune_code and not Commune.objects.filter(pk=commune_code, territory_id=chosen.territory_id).exists():
            return _bad(_("Cette commune n'est pas dans le territoire du contrat."))
        try:
            if code_value:
                found = [
                    compute(
                        code_value,
                        contract=chosen,
                        year=year_value,
                        action=action_obj,
                        axis=axis_obj,
                        commune=commune_code,
                        by=by_value or None,
                    )
                ]
            else:
                found = compute_catalogue(
                    contract=chosen, year=year_value, action=action_obj, axis=axis_obj, commune=commune_code
                )
            results = [r.as_json() for r in found]
        except IndicatorError as error:
            return _bad(str(error))
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="steering.indicators.read",
        obj=chosen,
        details={key: value for key, value in filters.items() if value is not None},
    )
    return {"contract": _ref(chosen), "filters": filters, "indicators": results}


# --- fiches action ---------------------------------------------------------------------------------------


@router.get(
    "/contract/actions",
    url_name="contract_actions",
    response={200: ActionsOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Fiches action du contrat territorial",
    description=(
        "Coordinations uniquement. Pour chaque fiche action : axe, structure porteuse, état, dates, montants "
        "accordés et versés (de l'année demandée, sinon de toutes les années) et personnes touchées "
        "(personnes distinctes ayant une participation sur la période ; null : effectif de 1 à 4). Lecture tracée."
    ),
)
def contract_actions(
    request: HttpRequest,
    contract: str | None = Query(None, description="Identifiant du contrat (défaut : le contrat en cours)."),  # type: ignore[assignment]
    year: str | None = Query(None, description="Année civile."),  # type: ignore[assignment]
) -> Any:
    actor = _allowed(request)
    try:
        chosen = _contract(contract)
        year_value = _year(year, chosen)
    except BadParameter as error:
        return _bad(str(error))
    rows: list[dict[str, Any]] = []
    if chosen is not None:
        # The dashboard's rows: the same suppression (complementary included) as the coordinators' pages.
        for row in action_rows(chosen, Filters(year=year_value)):
            item = row.action
            rows.append(
                {
                    "id": item.pk,
                    "title": item.title,
                    "axis_number": item.axis.number,
                    "axis_title": item.axis.title,
                    "carrier_name": item.carrier.name,
                    "carrier_siret": item.carrier_siret or item.carrier.siret,
                    "status": item.status,
                    "status_label": row.status_label,
                    "starts_on": item.starts_on.isoformat() if item.starts_on else None,
                    "ends_on": item.ends_on.isoformat() if item.ends_on else None,
                    "granted": str(row.granted),
                    "paid": str(row.paid),
                    "persons_reached": row.reached.value,
                }
            )
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="steering.actions.read",
        obj=chosen,
        details={"year": year_value} if year_value is not None else {},
    )
    return {"contract": _ref(chosen), "year": year_value, "actions": rows}


# --- budget ------------------------------------------------------------------------------------------------


@router.get(
    "/contract/budget",
    url_name="contract_budget",
    response={200: BudgetOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Budget du contrat territorial",
    description=(
        "Coordinations uniquement. Montants demandés, accordés, engagés et versés (€), par axe, par financeur "
        "ou par année (« by »), pour une année (« year ») ou toute la durée du contrat. Lecture tracée."
    ),
)
def contract_budget(
    request: HttpRequest,
    contract: str | None = Query(None, description="Identifiant du contrat (défaut : le contrat en cours)."),  # type: ignore[assignment]
    by: str | None = Query(None, description="« axis » (défaut), « co_funder » ou « year »."),  # type: ignore[assignment]
    year: str | None = Query(None, description="Année des lignes budgétaires."),  # type: ignore[assignment]
) -> Any:
    actor = _allowed(request)
    by_value = (by or "axis").strip()
    try:
        if by_value not in BUDGET_BY:
            raise BadParameter(_("Le paramètre « by » vaut « axis », « co_funder » ou « year »."))
        chosen = _contract(contract)
        year_value = _year(year, chosen)
    except BadParameter as error:
        return _bad(str(error))
    rows: list[dict[str, str]] = []
    total = dict.fromkeys(AMOUNT_FIELDS, "0")
    if chosen is not None:
        labels: dict[Any, str] = defaultdict(str)
        if by_value == "axis":
            labels.update({n: f"{n}. {t}" for n, t in chosen.axes.values_list("number", "title")})
        elif by_value == "co_funder":
            labels.update({k: str(v) for k, v in CoFunder.choices})
        for key, sums in budget_totals(chosen, by_value, year=year_value).items():
            rows.append({"key": str(key), "label": labels[key] or str(key), **{n: str(sums[n]) for n in AMOUNT_FIELDS}})
        total = {n: str(v) for n, v in budget_grand_total(chosen, year=year_value).items()}
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="steering.budget.read",
        obj=chosen,
        details={"by": by_value, **({"year": year_value} if year_value is not None else {})},
    )
    return {"contract": _ref(chosen), "by": by_value, "year": year_value, "rows": rows, "total": total}
