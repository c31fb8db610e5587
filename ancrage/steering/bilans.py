"""The carrier's side of the contract: qualitative bilans, their documents, and participations it records.

A *fiche action*'s carrier (its référents and admins, ``perms.carries_action``) writes one bilan per
year of the contract (text and documents, never personal data) and records who takes part in its
action. Coordinators read the bilans and download their documents; they never see participants.

Documents follow the referral attachments' rules (``referrals.attachments``): type read from the first
bytes, size capped, random stored name, served only through an access check; every write and every
download is audited.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import ConcurrentEditError, save_versioned
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role
from ancrage.persons.models import Person
from ancrage.referrals.attachments import ACCEPTED_LABEL, _clean_name, check_upload

from .models import Action, BilanAttachment, Participation, ParticipationSource, QualitativeReport
from .services import participation_record

# Documents per bilan (activity report, attendance sheets without names, photos of a workshop...).
BILAN_ATTACHMENTS_MAX = getattr(settings, "BILAN_ATTACHMENTS_MAX", 10)

__all__ = ["ACCEPTED_LABEL", "BILAN_ATTACHMENTS_MAX"]


# --- reads ------------------------------------------------------------------------------------------------


def may_carry_actions(actor: Actor) -> bool:
    """The roles ``perms.carries_action`` lets report on their organisation's actions."""
    return actor.organisation_id is not None and actor.has_role(Role.REFERENT, Role.ORG_ADMIN)


def actions_carried_by(actor: Actor) -> QuerySet[Action]:
    """The *fiches action* of every contract carried by the actor's organisation (none for other roles)."""
    if not may_carry_actions(actor):
        return Action.objects.none()
    return Action.objects.filter(carrier_id=actor.organisation_id)


def carries_any_action(actor: Actor) -> bool:
    """Whether the actor's organisation carries at least one action (memoised for the request)."""
    if not may_carry_actions(actor):
        return False
    if "carries_any_action" not in actor.cache:
        actor.cache["carries_any_action"] = actions_carried_by(actor).exists()
    return actor.cache["carries_any_action"]


def contract_years(action: Action) -> list[int]:
    """The years a bilan may be written for: those of the action's contract, amendments included."""
    contract = action.contract
    return list(range(contract.starts_on.year, contract.effective_ends_on.year + 1))


def action_bounds(action: Action) -> tuple[dt.date, dt.date]:
    """The dates a participation must fall within: the action's, else its contract's."""
    contract = action.contract
    return action.starts_on or contract.starts_on, action.ends_on or contract.effective_ends_on


def active_in_year(year: int) -> Q:
    """Participations running at some point of ``year``."""
    return Q(starts_on__lte=dt.date(year, 12, 31)) & (Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date(year, 1, 1)))


@dataclass(frozen=True)
class ParticipationCounts:
    total: int
    persons: int
    in_year: int


