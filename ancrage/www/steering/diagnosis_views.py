"""The shared territorial diagnosis (issue 6 §7): the page and its CSV download.

Coordinators only (``perms.can_view_steering``); anybody else gets the 404 of a missing page. Aggregates
only, small counts suppressed (``steering.diagnosis``); every read and every download is audited.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.spreadsheets import csv_response
from ancrage.steering.diagnosis import Diagnosis, compute_diagnosis
from ancrage.steering.models import Contract
from ancrage.steering.selectors import current_contract
from ancrage.territory.models import Commune
from ancrage.www.types import AncrageRequest


def _filters(request: AncrageRequest, contract: Contract, *, warn: bool) -> tuple[int | None, str]:
    """Year (``annee``) and commune (``commune``) from the query string; invalid values are ignored,
    with a message on the page."""
    year: int | None = None
    text = str(request.GET.get("annee", "") or "").strip()
    if text:
        first, last = contract.starts_on.year, contract.effective_ends_on.year
        if text.isdigit() and first <= int(text) <= last:
            year = int(text)
        elif warn:
            messages.warning(
                request,
                _("Année ignorée : choisissez une année du contrat (%(first)s à %(last)s).")
                % {"first": first, "last": last},
            )
    commune = str(request.GET.get("commune", "") or "").strip()
    if commune and not (
        len(commune) == 5
        and commune.isalnum()
        and Commune.objects.filter(pk=commune, territory_id=contract.territory_id).exists()
    ):
        if warn:
            messages.warning(request, _("Commune ignorée : elle n'est pas dans le territoire du contrat."))
        commune = ""
    return year, commune


def _details(contract: Contract | None, year: int | None, commune: str) -> dict[str, Any]:
    details: dict[str, Any] = {"contract": contract.pk if contract else None}
    if year is not None:
        details["year"] = year
    if commune:
        details["commune"] = commune
    return details


def diagnosis(request: AncrageRequest) -> HttpResponse:
    actor = request.actor
    if not perms.can_view_steering(actor):
        raise Http404
    contract = current_contract()
    data: Diagnosis | None = None
    year: int | None = None
    commune = ""
    years: list[int] = []
    communes: list[tuple[str, str]] = []
    if contract is not None:
        year, commune = _filters(request, contract, warn=True)
        data = compute_diagnosis(contract, year=year, commune=commune)
        years = list(range(contract.starts_on.year, contract.effective_ends_on.year + 1))
        communes = list(
            Commune.objects.filter(territory_id=contract.territory_id).order_by("name").values_list("pk", "name")
        )
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="steering.diagnosis.read",
        obj=contract,
        details=_details(contract, year, commune),
    )
    query = request.GET.urlencode() if contract is not None else ""
    return render(
        request,
        "steering/diagnosis.html",
        {
            "contract": contract,
            "data": data,
            "year": year,
            "commune": commune,
            "years": years,
            "communes": communes,
            "csv_query": query,
            "title": _("Diagnostic territorial partagé"),
            "nav": "steering",
        },
    )


def diagnosis_csv(request: AncrageRequest) -> HttpResponse:
    """The same suppressed tables as the page, for a spreadsheet: UTF-8 with BOM, « ; » separator."""
    actor = request.actor
    if not perms.can_view_steering(actor):
        raise Http404
    contract = current_contract()
    year: int | None = None
    commune = ""
    rows: list[list[Any]]
    if contract is None:
        rows = [[_("Aucun contrat territorial n'est enregistré.")]]
    else:
        year, commune = _filters(request, contract, warn=False)
        rows = _lines(compute_diagnosis(contract, year=year, commune=commune))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        event="steering.diagnosis.export",
        obj=contract,
        details=_details(contract, year, commune),
    )
    suffix = f"-{year}" if year else ""
    suffix += f"-{commune}" if commune else ""
    return csv_response(f"diagnostic-territorial{suffix}.csv", None, rows)


def _lines(data: Diagnosis) -> list[list[Any]]:
    """The lines of the CSV: the scope, then each table and the waiting times."""
    lines: list[list[Any]] = []
    start, end = data.period
    lines.append([_("Diagnostic territorial partagé"), data.contract.title])
    lines.append([_("Période"), start.isoformat(), end.isoformat()])
    lines.append([_("Date de référence"), data.on.isoformat()])
    if data.commune:
        lines.append([_("Commune"), data.commune])
    lines.append([_("« secret » : effectif de 1 à 4 masqué, ou case qui permettrait de le recalculer.")])
    lines.append([_("Personnes ayant un parcours"), "secret" if data.persons.suppressed else data.persons.value])
    for table in data.tables:
        lines.append([])
        lines.append([table.caption])
        lines.extend(table.as_lines())
    if data.tables:
        supply = data.french_supply
        lines.append([])
        lines.append([_("Offre de cours de français (annuaire)")])
        lines.append([_("Services de cours de français"), supply.services])
        lines.append([_("Services ayant déclaré une capacité"), supply.with_capacity])
        lines.append([_("Capacité déclarée (places)"), supply.capacity])
    if data.delays:
        lines.append([])
        lines.append([_("Délais d'attente")])
        lines.append([_("Délai"), _("Personnes"), _("Délai médian (jours)")])
        for delay in data.delays:
            if delay.hidden:
                lines.append([delay.label, "secret", "secret"])
            else:
                median = "" if delay.median_days is None else str(delay.median_days).replace(".", ",")
                lines.append([delay.label, delay.persons.value, median])
    return lines
