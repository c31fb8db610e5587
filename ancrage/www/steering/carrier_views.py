"""The carrier's pages of the contract: its actions, the bilan of each year, the participations it records.

Only the référents and admins of the organisation carrying an action (``perms.carries_action``) reach
these pages; everyone else gets the same 404 as a missing action. Coordinators read the bilans on their
own pages and download the documents here (``perms.can_view_bilan``); they never see participants.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_read, audit_record
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.core.pagination import paginate
from ancrage.persons.selectors import get_person_for_user, persons_visible_to
from ancrage.steering import bilans
from ancrage.steering.models import Action, BilanAttachment, Contract, QualitativeReport
from ancrage.steering.selectors import default_year
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .carrier_forms import BilanForm, ParticipationForm, PersonSearchForm

SEARCH_RESULTS_MAX = 20


def _carried_action(request: AncrageRequest, pk: int) -> Action:
    """The action if the actor's organisation carries it; 404 for missing and forbidden alike."""
    action = get_object_or_404(Action.objects.select_related("contract", "axis", "carrier"), pk=pk)
    perms.require(perms.carries_action(request.actor, action))
    return action


def _carrier_url(action: Action, anchor: str = "") -> str:
    return reverse("steering:carrier_action", kwargs={"pk": action.pk}) + (f"#{anchor}" if anchor else "")


def my_actions(request: AncrageRequest) -> HttpResponse:
    """The *fiches action* my organisation carries, in every contract."""
    actor = request.actor
    perms.require(bilans.may_carry_actions(actor))
    actions = list(
        bilans.actions_carried_by(actor)
        .select_related("contract", "axis")
        .order_by("-contract__starts_on", "contract_id", "axis__number", "title", "pk")
    )
    contracts: dict[int, Contract] = {}
    years: dict[int, int] = {}
    for action in actions:
        contract = contracts.setdefault(action.contract_id, action.contract)
        if not hasattr(contract, "_default_year"):
            contract._default_year = default_year(contract)  # type: ignore[attr-defined]
        years[action.pk] = contract._default_year  # type: ignore[attr-defined]
    written = set(QualitativeReport.objects.filter(action__in=actions).values_list("action_id", "year").order_by())
    counts = bilans.participation_counts(actions, years)
    rows = [
        {
            "action": action,
            "year": years[action.pk],
            "bilan_written": (action.pk, years[action.pk]) in written,
            "counts": counts[action.pk],
        }
        for action in actions
    ]
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="steering.carrier.actions",
        details={"actions": [action.pk for action in actions]},
    )
    return render(
        request,
        "steering/carrier/my_actions.html",
        {"rows": rows, "nav": "carrier_actions", "title": _("Mes actions du contrat")},
    )


def carrier_action(request: AncrageRequest, pk: int) -> HttpResponse:
    """One action for its carrier: description, bilans per year, participations (named when visible)."""
    actor = request.actor
    action = _carried_action(request, pk)
    reports = {
        report.year: report
        for report in action.reports.select_related("written_by").annotate(n_attachments=Count("attachments"))
    }
    bilan_rows = [{"year": year, "report": reports.get(year)} for year in bilans.contract_years(action)]
    search = PersonSearchForm(request.GET or None)
    hidden_count = bilans.hidden_participations_count(actor, action)
    visible = bilans.participations_visible_to(actor, action).select_related("person", "recorded_by_organisation")
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if query:
        visible = visible.filter(person__in=persons_visible_to(actor).matching(query).values("pk"))
    page = paginate(request, visible.order_by("person__display_name", "starts_on", "pk"))
    for participation in page:
        participation.refusal = bilans.removal_refusal(participation)  # type: ignore[attr-defined]
    audit_read(
        actor,
        event="steering.participation.list",
        person_id=None,
        obj=action,
        details={"ids": [participation.person_id for participation in page]},
    )
    first, last = bilans.action_bounds(action)
    return render(
        request,
        "steering/carrier/action.html",
        {
            "action": action,
            "bilan_rows": bilan_rows,
            "search": search,
            "query": query,
            "page": page,
            "hidden_count": hidden_count,
            "first": first,
            "last": last,
            "nav": "carrier_actions",
            "title": action.title,
        },
    )


