"""Writes of the import steps. Each function checks permission, owns its transaction and audits.

upload (``import_run_create``) → sheet (``import_run_choose_sheet``) → columns (``import_run_map_columns``)
→ values (``import_run_map_values``) → dry run (``import_run_check``) → confirm (``import_run_confirm``,
which saves the mapping and hands the run to the task worker; the command calls ``import_run_execute``).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor

from . import pipeline
from .errors import ReadError
from .fields import BY_CODE, header_key, suggest_mapping
from .models import DuplicatePolicy, ImportMapping, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".ods", ".csv", ".txt", ".xls", ".tsv")


def max_bytes() -> int:
    from .readers import MAX_BYTES

    return int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES))


def _require_import(actor: Actor) -> None:
    if not perms.can_import_persons(actor):
        raise PermissionDenied


def _require_run(actor: Actor, run: ImportRun) -> None:
    if not perms.can_view_import(actor, run):
        raise PermissionDenied


def saved_mapping_for(organisation_id: int, columns: list[str]) -> ImportMapping | None:
    """The organisation's saved mapping whose titles are all in the file (the one covering most columns)."""
    keys = {header_key(c) for c in columns}
    best, best_size = None, 0
    for mapping in ImportMapping.objects.filter(organisation_id=organisation_id):
        saved = set(mapping.columns)
        if saved and saved <= keys and len(saved) > best_size:
            best, best_size = mapping, len(saved)
    return best


def _apply_saved(run: ImportRun, saved: ImportMapping | None) -> None:
    run.column_mapping = suggest_mapping(list(run.columns), saved.columns if saved else None)
    run.value_mapping = dict(saved.values) if saved else {}


def _safe_name(name: str) -> str:
    stem = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].strip()
    return (get_valid_filename(stem[:200]) if stem.strip(" .") else "tableur")[:255]


def build_run(*, actor: Actor, name: str, data: bytes, sheet: str | None = None) -> ImportRun:
    """An unsaved run for an uploaded spreadsheet, its table read, the saved mapping applied when the
    titles match (``ValidationError`` with a French message when the file cannot be read)."""
    _require_import(actor)
    if not data:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name})
    if len(data) > max_bytes():
        raise ValidationError(
            _("Le fichier « %(name)s » est trop volumineux (%(size)s) : %(max)s au plus.")
            % {"name": name, "size": filesizeformat(len(data)), "max": filesizeformat(max_bytes())}
        )
    safe = _safe_name(name)
    try:
        table, sheets = pipeline._readers().read_table(data, safe, sheet=sheet)
    except ReadError as error:
        raise ValidationError(error.message) from None
    run = ImportRun(
        organisation_id=actor.org_id,
        created_by=actor.user,
        file_name=safe,
        sha256=hashlib.sha256(data).hexdigest(),
        sheet=table.sheet if (sheet or len(sheets) <= 1) else "",
        header_line=table.header_line,
        columns=list(table.columns),
        lines_total=len(table.rows),
        report={"sheets": sheets, "skipped": [[line, reason] for line, reason in table.skipped[:200]]},
    )
    _apply_saved(run, saved_mapping_for(actor.org_id, list(table.columns)))
    run._data = data  # type: ignore[attr-defined]
    return run


@transaction.atomic
def import_run_create(*, actor: Actor, name: str, data: bytes, sheet: str | None = None) -> ImportRun:
    """Store an uploaded spreadsheet for the actor's organisation (under the private media root)."""
    run = build_run(actor=actor, name=name, data=data, sheet=sheet)
    run.file.save(run.file_name, ContentFile(data), save=False)
    try:
        run.save()
    except Exception:
        run.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="import.upload",
        obj=run,
        details={"sha256": run.sha256, "file": run.file_name, "size": len(data), "lines": run.lines_total},
    )
    return run


def needs_sheet(run: ImportRun) -> bool:
    return not run.sheet and len((run.report or {}).get("sheets", [])) > 1


@transaction.atomic
def import_run_choose_sheet(*, actor: Actor, run: ImportRun, sheet: str) -> ImportRun:
    _require_run(actor, run)
    if sheet not in (run.report or {}).get("sheets", []):
        raise ValidationError(_("Choisissez une des feuilles du fichier."))
    previous = run.sheet
    run.sheet = sheet
    try:
        table = pipeline.read_run_table(run)
    except ReadError as error:
        run.sheet = previous
        raise ValidationError(error.message) from None
    run.header_line, run.columns, run.lines_total = table.header_line, list(table.columns), len(table.rows)
    run.report = {**run.report, "skipped": [[line, reason] for line, reason in table.skipped[:200]]}
    _apply_saved(run, saved_mapping_for(run.organisation_id, list(table.columns)))
    run.status, run.checked_at = ImportStatus.DRAFT, None
    run.save()
    return run


