"""Coordinators keep the contract in the interface: the contract and its amendments, fiches action,
budget lines, targets, calls for projects and their applications.

Only the coordinators (``perms.can_manage_contract``) reach these pages; anybody else gets the 404 of a
missing page. Every page read and every write leaves an audit event. None of these pages shows a person.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import ConcurrentEditError
from ancrage.core.pagination import paginate
from ancrage.steering.models import (
    Action,
    Application,
    BudgetLine,
    CallForProjects,
    Contract,
    Decision,
)
from ancrage.steering.services import (
    AMOUNT_FIELDS,
    action_save,
    amendment_add,
    amendment_next_number,
    application_add,
    application_decide,
    budget_line_save,
    call_create,
    contract_create,
    contract_update,
)
from ancrage.www.types import AncrageRequest

from ..forms import CONCURRENT_EDIT_HELP
from ..utils import apply_validation_error
from .manage_forms import (
    ActionForm,
    ActionSearchForm,
    AmendmentForm,
    ApplicationForm,
    BudgetFormSet,
    CallForm,
    ContractCreateForm,
    ContractForm,
    DecisionForm,
    TargetFormSet,
)

BLANK_BUDGET_ROWS = 4
NAV = "steering"


def _require_manager(request: AncrageRequest) -> None:
    if not perms.can_manage_contract(request.actor):
        raise Http404


def _read(request: AncrageRequest, event: str, obj, /, **details: Any) -> None:
    audit_record(actor=request.actor, action=AuditAction.READ, event=f"steering.{event}", obj=obj, details=details)


def _write(request: AncrageRequest, verb: str, event: str, obj, /, **details: Any) -> None:
    audit_record(actor=request.actor, action=verb, event=f"steering.{event}", obj=obj, details=details)


def _overview_url(contract: Contract) -> str:
    """The coordinators' dashboard of the contract, when it exists (another screen)."""
    for args in ((contract.pk,), ()):
        try:
            return reverse("steering:overview", args=args)
        except NoReverseMatch:
            continue
    return ""


def _page(request: AncrageRequest, template: str, contract: Contract, context: dict[str, Any]) -> HttpResponse:
    base = {"contract": contract, "overview_url": _overview_url(contract), "nav": NAV}
    return render(request, f"steering/manage/{template}", {**base, **context})


def _conflict(request: AncrageRequest, form, error: ConcurrentEditError) -> None:
    """Keep the input, say somebody saved meanwhile, and carry the current version for the next try."""
    form.add_error(None, CONCURRENT_EDIT_HELP)
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(error.current.version)
    form.data = data


# --- the contract and its amendments -------------------------------------------------------------------


def contract_create_view(request: AncrageRequest) -> HttpResponse:
    """A coordinator opens a new contract (years and the five default axes are created with it)."""
    _require_manager(request)
    form = ContractCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                contract = contract_create(**form.cleaned_data)
                _write(request, AuditAction.CREATE, "contract.create", contract)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le contrat est créé avec ses années et ses cinq axes prioritaires."))
            return redirect("steering:actions", pk=contract.pk)
    audit_record(actor=request.actor, action=AuditAction.READ, event="steering.contract.create.read")
    return render(
        request,
        "steering/manage/contract_create.html",
        {"form": form, "title": _("Nouveau contrat territorial"), "nav": NAV},
    )


def contract_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    form = ContractForm(request.POST or None, instance=contract)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                contract_update(form.instance, expected_version=form.cleaned_data["version"])
                _write(request, AuditAction.UPDATE, "contract.update", contract, fields=form.changed_data)
        except ConcurrentEditError as error:
            _conflict(request, form, error)
            conflict = error.current
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le contrat est enregistré."))
            return redirect("steering:actions", pk=contract.pk)
    if request.method == "POST":
        contract.refresh_from_db()  # the page shows the stored title, not the refused input
    _read(request, "contract.edit.read", contract)
    return _page(
        request,
        "contract_form.html",
        contract,
        {
            "form": form,
            "conflict": conflict,
            "amendments": list(contract.amendments.all()),
            "years": list(contract.years.values_list("year", flat=True)),
            "title": _("Modifier le contrat"),
        },
    )