def bilan_edit(request: AncrageRequest, pk: int, year: int) -> HttpResponse:
    """Write or rewrite the bilan of a year, and join documents to it."""
    actor = request.actor
    action = _carried_action(request, pk)
    perms.require(perms.can_write_bilan(actor, action))
    if year not in bilans.contract_years(action):
        raise Http404
    report = action.reports.filter(year=year).select_related("written_by").first()
    initial = {"text": report.text, "version": report.version} if report else {}
    form = BilanForm(request.POST or None, request.FILES or None, initial=initial)
    conflict: QualitativeReport | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the text and its documents stand or fall together
                saved = bilans.bilan_save(
                    actor=actor, action=action, year=year, text=data["text"], expected_version=data["version"]
                )
                for upload in data["attachments"]:
                    bilans.bilan_attachment_add(actor=actor, report=saved, upload=upload)
        except ConcurrentEditError as error:
            conflict = error.current  # type: ignore[assignment]
            form.add_error(None, CONCURRENT_EDIT_HELP)
            posted = request.POST.copy()
            posted["version"] = str(conflict.version)  # type: ignore[union-attr]
            form.data = posted
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Bilan %(year)s enregistré.") % {"year": year})
            return redirect(_carrier_url(action, "bilans"))
    attachments = list(report.attachments.select_related("uploaded_by")) if report else []
    return render(
        request,
        "steering/carrier/bilan_form.html",
        {
            "action": action,
            "year": year,
            "report": report,
            "form": form,
            "conflict": conflict,
            "attachments": attachments,
            "nav": "carrier_actions",
            "title": _("Bilan %(year)s") % {"year": year},
        },
    )


def bilan_attachment(request: AncrageRequest, pk: int, report_pk: int, attachment_pk: int) -> HttpResponseBase:
    """A document of a bilan, for its carrier and the coordinators; never from a public media URL."""
    action = get_object_or_404(Action, pk=pk)
    attachment = bilans.bilan_attachment_for_download(
        actor=request.actor, action=action, report_pk=report_pk, attachment_pk=attachment_pk
    )
    return bilans.bilan_attachment_response(attachment)


@require_POST
def bilan_attachment_delete(request: AncrageRequest, pk: int, report_pk: int, attachment_pk: int) -> HttpResponse:
    actor = request.actor
    action = _carried_action(request, pk)
    perms.require(perms.can_write_bilan(actor, action))
    attachment = get_object_or_404(
        BilanAttachment.objects.select_related("report"), pk=attachment_pk, report_id=report_pk, report__action=action
    )
    bilans.bilan_attachment_delete(actor=actor, attachment=attachment)
    messages.success(request, _("Pièce jointe « %(name)s » retirée.") % {"name": attachment.original_name})
    return redirect(reverse("steering:bilan_edit", kwargs={"pk": action.pk, "year": attachment.report.year}))


def participation_add(request: AncrageRequest, pk: int) -> HttpResponse:
    """Record that a person the carrier can see takes part in the action: search by name, then dates."""
    actor = request.actor
    action = _carried_action(request, pk)
    persons = persons_visible_to(actor)
    search = PersonSearchForm(request.GET or None)
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(
            persons.matching(search.cleaned_data["q"])
            .select_related("commune")
            .order_by("display_name", "pk")[:SEARCH_RESULTS_MAX]
        )
        audit_read(
            actor,
            event="steering.participation.person_search",
            person_id=None,
            obj=action,
            details={"ids": [person.pk for person in results]},
        )
    chosen = None
    if request.method == "GET" and request.GET.get("person"):
        raw = request.GET["person"]
        if not raw.isdigit():
            raise Http404
        chosen = get_person_for_user(actor, int(raw), purpose="participation")
    form = ParticipationForm(request.POST or None, persons=persons, initial={"person": chosen.pk} if chosen else {})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                bilans.participation_add(
                    actor=actor,
                    action=action,
                    person=data["person"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except PermissionDenied as error:  # the person's record is no longer visible
                raise Http404 from error
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Participation de %(name)s enregistrée.") % {"name": data["person"].display_name}
                )
                return redirect(_carrier_url(action, "participations"))
        chosen = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
    first, last = bilans.action_bounds(action)
    return render(
        request,
        "steering/carrier/participation_form.html",
        {
            "action": action,
            "search": search,
            "results": results,
            "chosen": chosen,
            "form": form,
            "first": first,
            "last": last,
            "nav": "carrier_actions",
            "title": _("Enregistrer une participation"),
        },
    )


@require_POST
def participation_delete(request: AncrageRequest, pk: int, participation_pk: int) -> HttpResponse:
    """Remove a participation the carrier typed in; those from a pathway or a referral say why not."""
    actor = request.actor
    action = _carried_action(request, pk)
    participation = get_object_or_404(action.participations.select_related("person"), pk=participation_pk)
    perms.require(perms.can_record_participation(actor, action, participation.person_id))
    try:
        bilans.participation_remove(actor=actor, participation=participation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Participation de %(name)s retirée.") % {"name": participation.person.display_name})
    return redirect(_carrier_url(action, "participations"))