def check_column_mapping(run: ImportRun, mapping: dict[str, str]) -> dict[str, str]:
    """The mapping cleaned: known fields only, each field given to one column at most."""
    cleaned: dict[str, str] = {}
    given: dict[str, int] = {}
    for index in range(len(run.columns)):
        target = (mapping.get(str(index)) or "").strip()
        if target and target not in BY_CODE:
            raise ValidationError(_("Champ inconnu pour la colonne « %(column)s ».") % {"column": run.columns[index]})
        if target and target in given:
            raise ValidationError(
                _(
                    "Les colonnes « %(first)s » et « %(second)s » vont dans le même champ « %(field)s » : "
                    "choisissez-en une."
                )
                % {"first": run.columns[given[target]], "second": run.columns[index], "field": BY_CODE[target].label}
            )
        if target:
            given[target] = index
        cleaned[str(index)] = target
    if not ({"last_name", "full_name"} & set(given)):
        raise ValidationError(_("Associez une colonne au nom (ou au nom et prénom dans une même colonne)."))
    return cleaned


@transaction.atomic
def import_run_map_columns(*, actor: Actor, run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    _require_run(actor, run)
    if run.status in (ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError(_("Cet import est déjà lancé : il ne peut plus être modifié."))
    run.column_mapping = check_column_mapping(run, mapping)
    run.status, run.checked_at = ImportStatus.MAPPED, None
    run.save(update_fields=["column_mapping", "status", "checked_at", "updated_at"])
    return run


@transaction.atomic
def import_run_map_values(*, actor: Actor, run: ImportRun, value_mapping: dict[str, dict[str, str]]) -> ImportRun:
    """Add the values the référente mapped (per kind, value key → code) to the run's value mapping."""
    _require_run(actor, run)
    if run.status in (ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError(_("Cet import est déjà lancé : il ne peut plus être modifié."))
    merged: dict[str, dict[str, str]] = {kind: dict(values) for kind, values in (run.value_mapping or {}).items()}
    for kind, values in value_mapping.items():
        for value_key, code in values.items():
            if code:
                merged.setdefault(kind, {})[value_key] = code
    run.value_mapping = merged
    run.status, run.checked_at = ImportStatus.MAPPED, None
    run.save(update_fields=["value_mapping", "status", "checked_at", "updated_at"])
    return run


def import_run_check(*, actor: Actor, run: ImportRun) -> ImportRun:
    """The dry run (nothing written but the run's report); audited with the file's hash."""
    _require_run(actor, run)
    if run.status in (ImportStatus.RUNNING, ImportStatus.DONE):
        raise ValidationError(_("Cet import est déjà lancé."))
    try:
        pipeline.check_run(run, actor)
    except ReadError as error:
        raise ValidationError(error.message) from None
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        event="import.check",
        obj=run,
        details={"sha256": run.sha256, **run.counters},
    )
    return run


@transaction.atomic
def import_mapping_save(*, actor: Actor, run: ImportRun, name: str) -> ImportMapping:
    """Save the run's column and value mappings for the organisation under ``name`` (replacing one of that name)."""
    _require_run(actor, run)
    name = (name or "").strip()[:100] or run.file_name[:100]
    columns = {
        header_key(run.columns[int(index)]): target
        for index, target in run.column_mapping.items()
        if str(index).isdigit() and int(index) < len(run.columns) and header_key(run.columns[int(index)])
    }
    mapping, _created = ImportMapping.objects.update_or_create(
        organisation_id=run.organisation_id,
        name=name,
        defaults={"columns": columns, "values": run.value_mapping or {}, "created_by": actor.user},
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, event="import.mapping.save", obj=mapping)
    return mapping


def import_run_confirm(
    *, actor: Actor, run: ImportRun, duplicate_policy: str = DuplicatePolicy.PROPOSE, mapping_name: str = ""
) -> ImportRun:
    """Save the mapping and hand the run to the task worker (``imports.tasks``)."""
    from .tasks import import_persons_task

    _require_run(actor, run)
    if run.status != ImportStatus.CHECKED:
        raise ValidationError(_("Faites d'abord l'essai à blanc de cet import."))
    if duplicate_policy not in DuplicatePolicy.values:
        raise ValidationError(_("Choisissez ce que deviennent les doublons probables."))
    assert actor.membership is not None
    with transaction.atomic():
        import_mapping_save(actor=actor, run=run, name=mapping_name)
        updated = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.RUNNING, duplicate_policy=duplicate_policy, started_at=timezone.now(), lines_done=0
        )
        if not updated:
            raise ValidationError(_("Cet import est déjà lancé."))
    try:
        result = import_persons_task.enqueue(run.pk, actor.membership.pk)
    except Exception:  # the queue itself is unavailable: say so on the run rather than answer 500
        logger.exception("import run %s could not be enqueued", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            error=_("L'import n'a pas pu être transmis au service de tâches. Réessayez plus tard."),
            finished_at=timezone.now(),
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def import_run_execute(*, actor: Actor, run: ImportRun, progress: Any = None) -> ImportRun:
    """The wet run, synchronously (the command and the task); any unexpected error marks the run failed."""
    _require_run(actor, run)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    try:
        return pipeline.execute_run(run, actor, progress=progress)
    except ReadError as error:
        _fail(run, error.message)
        raise ValidationError(error.message) from None
    except Exception:
        logger.exception("import run %s failed", run.pk)
        _fail(
            run,
            _(
                "L'import a échoué à cause d'une erreur inattendue ; les lignes déjà écrites sont gardées et un nouvel "
                "import du même fichier ne les recrée pas."
            ),
        )
        raise


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    run.refresh_from_db()
