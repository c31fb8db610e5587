"""Coverage of the tracks (housing, health, language, rights) for coordinators and organisation admins.

Aggregates only, small counts suppressed (``ancrage.tracks.coverage``); anybody else gets a 404.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.pathways.models import Programme
from ancrage.tracks.coverage import communes, compute_coverage, entry_years, parse_filters
from ancrage.www.types import AncrageRequest


def index(request: AncrageRequest) -> HttpResponse:
    actor = request.actor
    if not perms.can_view_aggregates(actor):
        raise Http404
    filters = parse_filters(request.GET)
    data = compute_coverage(actor, filters)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="coverage.read",
        details={"scope": data.scope, **filters.as_json()},
    )
    return render(
        request,
        "coverage/index.html",
        {
            "data": data,
            "filters": filters,
            "programmes": Programme.choices,
            "years": entry_years(actor),
            "communes": communes(),
            "title": _("Couverture des parcours"),
            "nav": "dashboard",
        },
    )
