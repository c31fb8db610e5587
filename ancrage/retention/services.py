"""The retention job (ADR 9): archive two years after the last contact, anonymise after a grace period.

``retention_run`` is dry unless ``apply``: it counts what each stage would change, records the run
(``RetentionRun``) and writes one audit event for it. Applied, it also writes one audit event per
archived or anonymised person (ids and codes only). Every statement is set-based (``update`` /
``delete`` on querysets scoped by a chunk of person ids): no loop over rows, no ``save()`` (so no
``updated_at`` bump that would move a cluster's representative record, and no new history row).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.audit import context
from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person

from . import selectors
from .models import RetentionRun
from .registry import RULES, Rule

logger = logging.getLogger(__name__)

CHUNK = 500


def _clock(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The day the run is for and the instant it stamps; ``today`` (tests, a replay) pins both."""
    if today is None:
        now = timezone.now()
        return timezone.localdate(now), now
    return today, timezone.make_aware(dt.datetime.combine(today, dt.time(12)))


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _scope(rule: Rule, persons: QuerySet[Person]) -> Q:
    if rule.scope is not None:
        return rule.scope(persons)
    if rule.via == "pk":
        return Q(pk__in=persons)
    return Q(**{f"{rule.via}__in": persons.values("pk")})


def _rows(label: str, rule: Rule, persons: QuerySet[Person]) -> QuerySet:
    model = apps.get_model(label)
    # Through the primary key: a scope crossing a reverse relation may repeat a row.
    return model._default_manager.filter(pk__in=model._default_manager.filter(_scope(rule, persons)).values("pk"))


def _bump(rows: dict[str, dict[str, int]], label: str, key: str, n: int) -> None:
    if n:
        rows.setdefault(label, {"changed": 0, "deleted": 0})[key] += n


def _anonymise_chunk(ids: list[int], *, now: dt.datetime, apply: bool, rows: dict[str, dict[str, int]]) -> list[str]:
    """Anonymise one chunk of persons following the registry; returns the storage names of files to delete."""
    persons = Person.objects.filter(pk__in=ids)
    files: list[str] = []
    for label, rule in RULES.items():
        if rule.action == "keep":
            continue
        queryset = _rows(label, rule, persons)
        for file_field in rule.files:
            files += [name for name in queryset.values_list(file_field, flat=True) if name]
        if rule.action == "delete":
            if not apply:
                _bump(rows, label, "deleted", queryset.count())
                continue
            _total, per_model = queryset.delete()
            for deleted_label, n in per_model.items():
                _bump(rows, deleted_label, "deleted", n)
        else:
            values = dict(rule.blank)
            if label == "persons.Person":
                values["anonymised_at"] = now
            _bump(rows, label, "changed", queryset.update(**values) if apply else queryset.count())
    if apply:
        # Last: the household rules read which records are still not anonymised.
        Person.objects.filter(pk__in=ids).update(anonymised_at=now)
    return files


def _delete_files(names: list[str]) -> int:
    deleted = 0
    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        except OSError:  # pragma: no cover - a file system error must not undo the anonymisation
            logger.exception("retention: could not delete %s", name)
    return deleted


def _person_events(ids: list[int], *, actor: Actor | None, event: str, action: str) -> None:
    """One audit event per person, ids and codes only (bulk: the first run may touch thousands)."""
    ctx = context.current()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                user=actor.user if actor else None,
                organisation_id=actor.organisation_id if actor else None,
                action=action,
                event=event,
                person_id=pk,
                object_type="persons.person",
                object_id=str(pk),
                channel=ctx.channel,
                ip=ctx.ip,
            )
            for pk in ids
        ],
        batch_size=CHUNK,
    )


def _by_app(rows: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    apps_: dict[str, dict[str, int]] = defaultdict(lambda: {"changed": 0, "deleted": 0})
    for label, counts in rows.items():
        app_label = label.split(".")[0]
        apps_[app_label]["changed"] += counts["changed"]
        apps_[app_label]["deleted"] += counts["deleted"]
    return dict(sorted(apps_.items()))


def retention_run(
    *,
    actor: Actor | None = None,
    today: dt.date | None = None,
    apply: bool = False,
    trigger: str = "command",
) -> RetentionRun:
    """Archive the records without contact for two years, anonymise those archived for the grace
    period; dry (counts only, nothing changed but the run's own record) unless ``apply``."""
    day, now = _clock(today)
    run = RetentionRun.objects.create(today=day, dry_run=not apply, trigger=trigger)
    rows: dict[str, dict[str, int]] = {}
    files: list[str] = []
    with transaction.atomic():
        to_archive = list(selectors.due_for_archiving(day).order_by("pk").values_list("pk", flat=True))
        grants = AccessGrant.objects.active(now).filter(person_id__in=to_archive)
        if apply:
            for chunk in _chunks(to_archive):
                Person.objects.filter(pk__in=chunk).update(archived_at=now)
                _bump(rows, "persons.Person", "changed", len(chunk))
                _bump(rows, "access.AccessGrant", "changed", grants.filter(person_id__in=chunk).update(revoked_at=now))
            _person_events(to_archive, actor=actor, event="person.retention.archive", action=AuditAction.UPDATE)
        else:
            _bump(rows, "persons.Person", "changed", len(to_archive))
            _bump(rows, "access.AccessGrant", "changed", grants.count())
        to_anonymise = list(selectors.due_for_anonymisation(now).order_by("pk").values_list("pk", flat=True))
        for chunk in _chunks(to_anonymise):
            files += _anonymise_chunk(chunk, now=now, apply=apply, rows=rows)
        if apply:
            _person_events(to_anonymise, actor=actor, event="person.retention.anonymise", action=AuditAction.DELETE)
        report: dict[str, Any] = {
            "today": day.isoformat(),
            "cutoff": selectors.cutoff_for(day).isoformat(),
            "grace_days": selectors.grace_days(),
            "archived": {"count": len(to_archive), "ids": to_archive},
            "anonymised": {"count": len(to_anonymise), "ids": to_anonymise},
            "open_pathways_kept": selectors.dormant_open_pathways(day).count(),
            "rows": dict(sorted(rows.items())),
            "by_app": _by_app(rows),
            "files": len(files),
        }
        if apply and files:
            transaction.on_commit(lambda: _delete_files(files))
        run.report = report
        run.finished_at = timezone.now()
        run.save(update_fields=["report", "finished_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if apply else AuditAction.READ,
            event="retention.run" if apply else "retention.run.dry",
            obj=run,
            details={
                "archived": len(to_archive),
                "anonymised": len(to_anonymise),
                "by_app": report["by_app"],
            },
        )
    return run


def retention_scheduled() -> RetentionRun:
    """The daily job: applied when ``RETENTION_ENABLED``, dry otherwise (the report is still recorded)."""
    from django.conf import settings

    return retention_run(apply=bool(settings.RETENTION_ENABLED), trigger="task")


def text_fields(model: type[models.Model]) -> list[str]:
    """The concrete fields of a model that can hold text (checked against the registry by the tests)."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField, models.GenericIPAddressField)
    return [f.name for f in model._meta.concrete_fields if isinstance(f, kinds) and not f.is_relation]
