"""Writes on the contract, its actions, budget lines, participations and calls for projects.

Every write validates fully (``full_clean``: French messages) inside a transaction, so bad input is
refused whole; edits of versioned records go through ``core.concurrency.save_versioned``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.core.concurrency import save_versioned
from ancrage.organisations.models import Organisation
from ancrage.persons.models import Person

from .models import (
    Action,
    ActionStatus,
    Amendment,
    Application,
    BudgetLine,
    CallForProjects,
    CoFunder,
    Contract,
    ContractYear,
    Decision,
    Participation,
    ParticipationSource,
    PriorityAxis,
)

# The five priorities of the Rennes contract (9 December 2020), the default axes of a new contract.
DEFAULT_AXES = [
    gettext_lazy("Renforcer le pilotage de la politique d'intégration à l'échelon local"),
    gettext_lazy("Engager chaque réfugié dans un parcours d'intégration"),
    gettext_lazy("Améliorer l'accès à la formation, linguistique et professionnelle, et à l'emploi des réfugiés"),
    gettext_lazy("Garantir l'accès au logement"),
    gettext_lazy("Améliorer l'accès aux soins"),
]

AMOUNT_FIELDS = ("requested", "granted", "committed", "paid")


def contract_create(
    *,
    territory,
    title: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    signatories: str = "",
    axes: list[str] | None = None,
) -> Contract:
    """A contract with its years and its priority axes (the five of the Rennes contract by default)."""
    contract = Contract(
        territory=territory,
        title=title,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        signatories=signatories,
    )
    contract.full_clean()
    with transaction.atomic():
        contract.save()
        ContractYear.objects.bulk_create(
            ContractYear(contract=contract, year=year) for year in range(starts_on.year, ends_on.year + 1)
        )
        titles = axes if axes is not None else [str(t) for t in DEFAULT_AXES]
        PriorityAxis.objects.bulk_create(
            PriorityAxis(contract=contract, number=number, title=title) for number, title in enumerate(titles, 1)
        )
    return contract


def action_save(action: Action, *, expected_version: int | None = None) -> Action:
    """Create (``expected_version`` None) or update a *fiche action*, validated; the carrier's SIRET
    defaults to the carrier organisation's."""
    if not action.carrier_siret and action.carrier_id:
        action.carrier_siret = action.carrier.siret
    action.full_clean()
    if action.pk is None:
        action.save()
        return action
    if expected_version is None:
        raise ValueError("expected_version is required to update an action")
    return save_versioned(action, expected_version=expected_version)


def _check_year(line: BudgetLine) -> None:
    contract = line.action.contract
    if line.year is not None and not (contract.starts_on.year <= line.year <= contract.effective_ends_on.year):
        raise ValidationError({"year": _("Cette année n'est pas couverte par le contrat.")})


def budget_line_save(line: BudgetLine, *, expected_version: int | None = None) -> BudgetLine:
    """Create or update a budget line: requested ≥ granted ≥ committed ≥ paid ≥ 0 (French messages);
    the database constraints hold the same rules."""
    for name in AMOUNT_FIELDS:
        value = getattr(line, name)
        if value is None:
            setattr(line, name, Decimal("0"))
    line.full_clean()
    _check_year(line)
    try:
        if line.pk is None:
            with transaction.atomic():
                line.save()
            return line
        if expected_version is None:
            raise ValueError("expected_version is required to update a budget line")
        return save_versioned(line, expected_version=expected_version)
    except IntegrityError as error:  # a concurrent insert of the same action × year × co-funder
        raise ValidationError(_("Ce financeur a déjà une ligne pour cette action et cette année.")) from error


def participation_record(
    *,
    person: Person,
    action: Action,
    starts_on: dt.date,
    source: str,
    ends_on: dt.date | None = None,
    pathway=None,
    referral=None,
    organisation: Organisation | None = None,
) -> tuple[Participation, bool]:
    """Record a person's participation in an action (idempotent on person × action × start date).
    Returns the participation and whether it was created."""
    if source not in ParticipationSource.values:
        raise ValidationError({"source": _("Origine inconnue.")})
    existing = Participation.objects.filter(person=person, action=action, starts_on=starts_on).first()
    if existing is not None:
        if ends_on and existing.ends_on != ends_on:
            existing.ends_on = ends_on
            existing.full_clean()
            existing.save(update_fields=["ends_on", "updated_at"])
        return existing, False
    participation = Participation(
        person=person,
        action=action,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
        pathway=pathway,
        referral=referral,
        recorded_by_organisation=organisation,
    )
    participation.full_clean()
    with transaction.atomic():
        participation.save()
    return participation, True


