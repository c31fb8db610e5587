"""Writing many checked lines at once: what ``person_create``, ``pathway_create`` and ``record_item_save``
write for each line, in a few bulk queries per chunk.

Going through the services line by line costs about 65 ms a line on SQLite (some forty queries, the
deadline recomputation on every save): 50,000 lines would take close to an hour. The import checks the
permission once (``perms.can_import_persons``: the services' own check), ``full_clean``-s every object
of every line before (``pipeline.parse_line``), then writes here the same rows — persons with their
search keys, identities, items, the pathway with its transition and access grant — with their field
history and their audit events (``person.create``, naming the items created with the person, and
``pathway.create``), through ``core.inserts.insert_many`` (``bulk_create_with_history`` without the
ORM's cost per value: an import of 50,000 lines writes some 850,000 rows). Bulk writes send no
signals: as ``deadlines.signals`` asks of bulk writers, the deadlines and the contract's participations
of the new persons are recomputed here for the chunk. The caller runs this in a savepoint and falls
back to the services line by line if anything fails, so that a failing line rolls back alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from ancrage.access import perms
from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS
from ancrage.audit import context
from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.core.inserts import insert_many
from ancrage.core.text import search_keys
from ancrage.organisations.actor import Actor
from ancrage.pathways.models import Pathway, PathwayStatus, PathwayTransition
from ancrage.persons import models as pm

from .pipeline import ParsedLine


def _event(actor: Actor, event: str, person_id: int, obj: models.Model, details: dict | None = None) -> AuditEvent:
    ctx = context.current()
    return AuditEvent(
        details=details or {},
        user=actor.user,
        organisation_id=actor.organisation_id,
        action=AuditAction.CREATE,
        event=event,
        person_id=person_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        channel=ctx.channel,
        ip=ctx.ip,
    )


def write_lines(actor: Actor, lines: list[ParsedLine]) -> dict[int, int]:
    """Create the persons of ``lines`` (already checked); returns {line: person id}."""
    if not perms.can_import_persons(actor):
        raise PermissionDenied
    organisation_id = actor.org_id
    user = actor.user
    now = timezone.now()
    persons: list[pm.Person] = []
    identities: list[list[pm.Identity]] = []
    for p in lines:
        reference = pm.Identity(**p.identity, is_reference=True, source=pm.IdentitySource.DECLARED)
        own = [reference]
        if p.other_identity:
            own.append(pm.Identity(**p.other_identity, source=pm.IdentitySource.DECLARED))
        person = pm.Person(created_by_organisation_id=organisation_id, **p.person)
        person.search_folded, person.search_skeleton = search_keys(
            *[name for identity in own for name in (identity.last_name, identity.first_names)]
        )
        person.display_name = reference.full_name
        persons.append(person)
        identities.append(own)
    insert_many(persons, history=True, history_user=user, now=now)

    all_identities = []
    for person, own in zip(persons, identities, strict=True):
        for identity in own:
            identity.person_id = person.pk
            all_identities.append(identity)
    insert_many(all_identities, history=True, history_user=user, now=now)

    pathways = [
        Pathway(
            person_id=person.pk,
            programme=p.programme,
            operator_id=organisation_id,
            referent_id=p.referent_id,
            entry_date=p.entry_date or timezone.localdate(),
        )
        for p, person in zip(lines, persons, strict=True)
    ]
    insert_many(pathways, history=True, history_user=user, now=now)
    insert_many(
        [
            PathwayTransition(
                pathway_id=pw.pk, name="orient", from_status="", to_status=PathwayStatus.ORIENTED, by_id=user.pk
            )
            for pw in pathways
        ],
        now=now,
    )
    sections = sorted(ALL_SECTIONS)
    insert_many(
        [
            AccessGrant(
                person_id=pw.person_id,
                organisation_id=organisation_id,
                sections=sections,
                origin=GrantOrigin.PATHWAY,
                pathway_id=pw.pk,
                created_by_id=user.pk,
            )
            for pw in pathways
        ],
        now=now,
    )
    actor.cache.pop("grants", None)
    items: dict[int, dict[str, list[int]]] = {person.pk: {} for person in persons}
    for identity in all_identities:
        if not identity.is_reference:
            items[identity.person_id].setdefault("identity", []).append(identity.pk)

    nationalities, languages = [], []
    protections, assessments, situations = [], [], []
    for p, person in zip(lines, persons, strict=True):
        if p.nationality:
            nationalities.append(pm.Nationality(person_id=person.pk, code=p.nationality))
        languages += [pm.PersonLanguage(person_id=person.pk, code=code) for code in p.languages]
        if p.protection:
            protections.append(pm.Protection(person_id=person.pk, **p.protection))
        if p.french:
            assessments.append(pm.FrenchAssessment(person_id=person.pk, **p.french))
        if p.housing:
            situations.append(pm.Situation(person_id=person.pk, **p.housing))
    insert_many(nationalities, now=now)
    insert_many(languages, now=now)
    insert_many(protections, history=True, history_user=user, now=now)
    insert_many(assessments, history=True, history_user=user, now=now)
    write_situations(situations, user, now)
    created: list[models.Model] = [*nationalities, *languages, *protections, *assessments, *situations]
    for row in created:
        items[row.person_id].setdefault(str(row._meta.model_name), []).append(row.pk)  # type: ignore[attr-defined]
    # One ``person.create`` event per person naming the items created with it (instead of one event per
    # item as ``record_item_save`` writes: a quarter of the rows of an import), and ``pathway.create``.
    events = [
        _event(actor, "person.create", person.pk, person, {"import": True, "items": items[person.pk]})
        for person in persons
    ]
    events += [_event(actor, "pathway.create", pw.person_id, pw) for pw in pathways]
    insert_many(events, now=now)

    ids = [person.pk for person in persons]
    _recompute(ids)
    return {p.line: person.pk for p, person in zip(lines, persons, strict=True)}


def write_situations(situations: list[pm.Situation], user, now) -> None:
    """The last rows of a line (kept apart so that tests can make it fail)."""
    insert_many(situations, history=True, history_user=user, now=now)


def _recompute(person_ids: list[int]) -> None:
    """What the deadline and steering signals do on a save, for the chunk's persons at once."""
    from ancrage.deadlines.engine import recompute_persons
    from ancrage.steering.participation import sync_participations

    recompute_persons(person_ids)
    sync_participations(person_ids=person_ids)
