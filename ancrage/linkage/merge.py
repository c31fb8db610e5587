"""Merging two records of one person, and undoing it exactly (issue 11 §3).

``person_merge`` re-points every row that belongs to the absorbed record to the kept one. The relations
are discovered through Django's ``_meta`` (every concrete foreign key or one-to-one to ``Person``, in every
installed app), so that a model added later is merged too; only the relations listed in
``HANDLED_OTHERWISE`` are left alone, each with the reason. Simple-history's historical tables and the
append-only ``AuditEvent`` keep the ids they were written with.

Unique constraints are honoured generically. When a row of the absorbed record collides with a row of the
kept record under a unique constraint (the same nationality, a second employment profile, two open AGIR
pathways in the same organisation...), the kept record's row stays; the rows that depend on the absorbed
one (a pathway's notes, transitions, grants...) are re-pointed to it, recursively with the same rule, and
the absorbed row is then serialised into ``PersonMerge.removed`` and deleted. The undo recreates it with
its primary key and re-points everything back, in reverse order.

Deadlines are computed from the record: they are recomputed for both records after the merge and after the
undo (``ancrage.deadlines.engine``); the absorbed record's own rows stay with it, so the undo finds them.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_manager_for_model

from ancrage.access import perms
from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person

from .models import CandidateStatus, DuplicateCandidate, PersonMerge

# Relations to Person that the merge does not re-point, and why ("app_label.Model.field").
HANDLED_OTHERWISE: dict[str, str] = {
    "linkage.PersonMerge.kept": "the merge log itself: it names the records it joined",
    "linkage.PersonMerge.absorbed": "the merge log itself: it names the records it joined",
    "linkage.DuplicateCandidate.person_a": "a pair keeps the records it was scored on; merged records leave the queue",
    "linkage.DuplicateCandidate.person_b": "a pair keeps the records it was scored on; merged records leave the queue",
    "linkage.ClusterMember.person": "clusters are rebuilt by the daily job; a merged record counts nowhere",
    "deadlines.Deadline.person": "recomputed from the record for both records after the merge and after the undo",
}

# Values set on rows as they move, restored by the undo: the absorbed identities become other spellings.
RESETS: dict[str, dict[str, Any]] = {"persons.Identity.person": {"is_reference": False}}

# The kept record's own fields that the absorbed record fills when they are empty (restored by the undo
# unless they were changed since).
FILLABLE_FIELDS = [
    "birth_country",
    "birth_place",
    "phone",
    "email",
    "agdref_number",
    "address",
    "commune",
    "cir_signed_on",
    "cir_ofii_directorate",
    "interpreting_language",
    "household",
]


class MergeRefused(ValidationError):
    """The merge or its undo cannot be done (a French message says why)."""


def _skipped_model(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges) or model.__name__.startswith("Historical") or model is AuditEvent


def _label(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


def _reverse_foreign_keys(model: type[models.Model]) -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete FK / one-to-one pointing at ``model`` (hidden ones and M2M through tables included)."""
    found: list[tuple[type[models.Model], models.Field]] = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or not (rel.one_to_many or rel.one_to_one):
            continue
        related = cast(type[models.Model], rel.related_model)
        if _skipped_model(related):
            continue
        found.append((related, cast(models.Field, rel.field)))
    return sorted(found, key=lambda item: _label(item[0], item[1].name))


def _attname(model: type[models.Model], name: str) -> str:
    return cast(models.Field, model._meta.get_field(name)).attname


def person_relations() -> list[tuple[type[models.Model], models.Field]]:
    """Every relation to Person found in the installed apps, except historical tables and the audit log."""
    return _reverse_foreign_keys(Person)


def moved_relations() -> list[tuple[type[models.Model], models.Field]]:
    """The relations the merge re-points (all of ``person_relations`` but ``HANDLED_OTHERWISE``)."""
    return [(m, f) for m, f in person_relations() if _label(m, f.name) not in HANDLED_OTHERWISE]


def _unique_sets(model: type[models.Model], fk: models.Field) -> list[tuple[list[str], Q | None, str]]:
    """The unique constraints that include ``fk``: (the other columns, the condition, the French message)."""
    sets: list[tuple[list[str], Q | None, str]] = []
    if fk.unique:
        sets.append(([], None, ""))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields:
            others = [_attname(model, name) for name in constraint.fields if name != fk.name]
            message = str(constraint.violation_error_message or "") if constraint.violation_error_message else ""
            sets.append((others, constraint.condition, message))
    for together in model._meta.unique_together:
        if fk.name in together:
            sets.append(([_attname(model, n) for n in together if n != fk.name], None, ""))
    return sets