def application_decide(
    application: Application,
    *,
    decision: str,
    decided_on: dt.date,
    expected_version: int,
    axis: PriorityAxis | None = None,
) -> Application:
    """Decide on an application. Selecting it creates its *fiche action* (status « retenue ») under
    ``axis``; a decision already taken is not changed here."""
    if decision not in (Decision.SELECTED, Decision.REJECTED):
        raise ValidationError({"decision": _("Choisissez « Retenu » ou « Non retenu ».")})
    if application.decision != Decision.PENDING:
        raise ValidationError(_("Une décision a déjà été prise sur ce projet."))
    if decided_on < application.received_on:
        raise ValidationError({"decided_on": _("La décision ne peut pas précéder la réception.")})
    contract = application.call.contract
    with transaction.atomic():
        if decision == Decision.SELECTED:
            if axis is None or axis.contract_id != contract.pk:
                raise ValidationError({"axis": _("Choisissez un axe du contrat pour la fiche action.")})
            action = Action(
                contract=contract,
                axis=axis,
                title=application.title,
                carrier=application.organisation,
                carrier_siret=application.organisation.siret,
                status=ActionStatus.SELECTED,
            )
            action_save(action)
            application.action = action
        application.decision = decision
        application.decided_on = decided_on
        application.full_clean()
        save_versioned(application, expected_version=expected_version)
    return application


# --- totals ---------------------------------------------------------------------------------------------

TOTAL_KEYS = {"axis": "action__axis__number", "co_funder": "co_funder", "year": "year"}


def budget_totals(contract: Contract, by: str, *, year: int | None = None) -> dict[Any, dict[str, Decimal]]:
    """Requested / granted / committed / paid per axis number, co-funder or year, in one aggregate query.
    Every axis (or co-funder) of the contract appears, with zeros when it has no line."""
    key = TOTAL_KEYS[by]
    lines = BudgetLine.objects.filter(action__contract=contract)
    if year is not None:
        lines = lines.filter(year=year)
    zero = Decimal("0")
    rows = lines.values(key).annotate(**{name: Sum(name) for name in AMOUNT_FIELDS}).order_by(key)
    totals = {row[key]: {name: row[name] or zero for name in AMOUNT_FIELDS} for row in rows}
    if by == "co_funder":
        defaults: list[Any] = list(CoFunder.values)
    elif by == "axis":
        defaults = list(contract.axes.values_list("number", flat=True))
    else:
        defaults = list(range(contract.starts_on.year, contract.effective_ends_on.year + 1))
    for item in defaults:
        totals.setdefault(item, dict.fromkeys(AMOUNT_FIELDS, zero))
    return dict(sorted(totals.items(), key=lambda kv: (defaults.index(kv[0]) if kv[0] in defaults else 999, kv[0])))


def budget_grand_total(contract: Contract, *, year: int | None = None) -> dict[str, Decimal]:
    lines = BudgetLine.objects.filter(action__contract=contract)
    if year is not None:
        lines = lines.filter(year=year)
    sums = lines.aggregate(**{name: Sum(name) for name in AMOUNT_FIELDS})
    return {name: sums[name] or Decimal("0") for name in AMOUNT_FIELDS}


# --- contract management (coordinators, from the interface) -----------------------------------------------


def _ensure_years(contract: Contract) -> list[int]:
    """Create the ContractYear rows missing between the start and the (effective) end; returns the years added.
    Years are never removed here: budget lines and targets may refer to them."""
    wanted = set(range(contract.starts_on.year, contract.effective_ends_on.year + 1))
    existing = set(ContractYear.objects.filter(contract=contract).values_list("year", flat=True))
    missing = sorted(wanted - existing)
    ContractYear.objects.bulk_create(ContractYear(contract=contract, year=year) for year in missing)
    return missing


def contract_update(contract: Contract, *, expected_version: int) -> Contract:
    """Save the edited title, dates and signatories of a contract (refused if somebody saved it meanwhile);
    the years a later end opens are added."""
    contract.full_clean()
    with transaction.atomic():
        save_versioned(contract, expected_version=expected_version)
        _ensure_years(contract)
    return contract


def amendment_next_number(contract: Contract) -> int:
    latest = contract.amendments.order_by("-number").values_list("number", flat=True).first()
    return (latest or 0) + 1


def amendment_add(
    *,
    contract: Contract,
    number: int,
    signed_on: dt.date,
    summary: str = "",
    new_end_on: dt.date | None = None,
) -> Amendment:
    """Record an *avenant*; when it moves the end of the contract, the years it opens are created."""
    amendment = Amendment(contract=contract, number=number, signed_on=signed_on, summary=summary, new_end_on=new_end_on)
    if new_end_on is not None and new_end_on <= contract.starts_on:
        raise ValidationError({"new_end_on": _("La nouvelle fin doit être postérieure au début du contrat.")})
    amendment.full_clean()
    try:
        with transaction.atomic():
            amendment.save()
            _ensure_years(contract)
    except IntegrityError as error:  # the same number added concurrently
        raise ValidationError({"number": _("Un avenant porte déjà ce numéro.")}) from error
    return amendment


def call_create(call: CallForProjects) -> CallForProjects:
    """Open a call for projects of a contract year."""
    call.full_clean()
    if call.year is not None and not call.contract.years.filter(year=call.year).exists():
        raise ValidationError({"year": _("Cette année n'est pas couverte par le contrat.")})
    with transaction.atomic():
        call.save()
    return call


def application_add(application: Application) -> Application:
    """Record a project received in answer to a call (pending until decided)."""
    application.decision = Decision.PENDING
    application.decided_on = None
    application.action = None
    application.full_clean()
    with transaction.atomic():
        application.save()
    return application