def amendment_add_view(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    form = AmendmentForm(request.POST or None, contract=contract, initial={"number": amendment_next_number(contract)})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                amendment = amendment_add(contract=contract, **form.cleaned_data)
                _write(
                    request,
                    AuditAction.CREATE,
                    "amendment.create",
                    amendment,
                    contract=contract.pk,
                    number=amendment.number,
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("L'avenant n° %(number)s est enregistré.") % {"number": amendment.number})
            return redirect("steering:contract_edit", pk=contract.pk)
    _read(request, "amendment.add.read", contract)
    return _page(request, "amendment_form.html", contract, {"form": form, "title": _("Ajouter un avenant")})


# --- fiches action -------------------------------------------------------------------------------------


def actions(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    form = ActionSearchForm(request.GET or None, contract=contract)
    qs = contract.actions.select_related("axis", "carrier")
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            qs = qs.filter(Q(title__icontains=q) | Q(carrier__name__icontains=q) | Q(carrier__short_name__icontains=q))
        if data["axis"]:
            qs = qs.filter(axis=data["axis"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        filtered = any(data.values())
    page = paginate(request, qs.order_by("axis__number", "title", "id"))
    _read(request, "actions.read", contract, filtered=filtered, count=page.paginator.count)
    return _page(
        request,
        "actions.html",
        contract,
        {"form": form, "page": page, "filtered": filtered, "title": _("Fiches action du contrat")},
    )


def _action_form_page(request: AncrageRequest, contract: Contract, action: Action | None) -> HttpResponse:
    instance = action or Action(contract=contract)
    form = ActionForm(request.POST or None, instance=instance, contract=contract)
    conflict = None
    if request.method == "POST" and form.is_valid():
        obj = form.instance
        obj.contract = contract
        try:
            with transaction.atomic():
                if action is None:
                    action_save(obj)
                    audit_action, event = AuditAction.CREATE, "action.create"
                else:
                    action_save(obj, expected_version=form.cleaned_data["version"])
                    audit_action, event = AuditAction.UPDATE, "action.update"
                obj.services.set(form.cleaned_data["services"])
                _write(request, audit_action, event, obj, contract=contract.pk, fields=form.changed_data)
        except ConcurrentEditError as error:
            _conflict(request, form, error)
            conflict = error.current
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("La fiche action « %(title)s » est enregistrée.") % {"title": obj.title})
            return redirect("steering:action_edit", pk=obj.pk)
        if action is None:
            instance.pk = None
    if action is not None:
        _read(request, "action.edit.read", action)
    else:
        _read(request, "action.create.read", contract)
    shown = Action.objects.get(pk=action.pk) if action is not None else None
    return _page(
        request,
        "action_form.html",
        contract,
        {
            "form": form,
            "action": shown,
            "conflict": conflict,
            "title": _("Modifier la fiche action") if action else _("Nouvelle fiche action"),
        },
    )


def action_create(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    return _action_form_page(request, contract, None)


def _get_action(request: AncrageRequest, pk: int) -> Action:
    _require_manager(request)
    return get_object_or_404(Action.objects.select_related("contract", "axis", "carrier"), pk=pk)


def action_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    return _action_form_page(request, action.contract, action)


# --- budget lines -------------------------------------------------------------------------------------------


def _budget_initial(action: Action) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "line_id": line.pk,
            "version": line.version,
            "year": line.year,
            "co_funder": line.co_funder,
            **{name: getattr(line, name) for name in AMOUNT_FIELDS},
        }
        for line in action.budget_lines.order_by("year", "co_funder")
    ]
    return rows + [{} for _i in range(BLANK_BUDGET_ROWS)]


def _year_totals(action: Action, years: list[int]) -> list[tuple[int, dict[str, Decimal]]]:
    """Requested / granted / committed / paid per year of the contract (zeros included), as stored."""
    totals = {year: dict.fromkeys(AMOUNT_FIELDS, Decimal("0")) for year in years}
    for line in action.budget_lines.all():
        row = totals.setdefault(line.year, dict.fromkeys(AMOUNT_FIELDS, Decimal("0")))
        for name in AMOUNT_FIELDS:
            row[name] += getattr(line, name)
    return sorted(totals.items())


def _save_budget(request: AncrageRequest, action: Action, formset) -> bool:
    """Save every changed row in one transaction: all of it, or nothing with the errors on the rows."""
    lines = {line.pk: line for line in action.budget_lines.all()}
    saved: list[tuple[BudgetLine, str]] = []
    try:
        with transaction.atomic():
            for form in formset.forms:
                data = form.cleaned_data
                if data.get("blank"):
                    continue
                line_id = data.get("line_id")
                if line_id:
                    line = lines.get(line_id)
                    if line is None:
                        form.add_error(None, _("Cette ligne n'existe plus : rechargez la page."))
                        raise _RowError
                    if not form.has_changed():
                        continue
                    if data.get("version") is None:
                        form.add_error(None, _("La page n'était plus à jour : rechargez-la puis recommencez."))
                        raise _RowError
                else:
                    line = BudgetLine(action=action)
                line.year = data["year"]
                line.co_funder = data["co_funder"]
                for name in AMOUNT_FIELDS:
                    setattr(line, name, data[name])
                try:
                    budget_line_save(line, expected_version=data.get("version") if line_id else None)
                except ConcurrentEditError as error:
                    current = error.current
                    form.add_error(
                        None,
                        _(
                            "Quelqu'un d'autre a modifié cette ligne pendant que vous l'éditiez. Valeurs à jour : "
                            "demandé %(requested)s €, accordé %(granted)s €, engagé %(committed)s €, versé %(paid)s €. "
                            "Vos saisies sont conservées : vérifiez-les puis enregistrez à nouveau."
                        )
                        % {name: getattr(current, name) for name in AMOUNT_FIELDS},
                    )
                    post = formset.data.copy()
                    post[form.add_prefix("version")] = str(current.version)
                    formset.data = post
                    form.data = post
                    raise _RowError from error
                except ValidationError as error:
                    apply_validation_error(form, error)
                    raise _RowError from error
                saved.append((line, "create" if not line_id else "update"))
            for line, verb in saved:
                _write(
                    request,
                    AuditAction.CREATE if verb == "create" else AuditAction.UPDATE,
                    f"budget_line.{verb}",
                    line,
                    action=action.pk,
                    year=line.year,
                    co_funder=line.co_funder,
                )
    except _RowError:
        return False
    return True


class _RowError(Exception):
    """A row was refused: the whole grid is rolled back."""


def budget_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    contract = action.contract
    years = list(contract.years.values_list("year", flat=True))
    year_choices = [(y, y) for y in years]
    initial = _budget_initial(action)
    formset = BudgetFormSet(
        request.POST or None,
        initial=initial,
        form_kwargs={"contract": contract, "years": year_choices},
        prefix="budget",
    )
    if request.method == "POST" and formset.is_valid() and _save_budget(request, action, formset):
        messages.success(request, _("Le budget de la fiche action est enregistré."))
        return redirect("steering:budget_edit", pk=action.pk)
    _read(request, "budget.edit.read", action)
    return _page(
        request,
        "budget_form.html",
        contract,
        {
            "action": action,
            "formset": formset,
            "totals": _year_totals(action, years),
            "amount_fields": AMOUNT_FIELDS,
            "title": _("Budget de la fiche action"),
        },
    )


# --- targets ---------------------------------------------------------------------------------------------------


def targets_edit(request: AncrageRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    contract = action.contract
    formset = TargetFormSet(
        request.POST or None,
        instance=action,
        queryset=action.targets.select_related("indicator").order_by("year", "indicator__position"),
        form_kwargs={"contract": contract},
        prefix="cibles",
    )
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                targets = formset.save(commit=False)
                for target in formset.deleted_objects:
                    _write(request, AuditAction.DELETE, "target.delete", target, action=action.pk)
                    target.delete()
                for target in targets:
                    verb = "update" if target.pk else "create"
                    target.full_clean()
                    target.save()
                    _write(
                        request,
                        AuditAction.UPDATE if verb == "update" else AuditAction.CREATE,
                        f"target.{verb}",
                        target,
                        action=action.pk,
                        indicator=target.indicator.code,
                        year=target.year,
                    )
        except ValidationError as error:
            formset.non_form_errors().extend(error.messages)
        except IntegrityError:
            formset.non_form_errors().append(_("Une cible existe déjà pour cet indicateur et cette année."))
        else:
            messages.success(request, _("Les cibles sont enregistrées."))
            return redirect("steering:targets_edit", pk=action.pk)
    _read(request, "targets.edit.read", action)
    return _page(request, "targets_form.html", contract, {"action": action, "formset": formset, "title": _("Cibles")})


# --- calls for projects and applications -------------------------------------------------------------------


def calls(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    rows = contract.calls.annotate(
        received=Count("applications"),
        pending=Count("applications", filter=Q(applications__decision=Decision.PENDING)),
        selected=Count("applications", filter=Q(applications__decision=Decision.SELECTED)),
        rejected=Count("applications", filter=Q(applications__decision=Decision.REJECTED)),
    ).order_by("-year", "title")
    _read(request, "calls.read", contract)
    return _page(request, "calls.html", contract, {"calls": list(rows), "title": _("Appels à projets")})


def call_create_view(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    form = CallForm(request.POST or None, instance=CallForProjects(contract=contract), contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                call = call_create(form.instance)
                _write(request, AuditAction.CREATE, "call.create", call, contract=contract.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("L'appel à projets « %(title)s » est créé.") % {"title": call.title})
            return redirect("steering:call_detail", pk=call.pk)
    _read(request, "call.create.read", contract)
    return _page(request, "call_form.html", contract, {"form": form, "title": _("Nouvel appel à projets")})


def _get_call(request: AncrageRequest, pk: int) -> CallForProjects:
    _require_manager(request)
    return get_object_or_404(CallForProjects.objects.select_related("contract"), pk=pk)


def call_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    call = _get_call(request, pk)
    applications = list(call.applications.select_related("organisation", "action").order_by("received_on", "id"))
    _read(request, "call.read", call)
    return _page(
        request,
        "call_detail.html",
        call.contract,
        {"call": call, "applications": applications, "title": call.title},
    )


def application_add_view(request: AncrageRequest, pk: int) -> HttpResponse:
    call = _get_call(request, pk)
    form = ApplicationForm(request.POST or None, instance=Application(call=call))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                application = application_add(form.instance)
                _write(request, AuditAction.CREATE, "application.create", application, call=call.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le projet « %(title)s » est enregistré.") % {"title": application.title})
            return redirect("steering:call_detail", pk=call.pk)
    _read(request, "application.add.read", call)
    return _page(
        request,
        "application_form.html",
        call.contract,
        {"call": call, "form": form, "title": _("Enregistrer un projet reçu")},
    )


def application_decide_view(request: AncrageRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    application = get_object_or_404(
        Application.objects.select_related("call__contract", "organisation", "action"), pk=pk
    )
    call = application.call
    contract = call.contract
    form = DecisionForm(request.POST or None, contract=contract, initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                application_decide(
                    application,
                    decision=data["decision"],
                    decided_on=data["decided_on"],
                    expected_version=data["version"],
                    axis=data["axis"],
                )
                _write(
                    request,
                    AuditAction.UPDATE,
                    "application.decide",
                    application,
                    decision=application.decision,
                    action=application.action_id,
                )
                if application.action_id:
                    _write(
                        request,
                        AuditAction.CREATE,
                        "action.create",
                        application.action,
                        contract=contract.pk,
                        application=application.pk,
                    )
        except ConcurrentEditError as error:
            _conflict(request, form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if application.action_id:
                messages.success(
                    request, _("Le projet est retenu : sa fiche action est créée, complétez-la ci-dessous.")
                )
                return redirect("steering:action_edit", pk=application.action_id)
            messages.success(request, _("Le projet est enregistré comme non retenu."))
            return redirect("steering:call_detail", pk=call.pk)
        application.refresh_from_db()
    _read(request, "application.decide.read", application)
    return _page(
        request,
        "application_decide.html",
        contract,
        {"call": call, "application": application, "form": form, "title": _("Décider du projet")},
    )
