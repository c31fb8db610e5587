"""Employers and opportunities (job offers, IAE positions, training sessions), shared with the territory.

These pages carry no person data, except the block of placements on an opportunity's page, which
lists only the persons whose employment section the viewer may see (each one audited).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.services import audit_read
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.core.pagination import paginate
from ancrage.employment.models import Employer, Opportunity, OpportunityStatus, Placement
from ancrage.employment.services import (
    OPPORTUNITY_TRANSITIONS,
    employer_save,
    opportunity_save,
    opportunity_transition,
)
from ancrage.persons.models import Person
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .opportunity_forms import EmployerForm, EmployerSearchForm, OpportunityForm, OpportunitySearchForm

OPPORTUNITY_ACTION_LABELS = {
    "fill": _("Marquer comme pourvue"),
    "close": _("Fermer l'offre"),
    "reopen": _("Rouvrir l'offre"),
}
PLACEMENTS_SHOWN = 50


def require_cases(request: AncrageRequest) -> None:
    """Case work only: coordinators and accounts without an organisation get the 404 of a missing page."""
    if not request.actor.handles_cases:
        raise Http404


def _edit_with_version(request, form, save) -> tuple[bool, object | None]:
    """Run ``save(expected_version)``; a concurrent change keeps the input and says so."""
    try:
        save(form.cleaned_data.get("version"))
    except ConcurrentEditError as error:
        form.add_error(None, CONCURRENT_EDIT_HELP)
        data = request.POST.copy()
        data["version"] = str(error.current.version)
        form.data = data
        return False, error.current
    except ValidationError as error:
        apply_validation_error(form, error)
        return False, None
    return True, None


# --- opportunities -------------------------------------------------------------------------------


def opportunity_list(request: AncrageRequest) -> HttpResponse:
    require_cases(request)
    form = OpportunitySearchForm(request.GET or None)
    opportunities = Opportunity.objects.select_related("employer", "commune", "appellation", "organisation")
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            opportunities = opportunities.filter(
                Q(title__icontains=q) | Q(appellation__label__icontains=q) | Q(employer__name__icontains=q)
            )
        if data["kind"]:
            opportunities = opportunities.filter(kind=data["kind"])
        if data["contract_type"]:
            opportunities = opportunities.filter(contract_type=data["contract_type"])
        if data["commune"]:
            opportunities = opportunities.filter(commune=data["commune"])
        if data["status"]:
            opportunities = opportunities.filter(status=data["status"])
        if data["family"]:
            opportunities = opportunities.filter(rome_code__startswith=data["family"])
        filtered = any(data.values())
    opportunities = opportunities.annotate(hired=Count("placements", filter=Q(placements__status="hired"))).order_by(
        "-opened_on", "-id"
    )
    page = paginate(request, opportunities)
    context = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "can_create": perms.can_manage_opportunities(request.actor),
        "nav": "employment",
        "title": _("Offres d'emploi et formations"),
    }
    template = "employment/opportunities/list.html#results" if request.htmx else "employment/opportunities/list.html"
    return render(request, template, context)


def visible_placements(actor, placements, *, limit: int | None = None) -> list[Placement]:
    """Placements whose person's employment section the actor may see (one query for the grants)."""
    placements = placements.filter(person__in=Person.objects.filter(perms.visible_persons_filter(actor)))
    placements = list(placements[:limit] if limit else placements)
    sections = perms.visible_sections_many(actor, sorted({p.person_id for p in placements}))
    return [p for p in placements if Section.EMPLOYMENT in sections.get(p.person_id, frozenset())]


def opportunity_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    require_cases(request)
    actor = request.actor
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("employer", "commune", "appellation__occupation", "organisation"), pk=pk
    )
    placements = visible_placements(
        actor,
        opportunity.placements.select_related("person", "organisation").order_by("-proposed_on", "-id"),
        limit=PLACEMENTS_SHOWN,
    )
    for person_id in sorted({p.person_id for p in placements}):
        audit_read(actor, event="opportunity.placements", person_id=person_id, obj=opportunity)
    can_edit = perms.can_edit_opportunity(actor, opportunity)
    actions = (
        [
            (name, OPPORTUNITY_ACTION_LABELS[name])
            for name, (sources, _target) in OPPORTUNITY_TRANSITIONS.items()
            if opportunity.status in sources
        ]
        if can_edit
        else []
    )
    context = {
        "o": opportunity,
        "placements": placements,
        "hired": opportunity.placements.filter(status="hired").count(),
        "can_edit": can_edit,
        "actions": actions,
        "nav": "employment",
        "title": opportunity.title,
    }
    return render(request, "employment/opportunities/detail.html", context)


