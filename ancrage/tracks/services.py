"""Writing the tracks: requests, offers, coverage, files and steps around a person.

Each write checks access (the item's section must be visible: 404 otherwise, as a missing record;
the person must be editable by the actor: 403), validates with French messages, saves in one
transaction and appends an audit event naming the person. Versioned records (social-housing request,
health coverage, CAF file, bank account) are written with ``save_versioned``: a stale version raises
``ConcurrentEditError`` and nothing is overwritten.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.access import perms, sections
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.concurrency import save_versioned
from ancrage.core.models import VersionedModel
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person, Situation, SituationDomain

from .models import (
    BankAccount,
    CafFile,
    CivicTraining,
    HealthCoverage,
    HousingOffer,
    LanguageCourse,
    LanguagePrescription,
    MobilityCandidacy,
    SiaoRequest,
    SocialHousingRequest,
    StayExtension,
)

# The section each kind of item belongs to (the table in ``access.sections``); the tracks write
# housing situations only.
ITEM_SECTIONS: dict[type[models.Model], str] = {
    Situation: sections.section_of_situation_domain(SituationDomain.HOUSING),
    **{
        model: sections.section_of_model(model)
        for model in (
            SiaoRequest,
            SocialHousingRequest,
            HousingOffer,
            MobilityCandidacy,
            StayExtension,
            HealthCoverage,
            CafFile,
            BankAccount,
            CivicTraining,
            LanguagePrescription,
            LanguageCourse,
        )
    },
}

# Dates that record something that already happened: never in the future.
PAST_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Situation: ("start_date",),
    SiaoRequest: ("requested_on", "decided_on"),
    SocialHousingRequest: ("requested_on", "last_renewed_on", "closed_on"),
    HousingOffer: ("offered_on", "decided_on"),
    MobilityCandidacy: ("submitted_on", "moved_on"),
    StayExtension: ("granted_on",),
    HealthCoverage: (
        "puma_requested_on",
        "puma_opened_on",
        "css_requested_on",
        "css_opened_on",
        "gp_declared_on",
        "checkup_done_on",
    ),
    CafFile: ("registered_on",),
    BankAccount: ("refused_on", "bdf_requested_on", "designated_on", "opened_on"),
    CivicTraining: ("attended_on",),
    LanguagePrescription: ("prescribed_on",),
}

# (later field, earlier field, message): a date that cannot precede another one.
ORDERED_FIELDS: dict[type[models.Model], list[tuple[str, str, Any]]] = {
    SiaoRequest: [("decided_on", "requested_on", gettext_lazy("La réponse ne peut pas précéder la demande."))],
    SocialHousingRequest: [
        ("last_renewed_on", "requested_on", gettext_lazy("Le renouvellement ne peut pas précéder la demande.")),
        ("closed_on", "requested_on", gettext_lazy("La clôture ne peut pas précéder la demande.")),
    ],
    HousingOffer: [("decided_on", "offered_on", gettext_lazy("La réponse ne peut pas précéder la proposition."))],
    MobilityCandidacy: [
        ("moved_on", "submitted_on", gettext_lazy("L'installation ne peut pas précéder la candidature."))
    ],
    HealthCoverage: [
        (
            "puma_opened_on",
            "puma_requested_on",
            gettext_lazy("L'ouverture de la PUMa ne peut pas précéder la demande."),
        ),
        ("css_opened_on", "css_requested_on", gettext_lazy("L'ouverture de la CSS ne peut pas précéder la demande.")),
        (
            "css_expires_on",
            "css_opened_on",
            gettext_lazy("La fin des droits à la CSS ne peut pas précéder leur ouverture."),
        ),
    ],
    BankAccount: [
        (
            "bdf_requested_on",
            "refused_on",
            gettext_lazy("La saisine de la Banque de France ne peut pas précéder le refus."),
        ),
        ("designated_on", "bdf_requested_on", gettext_lazy("La désignation ne peut pas précéder la saisine.")),
        (
            "opened_on",
            "designated_on",
            gettext_lazy("L'ouverture du compte ne peut pas précéder la désignation de la banque."),
        ),
    ],
    LanguageCourse: [("end_on", "start_on", gettext_lazy("La fin ne peut pas précéder le début."))],
    Situation: [("end_date", "start_date", gettext_lazy("La fin ne peut pas précéder le début."))],
}


def section_of(model: type[models.Model]) -> str:
    return ITEM_SECTIONS[model]


def require_edit(actor: Actor, person_id: int, section: str) -> None:
    """Editing an item of a track: 404 when its section is not visible (as a missing record), 403 when
    it is visible but the record not editable by the actor."""
    perms.require(perms.can_view_section(actor, person_id, section))
    perms.require(perms.can_edit_person(actor, person_id), visible=True)


def validate_dates(item: models.Model, today: dt.date | None = None) -> None:
    """Past dates and date order, with one French message per field."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    for name in PAST_FIELDS.get(type(item), ()):
        value = getattr(item, name, None)
        if value is not None and value > today:
            errors.setdefault(name, []).append(_("Cette date ne peut pas être dans le futur."))
    for later, earlier, message in ORDERED_FIELDS.get(type(item), []):
        late, early = getattr(item, later, None), getattr(item, earlier, None)
        if late is not None and early is not None and late < early:
            errors.setdefault(later, []).append(str(message))
    if errors:
        raise ValidationError(errors)


def _audit(actor: Actor, person: Person, item: models.Model, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        event=f"{item._meta.model_name}.{action}",
        person_id=person.pk,
        obj=item,
    )


@transaction.atomic
def housing_situation_save(*, actor: Actor, person: Person, situation: Situation) -> Situation:
    """Create or update a housing situation; the periods of the housing history may not overlap."""
    require_edit(actor, person.pk, ITEM_SECTIONS[Situation])
    creating = situation.pk is None
    situation.person = person
    situation.domain = SituationDomain.HOUSING
    validate_dates(situation)
    situation.full_clean()  # refuses an overlapping period (Situation.clean)
    situation.save()
    _audit(actor, person, situation, AuditAction.CREATE if creating else AuditAction.UPDATE)
    return situation


@transaction.atomic
def track_item_save(
    *,
    actor: Actor,
    person: Person,
    item: models.Model,
    expected_version: int | None = None,
    m2m: dict[str, Iterable] | None = None,
) -> models.Model:
    """Create or update one item of a track. Versioned items need ``expected_version`` when updated."""
    model = type(item)
    if model is Situation:
        return housing_situation_save(actor=actor, person=person, situation=item)  # type: ignore[arg-type]
    require_edit(actor, person.pk, section_of(model))
    creating = item.pk is None
    item.person = person  # type: ignore[attr-defined]
    validate_dates(item)
    item.full_clean()
    if isinstance(item, VersionedModel) and not creating:
        if expected_version is None:
            raise ValidationError(_("Version manquante : rechargez la page."))
        save_versioned(item, expected_version=expected_version)
    else:
        item.save()
    for name, values in (m2m or {}).items():
        getattr(item, name).set(values)
    _audit(actor, person, item, AuditAction.CREATE if creating else AuditAction.UPDATE)
    return item


@transaction.atomic
def track_item_delete(*, actor: Actor, person: Person, item: models.Model) -> None:
    require_edit(actor, person.pk, section_of(type(item)))
    _audit(actor, person, item, AuditAction.DELETE)
    item.delete()
