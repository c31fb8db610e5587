"""Placements (*mises en relation*): proposing a person for an opportunity, following it to the hiring
(or not), and the follow-up in post. Person data: the employment section, checked and audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.audit.services import audit_read
from ancrage.employment.matching import match_pair
from ancrage.employment.models import (
    PLACEMENT_TRANSITIONS,
    FollowUp,
    Opportunity,
    OpportunityStatus,
    Placement,
)
from ancrage.employment.services import followup_record, placement_propose, placement_transition
from ancrage.persons.selectors import get_person_for_user
from ancrage.www.types import AncrageRequest

from ..utils import apply_validation_error
from .opportunity_views import require_cases
from .placement_forms import FollowUpForm, transition_form


def get_placement_for_user(request: AncrageRequest, pk: int, *, purpose: str = "") -> Placement:
    """The placement if the actor sees the person's employment section, audited; 404 otherwise."""
    require_cases(request)
    actor = request.actor
    placement = (
        Placement.objects.select_related(
            "person",
            "opportunity__employer",
            "opportunity__commune",
            "opportunity__appellation",
            "organisation",
            "proposed_by",
            "pathway",
        )
        .filter(pk=pk)
        .first()
    )
    if placement is None or not perms.can_view_employment(actor, placement.person_id):
        raise Http404
    audit_read(actor, event="placement.read", person_id=placement.person_id, obj=placement, purpose=purpose)
    return placement


def _pk(value: str | None) -> int:
    if not value or not value.isdigit():
        raise Http404
    return int(value)


def propose(request: AncrageRequest) -> HttpResponse:
    """GET ?person=<pk>&opportunity=<pk>: the match explained, to confirm; POST: the proposal."""
    require_cases(request)
    actor = request.actor
    params = request.POST if request.method == "POST" else request.GET
    person_pk, opportunity_pk = _pk(params.get("person")), _pk(params.get("opportunity"))
    if not perms.can_view_employment(actor, person_pk):
        raise Http404
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("employer", "commune", "appellation"), pk=opportunity_pk
    )
    person = get_person_for_user(actor, person_pk, purpose="placement", event="placement.propose")
    if not perms.can_edit_employment(actor, person_pk):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            placement = placement_propose(actor=actor, person=person, opportunity=opportunity)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Proposition enregistrée."))
            return redirect("employment:placement_detail", pk=placement.pk)
    match = match_pair(person.pk, opportunity)
    context = {
        "person": person,
        "o": opportunity,
        "match": match,
        "plus": [r for r in match.reasons if r.kind == "plus"],
        "missing": [r for r in match.reasons if r.kind == "missing"],
        "info": [r for r in match.reasons if r.kind == "info"],
        "is_open": opportunity.status == OpportunityStatus.OPEN,
        "error": error,
        "nav": "employment",
        "title": _("Proposer une candidature"),
    }
    return render(request, "employment/placements/propose.html", context, status=422 if error else 200)


def detail(request: AncrageRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request, pk)
    can_edit = perms.can_edit_employment(request.actor, placement.person_id)
    actions = []
    if can_edit:
        initial = {"hire": {"contract_type": placement.opportunity.contract_type or ""}}
        actions = [
            (name, label, transition_form(name, initial=initial.get(name)))
            for name, label in placement.available_transitions()
        ]
    context = {
        "p": placement,
        "o": placement.opportunity,
        "can_edit": can_edit,
        "actions": actions,
        "transitions": placement.transitions.select_related("by"),
        "follow_ups": placement.follow_ups.all(),
        "today": timezone.localdate(),
        "nav": "employment",
        "title": _("Mise en relation"),
    }
    return render(request, "employment/placements/detail.html", context)


@require_POST
def transition(request: AncrageRequest, pk: int, name: str) -> HttpResponse:
    if name not in PLACEMENT_TRANSITIONS:
        raise Http404
    placement = get_placement_for_user(request, pk, purpose=name)
    if not perms.can_edit_employment(request.actor, placement.person_id):
        raise PermissionDenied  # decided before looking at the form: the answer never depends on bad input
    form = transition_form(name, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("employment:placement_detail", pk=pk)
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("La page n'était plus à jour : rechargez-la puis recommencez."))
        return redirect("employment:placement_detail", pk=pk)
    try:
        placement = placement_transition(
            actor=request.actor,
            placement=placement,
            name=name,
            expected_version=int(version),
            **form.cleaned_data,
        )
    except ValidationError as error:  # PlacementConflict included
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Mise en relation : %(status)s.") % {"status": placement.get_status_display()})
    return redirect("employment:placement_detail", pk=pk)


def followup_edit(request: AncrageRequest, pk: int, followup_pk: int) -> HttpResponse:
    placement = get_placement_for_user(request, pk, purpose="follow_up")
    follow_up = get_object_or_404(FollowUp, pk=followup_pk, placement_id=placement.pk)
    follow_up.placement = placement
    if not perms.can_edit_employment(request.actor, placement.person_id):
        raise PermissionDenied
    initial = {
        "done_on": follow_up.done_on,
        "still_in_post": None if follow_up.still_in_post is None else ("yes" if follow_up.still_in_post else "no"),
        "note": follow_up.note,
    }
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            followup_record(actor=request.actor, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Suivi enregistré."))
            return redirect("employment:placement_detail", pk=pk)
    context = {
        "p": placement,
        "follow_up": follow_up,
        "form": form,
        "nav": "employment",
        "title": _("Suivi à M+%(month)s") % {"month": follow_up.month},
    }
    return render(request, "employment/placements/followup.html", context)