def participation_counts(actions: list[Action], years: dict[int, int]) -> dict[int, ParticipationCounts]:
    """Per action: participations, distinct persons, and participations running in the action's year
    (``years``: action pk -> year). One query per distinct year, plus one for the totals."""
    ids = [action.pk for action in actions]
    totals = {
        row["action_id"]: row
        for row in Participation.objects.filter(action_id__in=ids)
        .values("action_id")
        .annotate(total=Count("pk"), persons=Count("person_id", distinct=True))
        .order_by()
    }
    in_year: dict[int, int] = {}
    for year in sorted(set(years.values())):
        wanted = [pk for pk in ids if years.get(pk) == year]
        rows = (
            Participation.objects.filter(active_in_year(year), action_id__in=wanted)
            .values("action_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        in_year.update({row["action_id"]: row["n"] for row in rows})
    return {
        pk: ParticipationCounts(
            total=totals.get(pk, {}).get("total", 0),
            persons=totals.get(pk, {}).get("persons", 0),
            in_year=in_year.get(pk, 0),
        )
        for pk in ids
    }


def _person_visible(actor: Actor) -> Exists:
    return Exists(Person.objects.filter(perms.visible_persons_filter(actor), pk=OuterRef("person_id")))


def participations_visible_to(actor: Actor, action: Action) -> QuerySet[Participation]:
    """The action's participations of persons the actor may open (``perms.visible_persons_filter``)."""
    return action.participations.filter(_person_visible(actor))


def hidden_participations_count(actor: Actor, action: Action) -> int:
    """How many of the action's participations concern persons the actor may not open: counted, not named."""
    return action.participations.filter(~_person_visible(actor)).count()


def removal_refusal(participation: Participation) -> str:
    """Why the carrier cannot remove a participation here ("" when it can)."""
    if participation.source == ParticipationSource.PATHWAY:
        return _(
            "Issue d'un parcours d'accompagnement : elle suit le parcours et ne se retire pas ici "
            "(corrigez le parcours si besoin)."
        )
    if participation.source == ParticipationSource.REFERRAL:
        return _(
            "Issue d'une orientation acceptée : elle suit l'orientation et ne se retire pas ici "
            "(corrigez l'orientation si besoin)."
        )
    return ""


# --- bilans ----------------------------------------------------------------------------------------------


def _check_year(action: Action, year: int) -> None:
    if year not in contract_years(action):
        raise ValidationError({"year": _("Cette année n'est pas couverte par le contrat.")})


def bilan_save(
    *, actor: Actor, action: Action, year: int, text: str, expected_version: int | None = None
) -> QualitativeReport:
    """Write (``expected_version`` None) or rewrite the bilan of ``year``. A bilan written or changed by
    someone else meanwhile is refused (``ConcurrentEditError``), never overwritten."""
    if not perms.can_write_bilan(actor, action):
        raise PermissionDenied
    _check_year(action, year)
    with transaction.atomic():
        report = QualitativeReport.objects.select_for_update().filter(action=action, year=year).first()
        if report is None:
            if expected_version is not None:  # the bilan the editor started from was removed
                raise ValidationError(_("Ce bilan n'existe plus : rechargez la page."))
            report = QualitativeReport(action=action, year=year, text=text, written_by=actor.user)
            report.full_clean()
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError as error:  # written at the same moment by a colleague
                raise ConcurrentEditError(QualitativeReport.objects.get(action=action, year=year)) from error
            event, audit_action = "steering.bilan.create", AuditAction.CREATE
        else:
            if expected_version is None:  # a colleague wrote it while this editor started a new one
                raise ConcurrentEditError(report)
            report.text = text
            report.written_by = actor.user
            report.full_clean()
            save_versioned(report, expected_version=expected_version)
            event, audit_action = "steering.bilan.update", AuditAction.UPDATE
        audit_record(
            actor=actor,
            action=audit_action,
            event=event,
            obj=report,
            details={"action": action.pk, "year": year, "version": report.version, "length": len(text)},
        )
    return report


def bilan_attachment_add(*, actor: Actor, report: QualitativeReport, upload: UploadedFile) -> BilanAttachment:
    """Join a document to a bilan: PDF, JPEG or PNG read from its first bytes, size capped (as referrals)."""
    if not perms.can_write_bilan(actor, report.action):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the bilan so two uploads at once cannot pass the count together.
        QualitativeReport.objects.select_for_update().filter(pk=report.pk).first()
        if report.attachments.count() >= BILAN_ATTACHMENTS_MAX:
            raise ValidationError(
                _("Ce bilan a déjà %(max)s pièces jointes : retirez-en une avant d'en ajouter.")
                % {"max": BILAN_ATTACHMENTS_MAX}
            )
        file_type = check_upload(upload)
        name = _clean_name(upload.name or "", file_type)
        attachment = BilanAttachment(
            report=report,
            original_name=name,
            content_type=file_type.content_type,
            size=upload.size or 0,
            uploaded_by=actor.user,
        )
        # The stored name is random: the original one is only shown and given back on download.
        attachment.file.save(f"{uuid.uuid4().hex}{file_type.extension}", upload, save=False)
        stored = attachment.file.name
        try:
            attachment.save()
        except Exception:
            default_storage.delete(stored)
            raise
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            event="steering.bilan.attachment.add",
            obj=report,
            details={"attachment": attachment.pk, "name": name, "size": attachment.size},
        )
    return attachment


def bilan_attachment_delete(*, actor: Actor, attachment: BilanAttachment) -> None:
    """The carrier removes a document of its bilan (the file goes once the removal is committed)."""
    report = attachment.report
    if not perms.can_write_bilan(actor, report.action):
        raise PermissionDenied
    stored = attachment.file.name
    details = {"attachment": attachment.pk, "name": attachment.original_name}
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: default_storage.delete(stored))
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            event="steering.bilan.attachment.delete",
            obj=report,
            details=details,
        )


