"""Explained matching pages: why an opportunity ranks for a person, and who fits an opportunity."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.services import audit_read
from ancrage.employment.matching import audit_candidates, rank_candidates, rank_opportunities
from ancrage.employment.models import Opportunity, OpportunityKind
from ancrage.persons.models import Person
from ancrage.www.types import AncrageRequest

LIMIT = 50


def _filters(request: AncrageRequest) -> tuple[str, bool]:
    kind = request.GET.get("type", "")
    if kind not in OpportunityKind.values:
        kind = ""
    return kind, request.GET.get("bloquees") == "1"


def matches_for_person(request: AncrageRequest, person_pk: int) -> HttpResponse:
    """Open opportunities ranked for one person, with the reasons of each score."""
    actor = request.actor
    perms.require(perms.can_view_employment(actor, person_pk))
    person = Person.objects.filter(pk=person_pk).only("pk", "display_name").first()
    if person is None:
        raise Http404
    kind, include_blocked = _filters(request)
    matches = rank_opportunities(
        person.pk, kinds=[kind] if kind else None, limit=LIMIT, include_blocked=include_blocked
    )
    opportunities = Opportunity.objects.select_related("employer", "commune").in_bulk(
        [m.opportunity_id for m in matches]
    )
    audit_read(actor, event="employment.matches.read", person_id=person.pk, obj=person)
    return render(
        request,
        "employment/matching/for_person.html",
        {
            "person": person,
            "rows": [(m, opportunities[m.opportunity_id]) for m in matches if m.opportunity_id in opportunities],
            "kinds": OpportunityKind.choices,
            "kind": kind,
            "include_blocked": include_blocked,
            "can_propose": perms.can_edit_employment(actor, person.pk),
            "title": _("Opportunités pour %(name)s") % {"name": person.display_name},
            "nav": "persons",
        },
    )


def candidates_for_opportunity(request: AncrageRequest, pk: int) -> HttpResponse:
    """Persons the actor follows (employment section visible) ranked for one opportunity."""
    actor = request.actor
    if not perms.can_manage_opportunities(actor):
        raise Http404
    opportunity = get_object_or_404(Opportunity.objects.select_related("employer", "commune"), pk=pk)
    _kind, include_blocked = _filters(request)
    matches = rank_candidates(actor, opportunity, limit=LIMIT, include_blocked=include_blocked)
    persons = Person.objects.select_related("commune").in_bulk([m.person_id for m in matches])
    rows = [(m, persons[m.person_id]) for m in matches if m.person_id in persons]
    audit_candidates(actor, opportunity, [p.pk for _m, p in rows])
    return render(
        request,
        "employment/matching/candidates.html",
        {
            "opportunity": opportunity,
            "rows": rows,
            "include_blocked": include_blocked,
            "title": _("Candidats pour %(title)s") % {"title": opportunity.title},
            "nav": "employment",
        },
    )
