"""Aggregates for coordinators: never an individual record, small counts suppressed."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.disclosure import Cell, suppress, suppress_table
from ancrage.organisations.models import Role
from ancrage.pathways.models import Pathway, PathwayStatus, Programme
from ancrage.www.types import AncrageRequest


def index(request: AncrageRequest) -> HttpResponse:
    actor = request.actor
    if not perms.can_view_aggregates(actor):
        raise PermissionDenied
    pathways = Pathway.objects.all()
    scope = _("tout le territoire")
    if actor.role == Role.ORG_ADMIN:
        pathways = pathways.filter(operator_id=actor.organisation_id)
        scope = actor.org.name
    counts = pathways.values("programme", "status").annotate(n=Count("person", distinct=True))
    table: dict[str, dict[str, int]] = {p: dict.fromkeys(PathwayStatus.values, 0) for p in Programme.values}
    for row in counts:
        table[row["programme"]][row["status"]] = row["n"]
    suppressed = suppress_table(table)
    programme_labels, status_labels = dict(Programme.choices), dict(PathwayStatus.choices)
    rows = [(programme_labels[p], [suppressed[p][s] for s in PathwayStatus.values]) for p in Programme.values]
    persons = pathways.values("person").distinct().count()
    open_persons = pathways.open().values("person").distinct().count()
    audit_record(actor=actor, action=AuditAction.READ, event="dashboard.read", details={"scope": scope})
    return render(
        request,
        "dashboard/index.html",
        {
            "rows": rows,
            "statuses": [status_labels[s] for s in PathwayStatus.values],
            "scope": scope,
            "persons": suppress(persons),
            "open_persons": suppress(open_persons),
            "nav": "dashboard",
            "title": _("Tableau de bord"),
            "cell_type": Cell,
        },
    )