def bilan_attachment_for_download(
    *, actor: Actor, action: Action, report_pk: int, attachment_pk: int
) -> BilanAttachment:
    """The document, once ``perms.can_view_bilan`` allows it (404 otherwise), audited as an export."""
    if not perms.can_view_bilan(actor, action):
        raise Http404
    attachment = (
        BilanAttachment.objects.select_related("report")
        .filter(pk=attachment_pk, report_id=report_pk, report__action=action)
        .first()
    )
    if attachment is None:
        raise Http404
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        event="steering.bilan.attachment.read",
        obj=attachment.report,
        details={"attachment": attachment.pk, "name": attachment.original_name, "action": action.pk},
    )
    return attachment


def bilan_attachment_response(attachment: BilanAttachment) -> FileResponse:
    """Always a download (never rendered inline), never cached, never type-sniffed by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- participations ----------------------------------------------------------------------------------------


def check_participation_dates(action: Action, starts_on: dt.date, ends_on: dt.date | None) -> None:
    """Within the action's dates (else its contract's), the end not before the start (French messages)."""
    first, last = action_bounds(action)
    errors: dict[str, str] = {}
    if starts_on < first:
        errors["starts_on"] = _("La participation ne peut pas commencer avant le %(date)s (début de l'action).") % {
            "date": date_format(first, "SHORT_DATE_FORMAT")
        }
    elif starts_on > last:
        errors["starts_on"] = _("La participation ne peut pas commencer après le %(date)s (fin de l'action).") % {
            "date": date_format(last, "SHORT_DATE_FORMAT")
        }
    if ends_on is not None:
        if ends_on < starts_on:
            errors["ends_on"] = _("La fin ne peut pas précéder le début.")
        elif ends_on > last:
            errors["ends_on"] = _("La participation ne peut pas finir après le %(date)s (fin de l'action).") % {
                "date": date_format(last, "SHORT_DATE_FORMAT")
            }
    if errors:
        raise ValidationError(errors)


def participation_add(
    *, actor: Actor, action: Action, person: Person, starts_on: dt.date, ends_on: dt.date | None = None
) -> Participation:
    """The carrier records that a person it can see takes part in its action (source « saisie par le
    porteur »). The same person, action and start date twice is refused, not merged."""
    if not perms.can_record_participation(actor, action, person.pk):
        raise PermissionDenied
    check_participation_dates(action, starts_on, ends_on)
    duplicate = _("Cette participation est déjà enregistrée.")
    if Participation.objects.filter(person=person, action=action, starts_on=starts_on).exists():
        raise ValidationError(duplicate)
    try:
        with transaction.atomic():
            participation, created = participation_record(
                person=person,
                action=action,
                starts_on=starts_on,
                ends_on=ends_on,
                source=ParticipationSource.CARRIER,
                organisation=actor.org,
            )
            if not created:  # recorded by a colleague between the check and the write
                raise ValidationError(duplicate)
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                event="steering.participation.add",
                person_id=person.pk,
                obj=participation,
                details={"action": action.pk, "starts_on": starts_on.isoformat()},
            )
    except IntegrityError as error:
        raise ValidationError(duplicate) from error
    return participation


def participation_remove(*, actor: Actor, participation: Participation) -> None:
    """Only participations the carrier typed in are removed here; those coming from a pathway or a
    referral follow their source (``removal_refusal`` says why)."""
    if not perms.can_record_participation(actor, participation.action, participation.person_id):
        raise PermissionDenied
    refusal = removal_refusal(participation)
    if refusal:
        raise ValidationError(refusal)
    details = {
        "action": participation.action_id,
        "participation": participation.pk,
        "starts_on": participation.starts_on.isoformat(),
    }
    with transaction.atomic():
        participation.delete()
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            event="steering.participation.delete",
            person_id=participation.person_id,
            obj=participation.action,
            details=details,
        )