@dataclass
class _Log:
    moved: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)


def _serialise(instance: models.Model) -> dict[str, Any]:
    """The row as JSON-safe data that ``_recreate`` turns back into the same row. Not Django's JSON
    serialiser: it keeps datetimes to the millisecond, and an undone merge must give back every value."""
    row = serializers.serialize("python", [instance])[0]
    row["fields"] = {name: _json_safe(value) for name, value in row["fields"].items()}
    return row


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()  # microseconds included
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _move(
    model: type[models.Model], fk: models.Field, source_pk: int, target_pk: int, log: _Log, *, top: bool = False
) -> None:
    """Re-point the rows of ``model`` whose ``fk`` is ``source_pk`` to ``target_pk``, resolving unique
    collisions (the target's row stays; the source's row is emptied into it, then removed)."""
    manager = model._base_manager
    label = _label(model, fk.name)
    rows = manager.filter(**{fk.attname: source_pk})
    reset = RESETS.get(label)
    if reset:
        differing = rows.exclude(**reset)
        pks = sorted(differing.values_list("pk", flat=True))
        if pks:
            was = {name: getattr(differing.first(), name) for name in reset}
            differing.update(**reset)
            log.moved.append({"kind": "reset", "model": model._meta.label_lower, "pks": pks, "was": was, "set": reset})
    collisions: dict[int, int] = {}
    for others, condition, _message in _unique_sets(model, fk):
        targets = manager.filter(**{fk.attname: target_pk})
        sources = rows.exclude(pk__in=collisions)
        if condition is not None:
            targets, sources = targets.filter(condition), sources.filter(condition)
        if others:
            taken = {tuple(values[1:]): values[0] for values in targets.values_list("pk", *others)}
            for values in sources.values_list("pk", *others):
                key = tuple(values[1:])
                if None not in key and key in taken:
                    collisions[values[0]] = taken[key]
        else:
            kept_row = targets.values_list("pk", flat=True).first()
            if kept_row is not None:
                for pk in sources.values_list("pk", flat=True):
                    collisions[pk] = kept_row
    for source_row, target_row in sorted(collisions.items()):
        for child, child_fk in _reverse_foreign_keys(model):
            if child._base_manager.filter(**{child_fk.attname: source_row}).exists():
                _move(child, child_fk, source_row, target_row, log)
        instance = manager.get(pk=source_row)
        log.removed.append(_serialise(instance))
        instance.delete()
    pks = sorted(rows.values_list("pk", flat=True))
    if pks:
        rows.update(**{fk.attname: target_pk})
        _history_of_move(model, pks, "fusion de dossiers")
        log.moved.append(
            {
                "kind": "move",
                "model": model._meta.label_lower,
                "field": fk.name,
                "pks": pks,
                "from": source_pk,
                "to": target_pk,
                "top": top,
            }
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _fill(kept: Person, absorbed: Person, log: _Log) -> list[str]:
    filled: dict[str, list[Any]] = {}
    for name in FILLABLE_FIELDS:
        attname = _attname(Person, name)
        mine, theirs = getattr(kept, attname), getattr(absorbed, attname)
        if mine in (None, "") and theirs not in (None, ""):
            setattr(kept, attname, theirs)
            filled[attname] = [_plain(mine), _plain(theirs)]
    if filled:
        log.moved.append({"kind": "fill", "model": "persons.person", "pks": [kept.pk], "fields": filled})
    return list(filled)


def _bump(person: Person, *, keys: bool = True) -> None:
    """Refresh the search keys over every identity, bump the version, save (field history). The absorbed
    record keeps its display name (its identities moved): the merge history and the audit trail show it."""
    if keys:
        person.refresh_search_keys()
    person.version += 1
    person.save()


def _recompute_deadlines(*person_ids: int) -> None:
    from ancrage.deadlines.engine import recompute_persons

    recompute_persons(list(person_ids))


def _locked(pk: int) -> Person:
    return Person.objects.select_for_update().prefetch_related("identities").get(pk=pk)


@transaction.atomic
def person_merge(
    *,
    actor: Actor,
    kept: Person,
    absorbed: Person,
    candidate: DuplicateCandidate | None = None,
    reason: str = "",
) -> PersonMerge:
    """Merge ``absorbed`` into ``kept``: every item of the absorbed record moves to the kept one, the
    absorbed row stays (``merged_into``) for the audit trail and the undo."""
    if kept.pk == absorbed.pk or not perms.can_review_candidate(actor, kept.pk, absorbed.pk):
        raise PermissionDenied
    kept_row, absorbed_row = _locked(kept.pk), _locked(absorbed.pk)
    if kept_row.merged_into_id or absorbed_row.merged_into_id:
        raise MergeRefused(_("L'un des deux dossiers a déjà été fusionné dans un autre dossier."))
    if candidate is not None:
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if {candidate.person_a_id, candidate.person_b_id} != {kept.pk, absorbed.pk}:
            raise MergeRefused(_("Cette paire ne concerne pas ces deux dossiers."))
        if candidate.status == CandidateStatus.DIFFERENT:
            raise MergeRefused(
                _("Cette paire a été jugée « personnes différentes » : changez d'abord la décision pour fusionner.")
            )
    log = _Log()
    for model, fk in moved_relations():
        _move(model, fk, absorbed_row.pk, kept_row.pk, log, top=True)
    kept_row = _locked(kept.pk)
    filled = _fill(kept_row, absorbed_row, log)
    _bump(kept_row)
    absorbed_row = _locked(absorbed.pk)
    absorbed_row.merged_into = kept_row
    _bump(absorbed_row, keys=False)
    now = timezone.now()
    if candidate is not None and candidate.status == CandidateStatus.PENDING:
        candidate.status = CandidateStatus.SAME
        candidate.decided_by = actor.user
        candidate.decided_for_id = actor.org_id
        candidate.decided_at = now
        candidate.reason = reason[:255]
        candidate.save(update_fields=["status", "decided_by", "decided_for", "decided_at", "reason", "scored_at"])
    merge = PersonMerge.objects.create(
        kept=kept_row,
        absorbed=absorbed_row,
        candidate=candidate,
        merged_by=actor.user,
        merged_for_id=actor.org_id,
        moved=log.moved,
        removed=log.removed,
        reason=reason[:255],
    )
    details = {
        "merge": merge.pk,
        "kept": kept_row.pk,
        "absorbed": absorbed_row.pk,
        "moved": sum(len(e["pks"]) for e in log.moved if e["kind"] == "move"),
        "removed": len(log.removed),
        "filled": filled,
    }
    for person_id in (kept_row.pk, absorbed_row.pk):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            event="person.merge",
            person_id=person_id,
            obj=merge,
            details=details,
        )
    _recompute_deadlines(kept_row.pk, absorbed_row.pk)
    actor.cache.pop("grants", None)
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    return merge


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def undo_refusal(merge: PersonMerge) -> str | None:
    """Why the merge can no longer be undone exactly (in French), or None."""
    if merge.undone_at is not None:
        return _("Cette fusion a déjà été annulée.")
    kept = Person.objects.get(pk=merge.kept_id)
    absorbed = Person.objects.get(pk=merge.absorbed_id)
    if kept.merged_into_id is not None:
        return _("Le dossier conservé a depuis été fusionné dans un autre dossier : annulez d'abord cette fusion-là.")
    if absorbed.merged_into_id != kept.pk:
        return _("Le dossier absorbé n'est plus rattaché au dossier conservé.")
    later = PersonMerge.objects.filter(kept_id=merge.kept_id, undone_at__isnull=True, pk__gt=merge.pk)
    if later.exists():
        return _("Une fusion plus récente a été faite dans ce dossier : annulez-la d'abord.")
    missing = 0
    for entry in merge.moved:
        manager = _model(entry["model"])._base_manager
        if entry["kind"] == "move":
            field_attname = _attname(_model(entry["model"]), entry["field"])
            missing += len(entry["pks"]) - manager.filter(pk__in=entry["pks"], **{field_attname: entry["to"]}).count()
        elif entry["kind"] == "reset" and manager.filter(pk__in=entry["pks"]).exclude(**entry["set"]).exists():
            return _(
                "Une graphie venue du dossier absorbé est devenue l'identité de référence du dossier conservé : "
                "choisissez une autre identité de référence avant d'annuler la fusion."
            )
    if missing:
        return _(
            "%(count)s élément(s) venus du dossier absorbé ont été supprimés ou déplacés depuis la fusion : "
            "elle ne peut plus être annulée exactement."
        ) % {"count": missing}
    for entry in merge.removed:
        if _model(entry["model"])._base_manager.filter(pk=entry["pk"]).exists():
            return _("Un élément retiré lors de la fusion ne peut pas être recréé tel quel.")
    return None


