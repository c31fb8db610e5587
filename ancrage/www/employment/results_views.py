"""Results of the professional integration: aggregates for coordinators and organisation admins."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.employment.results import compute_results, entry_years
from ancrage.pathways.models import Programme
from ancrage.www.types import AncrageRequest


def parse_filters(params) -> tuple[str, int | None]:
    """(programme, year) from query parameters; unknown values are ignored, never an error."""
    programme = params.get("programme", "")
    if programme not in Programme.values:
        programme = ""
    year_text = params.get("annee", "")
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
    return programme, year


def results(request: AncrageRequest) -> HttpResponse:
    actor = request.actor
    if not perms.can_view_employment_results(actor):
        raise Http404
    programme, year = parse_filters(request.GET)
    data = compute_results(actor, programme=programme, year=year)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="employment.results.read",
        details={"scope": data.scope, "programme": programme, "year": year},
    )
    return render(
        request,
        "employment/results/index.html",
        {
            "data": data,
            "programmes": Programme.choices,
            "programme": programme,
            "year": year,
            "years": entry_years(actor),
            "title": _("Résultats de l'insertion professionnelle"),
            "nav": "dashboard",
        },
    )
