"""Writes to employers, opportunities, placements and their follow-up.

Each service owns its transaction and its audit event, and raises ``ValidationError`` with French
messages; ``PlacementConflict`` (a ``ValidationError``) when an action is not possible from the current
state or somebody acted first (the API answers 409).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import ConcurrentEditError, save_versioned
from ancrage.core.dates import add_months
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person, Situation, SituationDomain

from . import matching
from .models import (
    FOLLOW_UP_MONTHS,
    PLACEMENT_TRANSITIONS,
    ContractType,
    Employer,
    FollowUp,
    NotRetainedReason,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Placement,
    PlacementStatus,
    PlacementTransition,
    TrainingType,
)


class PlacementConflict(ValidationError):
    """Not possible from the current state, or somebody else acted first (answered 409 by the API)."""


# name -> (allowed sources, target)
OPPORTUNITY_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "fill": (frozenset({OpportunityStatus.OPEN}), OpportunityStatus.FILLED),
    "close": (frozenset({OpportunityStatus.OPEN, OpportunityStatus.FILLED}), OpportunityStatus.CLOSED),
    "reopen": (frozenset({OpportunityStatus.FILLED, OpportunityStatus.CLOSED}), OpportunityStatus.OPEN),
}


def _today() -> dt.date:
    return timezone.localdate()


# --- employers and opportunities -----------------------------------------------------------------


@transaction.atomic
def employer_save(*, actor: Actor, employer: Employer, expected_version: int | None = None) -> Employer:
    """Create (for the actor's organisation) or update an employer; the SIRET is checked and unique."""
    created = employer.pk is None
    if created:
        if not perms.can_manage_opportunities(actor):
            raise PermissionDenied
        employer.organisation_id = actor.org_id
    elif not perms.can_edit_opportunity(actor, employer):
        raise PermissionDenied
    employer.siret = (employer.siret or "").replace(" ", "")
    employer.full_clean()  # SIRET format and key, and the uniqueness constraint, with their messages
    try:
        with transaction.atomic():
            if created:
                employer.save()
            else:
                save_versioned(employer, expected_version=expected_version or employer.version)
    except IntegrityError as error:
        raise ValidationError({"siret": _("Un employeur avec ce SIRET existe déjà.")}) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        event="employer.create" if created else "employer.update",
        obj=employer,
    )
    return employer


def _check_opportunity(opportunity: Opportunity) -> None:
    errors: dict[str, Any] = {}
    if opportunity.kind in {OpportunityKind.JOB, OpportunityKind.IAE}:
        if not opportunity.appellation_id:
            errors["appellation"] = _("Indiquez le métier (ROME) de l'offre.")
        if not opportunity.contract_type:
            errors["contract_type"] = _("Indiquez le type de contrat.")
    elif opportunity.kind == OpportunityKind.TRAINING and not opportunity.training_type:
        errors["training_type"] = _("Indiquez le type de formation.")
    if opportunity.start_date and opportunity.end_date and opportunity.end_date < opportunity.start_date:
        errors["end_date"] = _("La fin ne peut pas précéder le début.")
    if opportunity.seats is None or opportunity.seats < 1:
        errors["seats"] = _("Indiquez au moins une place.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opportunity_save(*, actor: Actor, opportunity: Opportunity, expected_version: int | None = None) -> Opportunity:
    """Create (published by the actor's organisation) or update an opportunity."""
    created = opportunity.pk is None
    if created:
        if not perms.can_manage_opportunities(actor):
            raise PermissionDenied
        opportunity.organisation_id = actor.org_id
        opportunity.status = OpportunityStatus.OPEN
        opportunity.opened_on = opportunity.opened_on or _today()
    elif not perms.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    _check_opportunity(opportunity)
    opportunity.full_clean()
    if created:
        opportunity.save()
    else:
        save_versioned(opportunity, expected_version=expected_version or opportunity.version)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        event="opportunity.create" if created else "opportunity.update",
        obj=opportunity,
    )
    return opportunity


@transaction.atomic
def opportunity_transition(*, actor: Actor, opportunity: Opportunity, name: str, expected_version: int) -> Opportunity:
    """Fill, close or reopen an opportunity (the publishing organisation only)."""
    if name not in OPPORTUNITY_TRANSITIONS:
        raise PlacementConflict(_("Cette action n'existe pas."))
    if not perms.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    sources, target = OPPORTUNITY_TRANSITIONS[name]
    if opportunity.status not in sources:
        raise PlacementConflict(
            _("Impossible : l'offre est « %(status)s ».") % {"status": opportunity.get_status_display()}
        )
    today = _today()
    changes: dict[str, Any] = {
        "status": target,
        "filled_on": today if target == OpportunityStatus.FILLED else None,
        "closed_on": today if target == OpportunityStatus.CLOSED else None,
    }
    if target == OpportunityStatus.OPEN:
        changes["opened_on"] = today
    updated = Opportunity.objects.filter(pk=opportunity.pk, status=opportunity.status, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now(), **changes
    )
    if not updated:
        raise PlacementConflict(_("Quelqu'un a modifié cette offre entre-temps : rechargez la page."))
    previous = opportunity.status
    opportunity.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event=f"opportunity.{name}",
        obj=opportunity,
        details={"from": previous, "to": target},
    )
    return opportunity


