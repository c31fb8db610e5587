"""A pathway: steps, programme milestones, diagnostic, plan; and the user's appointments."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.access.sections import Section
from ancrage.audit.services import audit_read
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.core.pagination import paginate
from ancrage.pathways import outcomes
from ancrage.pathways.models import (
    Appointment,
    DiagnosticDomain,
    DiagnosticItem,
    Objective,
    Pathway,
    PlanAction,
)
from ancrage.pathways.services import (
    diagnostic_item_save,
    objective_save,
    pathway_create,
    pathway_transition,
    pathway_update,
    plan_action_save,
)
from ancrage.persons.selectors import get_person_for_user
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .forms import DiagnosticItemForm, ObjectiveForm, PathwayCreateForm, PathwayEditForm, PlanActionForm, TransitionForm


def get_pathway_for_user(request: AncrageRequest, pk: int, *, purpose: str = "") -> Pathway:
    """The pathway if the actor sees its person's pathway section; 404 otherwise. Audited."""
    actor = request.actor
    pathway = Pathway.objects.select_related("person", "operator", "referent").filter(pk=pk).first()
    if pathway is None or not perms.can_view_section(actor, pathway.person_id, Section.PATHWAY):
        raise Http404
    audit_read(actor, event="pathway.read", person_id=pathway.person_id, obj=pathway, purpose=purpose)
    return pathway