def opportunity_edit(request: AncrageRequest, pk: int | None = None) -> HttpResponse:
    require_cases(request)
    actor = request.actor
    opportunity = None
    if pk is not None:
        opportunity = get_object_or_404(Opportunity.objects.select_related("appellation"), pk=pk)
        if not perms.can_edit_opportunity(actor, opportunity):
            raise PermissionDenied
    elif not perms.can_manage_opportunities(actor):
        raise PermissionDenied
    initial = {}
    if opportunity is None and request.GET.get("employeur", "").isdigit():
        initial["employer"] = request.GET["employeur"]
    form = OpportunityForm(request.POST or None, instance=opportunity, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        obj = form.instance
        saved, conflict = _edit_with_version(
            request, form, lambda version: opportunity_save(actor=actor, opportunity=obj, expected_version=version)
        )
        if saved:
            messages.success(request, _("L'offre « %(title)s » est enregistrée.") % {"title": obj.title})
            return redirect("employment:opportunity_detail", pk=obj.pk)
    title = _("Modifier l'offre") if opportunity else _("Publier une offre")
    return render(
        request,
        "employment/opportunities/form.html",
        {"form": form, "o": opportunity, "conflict": conflict, "nav": "employment", "title": title},
    )


@require_POST
def opportunity_status(request: AncrageRequest, pk: int, name: str) -> HttpResponse:
    require_cases(request)
    if name not in OPPORTUNITY_TRANSITIONS:
        raise Http404
    opportunity = get_object_or_404(Opportunity, pk=pk)
    if not perms.can_edit_opportunity(request.actor, opportunity):
        raise PermissionDenied
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("La page n'était plus à jour : rechargez-la puis recommencez."))
        return redirect("employment:opportunity_detail", pk=pk)
    try:
        opportunity = opportunity_transition(
            actor=request.actor, opportunity=opportunity, name=name, expected_version=int(version)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Offre : %(status)s.") % {"status": opportunity.get_status_display()})
    return redirect("employment:opportunity_detail", pk=pk)


# --- employers -----------------------------------------------------------------------------------


def employer_list(request: AncrageRequest) -> HttpResponse:
    require_cases(request)
    form = EmployerSearchForm(request.GET or None)
    employers = Employer.objects.select_related("commune", "organisation").annotate(
        open_count=Count("opportunities", filter=Q(opportunities__status=OpportunityStatus.OPEN))
    )
    filtered = False
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        employers = employers.filter(Q(name__icontains=q) | Q(siret__icontains=q) | Q(sector__icontains=q))
        filtered = True
    page = paginate(request, employers.order_by("name", "id"))
    context = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "can_create": perms.can_manage_opportunities(request.actor),
        "nav": "employment",
        "title": _("Employeurs"),
    }
    return render(request, "employment/employers/list.html", context)


def employer_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    require_cases(request)
    employer = get_object_or_404(Employer.objects.select_related("commune", "organisation"), pk=pk)
    opportunities = employer.opportunities.select_related("commune", "appellation").order_by("-opened_on", "-id")
    context = {
        "employer": employer,
        "opportunities": opportunities[:50],
        "can_edit": perms.can_edit_opportunity(request.actor, employer),
        "can_publish": perms.can_manage_opportunities(request.actor),
        "nav": "employment",
        "title": employer.name,
    }
    return render(request, "employment/employers/detail.html", context)


def employer_edit(request: AncrageRequest, pk: int | None = None) -> HttpResponse:
    require_cases(request)
    actor = request.actor
    employer = None
    if pk is not None:
        employer = get_object_or_404(Employer, pk=pk)
        if not perms.can_edit_opportunity(actor, employer):
            raise PermissionDenied
    elif not perms.can_manage_opportunities(actor):
        raise PermissionDenied
    form = EmployerForm(request.POST or None, instance=employer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        obj = form.instance
        saved, conflict = _edit_with_version(
            request, form, lambda version: employer_save(actor=actor, employer=obj, expected_version=version)
        )
        if saved:
            messages.success(request, _("L'employeur « %(name)s » est enregistré.") % {"name": obj.name})
            return redirect("employment:employer_detail", pk=obj.pk)
    title = _("Modifier l'employeur") if employer else _("Nouvel employeur")
    return render(
        request,
        "employment/employers/form.html",
        {"form": form, "employer": employer, "conflict": conflict, "nav": "employment", "title": title},
    )