# --- placements ----------------------------------------------------------------------------------


def reasons_snapshot(match: matching.Match) -> list[dict[str, str]]:
    return [{"code": r.code, "label": str(r.label), "kind": r.kind} for r in match.reasons]


@transaction.atomic
def placement_propose(*, actor: Actor, person: Person, opportunity: Opportunity) -> Placement:
    """Propose a person for an open opportunity, with the match explained at that moment."""
    if not perms.can_edit_employment(actor, person.pk):
        raise PermissionDenied
    status = Opportunity.objects.select_for_update().filter(pk=opportunity.pk).values_list("status", flat=True).first()
    if status != OpportunityStatus.OPEN:
        raise PlacementConflict(_("Cette offre est pourvue ou fermée : impossible d'y proposer quelqu'un."))
    if Placement.objects.filter(
        person_id=person.pk,
        opportunity_id=opportunity.pk,
        status__in=[PlacementStatus.PROPOSED, PlacementStatus.INTERVIEW],
    ).exists():
        raise ValidationError(_("Cette personne est déjà proposée sur cette opportunité."))
    match = matching.match_pair(person.pk, opportunity)
    placement = Placement(
        person=person,
        opportunity=opportunity,
        pathway=person.pathways.open().filter(operator_id=actor.org_id).first(),
        organisation_id=actor.org_id,
        proposed_by=actor.user,
        proposed_on=_today(),
        match_score=match.score,
        match_reasons=reasons_snapshot(match),
    )
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as error:  # a concurrent proposal of the same person
        raise ValidationError(_("Cette personne est déjà proposée sur cette opportunité.")) from error
    PlacementTransition.objects.create(
        placement=placement, name="propose", to_status=PlacementStatus.PROPOSED, by=actor.user
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="placement.propose",
        person_id=person.pk,
        obj=placement,
        details={"opportunity": opportunity.pk, "score": match.score},
    )
    return placement


def situation_for(placement: Placement) -> tuple[str, str]:
    """(domain, status) of the situation a hiring opens in the person's history."""
    opportunity = placement.opportunity
    if opportunity.kind == OpportunityKind.TRAINING:
        if opportunity.training_type == TrainingType.WORK_FRENCH:
            return SituationDomain.LANGUAGE, "work_french"
        return SituationDomain.TRAINING, opportunity.training_type
    if placement.contract_type == ContractType.QUALIFYING_TRAINING:
        return SituationDomain.TRAINING, "qualifying"
    return SituationDomain.EMPLOYMENT, placement.contract_type


def _open_situation(person_id: int, domain: str, status: str, start: dt.date, details: str) -> None:
    """End the open situation of the domain the day before ``start`` and open the new one."""
    for current in Situation.objects.filter(person_id=person_id, domain=domain, end_date__isnull=True):
        if current.start_date >= start:
            if current.status == status:
                return  # already recorded
            current.end_date = current.start_date
        else:
            current.end_date = start - dt.timedelta(days=1)
        current.save(update_fields=["end_date", "updated_at"])
    situation = Situation(person_id=person_id, domain=domain, status=status, start_date=start, details=details[:255])
    situation.full_clean()
    situation.save()