def pathway_create_view(request: AncrageRequest, person_pk: int) -> HttpResponse:
    actor = request.actor
    person = get_person_for_user(actor, person_pk, purpose="open pathway")
    if not perms.can_create_person(actor):
        raise PermissionDenied
    form = PathwayCreateForm(request.POST or None, organisation=actor.org, initial={"referent": actor.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathway = pathway_create(
                actor=actor,
                person=person,
                programme=data["programme"],
                entry_date=data["entry_date"],
                referent_id=data["referent"].pk if data["referent"] else None,
                oriented_by=data["oriented_by"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Parcours ouvert."))
            return redirect("pathways:detail", pk=pathway.pk)
    return render(
        request,
        "pathways/create.html",
        {"form": form, "person": person, "nav": "persons", "title": _("Ouvrir un parcours")},
    )


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` has passed)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def programme_flow(pathway: Pathway, today: dt.date) -> dict:
    """The programme's milestones, computed from its dated rule (domain.md §2.2), never ticked by hand."""
    rule = outcomes.rule_for(pathway)
    cir_signed_on = pathway.person.cir_signed_on
    end = outcomes.planned_end(pathway, rule)
    flow: dict = {
        "rule": rule,
        "cir_signed_on": cir_signed_on,
        "first_interview_due": outcomes.first_interview_due(pathway, cir_signed_on, rule),
        "first_interview_late": outcomes.first_interview_late(pathway, cir_signed_on, today),
        "planned_end": end,
        "months_remaining": _months_between(today, end) if end and pathway.is_open else None,
        "positive_exit": None,
        "missing": [],
    }
    if pathway.exit_date is not None:
        housing, work = outcomes.durable_flags([pathway.person_id], pathway.exit_date)[pathway.person_id]
        flow["positive_exit"] = outcomes.positive_exit(pathway)
        if not housing:
            flow["missing"].append(_("Pas de logement durable à la date de sortie"))
        if not work:
            flow["missing"].append(_("Pas d'emploi durable ni de formation qualifiante à la date de sortie"))
    return flow


def pathway_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    pathway = get_pathway_for_user(request, pk)
    actor = request.actor
    items = {item.domain: item for item in pathway.diagnostic_items.all()}
    diagnostic = [(code, label, items.get(code)) for code, label in DiagnosticDomain.choices]
    objectives = pathway.objectives.prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.order_by("due_date", "id"))
    )
    transitions = pathway.transitions.select_related("by")
    can_manage = perms.can_manage_pathway(actor, pathway)
    return render(
        request,
        "pathways/detail.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "diagnostic": diagnostic,
            "objectives": objectives,
            "transitions": transitions,
            "can_manage": can_manage,
            "today": timezone.localdate(),
            "flow": programme_flow(pathway, timezone.localdate()),
            "can_print_contract": perms.can_edit_employment(actor, pathway.person_id),
            "transition_form": TransitionForm(initial={"version": pathway.version}),
            "nav": "persons",
            "title": str(pathway),
        },
    )


def pathway_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    pathway = get_pathway_for_user(request, pk, purpose="edit")
    actor = request.actor
    if not perms.can_manage_pathway(actor, pathway):
        raise PermissionDenied
    form = PathwayEditForm(request.POST or None, instance=pathway)
    if request.method == "POST" and form.is_valid():
        data = {
            "referent_id": form.cleaned_data["referent"].pk if form.cleaned_data["referent"] else None,
            "oriented_by": form.cleaned_data["oriented_by"],
            "entry_date": form.cleaned_data["entry_date"],
            "first_interview_on": form.cleaned_data["first_interview_on"],
            "commitment_signed_on": form.cleaned_data["commitment_signed_on"],
        }
        try:
            pathway_update(actor=actor, pathway=pathway, expected_version=form.cleaned_data["version"], data=data)
        except ConcurrentEditError:
            form.add_error(None, CONCURRENT_EDIT_HELP)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Parcours mis à jour."))
            return redirect("pathways:detail", pk=pk)
    return render(
        request,
        "pathways/form.html",
        {
            "form": form,
            "pathway": pathway,
            "person": pathway.person,
            "nav": "persons",
            "title": _("Modifier le parcours"),
        },
    )


@require_POST
def pathway_transition_view(request: AncrageRequest, pk: int) -> HttpResponse:
    pathway = get_pathway_for_user(request, pk, purpose="transition")
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pathway_transition(
                actor=request.actor,
                pathway=pathway,
                name=data["name"],
                expected_version=data["version"],
                reason=data["reason"],
                exit_date=data["exit_date"],
                exit_reason=data["exit_reason"],
            )
        except ConcurrentEditError:
            messages.error(request, CONCURRENT_EDIT_HELP)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Étape enregistrée : %(status)s.") % {"status": pathway.get_status_display()})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("pathways:detail", pk=pk)


def _pathway_item_page(request, pathway, form, save, *, done: str, heading, title) -> HttpResponse:
    """The shared flow of the diagnostic, objective and action forms: validate, save, or show errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect("pathways:detail", pk=pathway.pk)
    context = {
        "form": form,
        "pathway": pathway,
        "person": pathway.person,
        "heading": heading,
        "nav": "persons",
        "title": title,
    }
    return render(request, "pathways/form.html", context)


def _managed_pathway(request: AncrageRequest, pk: int, purpose: str) -> Pathway:
    pathway = get_pathway_for_user(request, pk, purpose=purpose)
    if not perms.can_manage_pathway(request.actor, pathway):
        raise PermissionDenied
    return pathway


def diagnostic_edit(request: AncrageRequest, pk: int, domain: str) -> HttpResponse:
    if domain not in DiagnosticDomain.values:
        raise Http404
    pathway = _managed_pathway(request, pk, "diagnostic")
    item = DiagnosticItem.objects.filter(pathway=pathway, domain=domain).first() or DiagnosticItem(
        pathway=pathway, domain=domain, assessed_on=timezone.localdate()
    )
    form = DiagnosticItemForm(request.POST or None, instance=item)
    return _pathway_item_page(
        request,
        pathway,
        form,
        lambda item: diagnostic_item_save(actor=request.actor, item=item),
        done=_("Diagnostic enregistré."),
        heading=DiagnosticDomain(domain).label,
        title=_("Diagnostic"),
    )


def objective_edit(request: AncrageRequest, pk: int, objective_pk: int | None = None) -> HttpResponse:
    pathway = _managed_pathway(request, pk, "plan")
    objective = (
        get_object_or_404(Objective, pk=objective_pk, pathway=pathway) if objective_pk else Objective(pathway=pathway)
    )
    form = ObjectiveForm(request.POST or None, instance=objective)
    return _pathway_item_page(
        request,
        pathway,
        form,
        lambda item: objective_save(actor=request.actor, objective=item),
        done=_("Objectif enregistré."),
        heading=_("Objectif du plan"),
        title=_("Objectif"),
    )


def action_edit(request: AncrageRequest, pk: int, objective_pk: int, action_pk: int | None = None) -> HttpResponse:
    pathway = _managed_pathway(request, pk, "plan")
    objective = get_object_or_404(Objective, pk=objective_pk, pathway=pathway)
    action = (
        get_object_or_404(PlanAction, pk=action_pk, objective=objective)
        if action_pk
        else PlanAction(objective=objective)
    )
    form = PlanActionForm(request.POST or None, instance=action)
    return _pathway_item_page(
        request,
        pathway,
        form,
        lambda item: plan_action_save(actor=request.actor, action=item),
        done=_("Action enregistrée."),
        heading=objective.title,
        title=_("Action du plan"),
    )


def agenda(request: AncrageRequest) -> HttpResponse:
    """My appointments, upcoming first; persons I can no longer see are left out."""
    actor = request.actor
    if not actor.handles_cases:
        raise Http404
    from ancrage.persons.models import Person

    visible = Person.objects.filter(perms.visible_persons_filter(actor)).values("pk")
    appointments = Appointment.objects.filter(
        with_user=actor.user, organisation_id=actor.org_id, person__in=visible
    ).select_related("person")
    show_past = request.GET.get("passes") == "1"
    now = timezone.now()
    appointments = (
        appointments.filter(starts_at__lt=now).order_by("-starts_at")
        if show_past
        else appointments.filter(starts_at__gte=now).order_by("starts_at")
    )
    page = paginate(request, appointments)
    audit_read(actor, event="appointment.list", person_id=None, details={"ids": [a.person_id for a in page]})
    return render(
        request,
        "pathways/agenda.html",
        {"page": page, "show_past": show_past, "nav": "agenda", "title": _("Mes rendez-vous")},
    )