def _history_of_move(model: type[models.Model], pks: list[int], reason: str) -> None:
    """A field-history entry for rows re-pointed in bulk (``update()`` sends no signal)."""
    try:
        history = get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return
    history.bulk_history_create(
        list(model._base_manager.filter(pk__in=pks)),
        update=True,
        default_change_reason=reason,
        default_date=timezone.now(),
    )


def _recreate(entry: dict[str, Any]) -> None:
    """Insert a removed row again exactly as it was (pk, timestamps, many-to-many), with a history entry."""
    deserialised = next(serializers.deserialize("python", [entry]))
    deserialised.save()  # a raw save: auto timestamps kept, no signal (deadlines are recomputed after)
    try:
        history = get_history_manager_for_model(type(deserialised.object))
    except NotHistoricalModelError:
        return
    history.bulk_history_create([deserialised.object], default_date=timezone.now())


@transaction.atomic
def person_merge_undo(*, actor: Actor, merge: PersonMerge) -> None:
    """Undo a merge exactly: removed rows recreated with their primary key, moved rows sent back,
    ``merged_into`` cleared. Rows added to the kept record since the merge stay on it. The pair stays
    decided *même personne* (a human judgment), unmerged: it can be merged again or re-decided."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if not perms.can_undo_merge(actor, merge):
        raise PermissionDenied
    refusal = undo_refusal(merge)
    if refusal:
        raise MergeRefused(refusal)
    for entry in reversed(merge.removed):
        _recreate(entry)
    for entry in reversed(merge.moved):
        model = _model(entry["model"])
        rows = model._base_manager.filter(pk__in=entry["pks"])
        if entry["kind"] == "move":
            rows.update(**{_attname(model, entry["field"]): entry["from"]})
            _history_of_move(model, entry["pks"], "annulation d'une fusion")
        elif entry["kind"] == "reset":
            rows.update(**entry["was"])
            _history_of_move(model, entry["pks"], "annulation d'une fusion")
    kept = _locked(merge.kept_id)
    for entry in merge.moved:
        if entry["kind"] != "fill":
            continue
        for attname, (before, after) in entry["fields"].items():
            if _plain(getattr(kept, attname)) == after:
                field_obj = next(f for f in Person._meta.concrete_fields if f.attname == attname)
                setattr(kept, attname, field_obj.to_python(before) if before is not None else None)
    _bump(kept)
    absorbed = _locked(merge.absorbed_id)
    absorbed.merged_into = None
    _bump(absorbed)
    merge.undone_at = timezone.now()
    merge.undone_by = actor.user
    merge.save(update_fields=["undone_at", "undone_by"])
    for person_id in (kept.pk, absorbed.pk):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            event="person.merge.undo",
            person_id=person_id,
            obj=merge,
            details={"merge": merge.pk, "kept": kept.pk, "absorbed": absorbed.pk},
        )
    _recompute_deadlines(kept.pk, absorbed.pk)
    actor.cache.pop("grants", None)


@dataclass
class MergeLine:
    label: str
    moved: int = 0
    removed: int = 0


def merge_summary(merge: PersonMerge) -> list[MergeLine]:
    """What a merge moved and removed, per kind of item, in French (for the pages)."""
    lines: dict[str, MergeLine] = {}

    def line(label: str) -> MergeLine:
        model = _model(label)
        name = str(model._meta.verbose_name_plural)
        return lines.setdefault(name, MergeLine(label=name))

    for entry in merge.moved:
        if entry["kind"] == "move" and entry["top"]:
            line(entry["model"]).moved += len(entry["pks"])
    for entry in merge.removed:
        line(entry["model"]).removed += 1
    return sorted(lines.values(), key=lambda item: item.label)


@dataclass
class MergePreview:
    lines: list[MergeLine]
    filled: list[str]
    refusal: str = ""


class _Rollback(Exception):
    pass


def merge_preview(*, actor: Actor, kept: Person, absorbed: Person) -> MergePreview:
    """What ``person_merge`` would do, computed by doing it and rolling back (exact, never written)."""
    preview = MergePreview(lines=[], filled=[])
    try:
        with transaction.atomic():
            merge = person_merge(
                actor=actor,
                kept=Person.objects.get(pk=kept.pk),
                absorbed=Person.objects.get(pk=absorbed.pk),
            )
            preview.lines = merge_summary(merge)
            fills = [entry for entry in merge.moved if entry["kind"] == "fill"]
            preview.filled = [
                str(next(f for f in Person._meta.concrete_fields if f.attname == name).verbose_name)
                for entry in fills
                for name in entry["fields"]
            ]
            raise _Rollback
    except _Rollback:
        pass
    except MergeRefused as error:
        preview.refusal = " ".join(error.messages)
    actor.cache.pop("grants", None)
    return preview