def _check_transition_data(placement: Placement, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The fields a transition writes, or a ValidationError naming each bad one."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    today = _today()
    if name == "schedule_interview":
        interview_on = data.get("interview_on")
        if interview_on is None:
            errors["interview_on"] = _("Indiquez la date de l'entretien.")
        elif interview_on < placement.proposed_on:
            errors["interview_on"] = _("L'entretien ne peut pas précéder la proposition (%(date)s).") % {
                "date": placement.proposed_on.strftime("%d/%m/%Y")
            }
        changes["interview_on"] = interview_on
    elif name == "hire":
        contract_type = data.get("contract_type") or ""
        start, end, hours = data.get("contract_start"), data.get("contract_end"), data.get("hours_per_week")
        if contract_type not in ContractType.values:
            errors["contract_type"] = _("Choisissez le type de contrat.")
        if start is None:
            errors["contract_start"] = _("Indiquez la date de début du contrat ou de la formation.")
        elif start < placement.proposed_on:
            errors["contract_start"] = _("Le début ne peut pas précéder la proposition (%(date)s).") % {
                "date": placement.proposed_on.strftime("%d/%m/%Y")
            }
        if end is not None and start is not None and end < start:
            errors["contract_end"] = _("La fin ne peut pas précéder le début.")
        if hours is not None and not (1 <= hours <= 48):
            errors["hours_per_week"] = _("Entre 1 et 48 heures par semaine.")
        changes |= {
            "contract_type": contract_type,
            "contract_start": start,
            "contract_end": end,
            "hours_per_week": hours,
            "decided_on": today,
        }
    elif name == "not_retained":
        reason = data.get("not_retained_reason") or ""
        if reason not in NotRetainedReason.values:
            errors["not_retained_reason"] = _("Choisissez le motif.")
        changes |= {
            "not_retained_reason": reason,
            "not_retained_detail": (data.get("not_retained_detail") or "")[:500],
            "decided_on": today,
        }
    elif name == "withdraw":
        changes["decided_on"] = today
    if errors:
        raise ValidationError(errors)
    return changes


@transaction.atomic
def placement_transition(
    *, actor: Actor, placement: Placement, name: str, expected_version: int, **data: Any
) -> Placement:
    """Fire a named transition of ``PLACEMENT_TRANSITIONS``.

    The update is conditional on (pk, status, version): of two agents acting on the same version, one
    wins and the other gets ``PlacementConflict``. Hiring creates the follow-ups, updates the situation
    history and marks the opportunity filled once its seats are taken.
    """
    if name not in PLACEMENT_TRANSITIONS:
        raise PlacementConflict(_("Cette action n'existe pas."))
    if not perms.can_edit_employment(actor, placement.person_id):
        raise PermissionDenied
    sources, target = PLACEMENT_TRANSITIONS[name]
    if placement.status not in sources:
        raise PlacementConflict(
            _("Impossible : la mise en relation est « %(status)s ».") % {"status": placement.get_status_display()}
        )
    changes = _check_transition_data(placement, name, data)
    previous = placement.status
    updated = Placement.objects.filter(pk=placement.pk, status=previous, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now(), status=target, **changes
    )
    if not updated:
        raise PlacementConflict(_("Quelqu'un a déjà fait avancer cette mise en relation : rechargez la page."))
    placement.refresh_from_db()
    PlacementTransition.objects.create(
        placement=placement,
        name=name,
        from_status=previous,
        to_status=target,
        by=actor.user,
        reason=str(data.get("reason") or data.get("not_retained_detail") or "")[:500],
    )
    if name == "hire":
        _after_hire(placement)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event=f"placement.{name}",
        person_id=placement.person_id,
        obj=placement,
        details={"from": previous, "to": target},
    )
    return placement


def _after_hire(placement: Placement) -> None:
    start = placement.contract_start
    assert start is not None  # checked before the update
    FollowUp.objects.bulk_create(
        [FollowUp(placement=placement, month=m, due_on=add_months(start, m)) for m in FOLLOW_UP_MONTHS]
    )
    opportunity = placement.opportunity
    domain, status = situation_for(placement)
    _open_situation(placement.person_id, domain, status, start, opportunity.title)
    hired = Placement.objects.filter(opportunity_id=opportunity.pk, status=PlacementStatus.HIRED).count()
    if hired >= opportunity.seats:
        Opportunity.objects.filter(pk=opportunity.pk, status=OpportunityStatus.OPEN).update(
            status=OpportunityStatus.FILLED,
            filled_on=_today(),
            version=opportunity.version + 1,
            updated_at=timezone.now(),
        )


@transaction.atomic
def followup_record(
    *, actor: Actor, follow_up: FollowUp, done_on: dt.date | None, still_in_post: bool | None, note: str = ""
) -> FollowUp:
    """Record a check-in; when the person is no longer in post, the situation opened at hiring ends."""
    placement = follow_up.placement
    if not perms.can_edit_employment(actor, placement.person_id):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if done_on is None:
        errors["done_on"] = _("Indiquez la date du suivi.")
    elif placement.contract_start and done_on < placement.contract_start:
        errors["done_on"] = _("Le suivi ne peut pas précéder le début du contrat (%(date)s).") % {
            "date": placement.contract_start.strftime("%d/%m/%Y")
        }
    elif done_on > _today():
        errors["done_on"] = _("Le suivi ne peut pas être daté dans le futur.")
    if still_in_post is None:
        errors["still_in_post"] = _("Indiquez si la personne est toujours en poste ou en formation.")
    if errors:
        raise ValidationError(errors)
    assert done_on is not None
    follow_up.done_on, follow_up.still_in_post, follow_up.note = done_on, still_in_post, (note or "")[:1000]
    follow_up.full_clean()
    follow_up.save()
    if not still_in_post:
        domain, status = situation_for(placement)
        for situation in Situation.objects.filter(
            person_id=placement.person_id, domain=domain, status=status, end_date__isnull=True, start_date__lte=done_on
        ):
            situation.end_date = done_on
            situation.save(update_fields=["end_date", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        event="placement.follow_up",
        person_id=placement.person_id,
        obj=placement,
        details={"month": follow_up.month, "still_in_post": still_in_post},
    )
    return follow_up


__all__ = [
    "OPPORTUNITY_TRANSITIONS",
    "ConcurrentEditError",
    "PlacementConflict",
    "employer_save",
    "followup_record",
    "opportunity_save",
    "opportunity_transition",
    "placement_propose",
    "placement_transition",
    "situation_for",
]
