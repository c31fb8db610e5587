from typing import Any

from django.db import models

from ancrage.organisations.actor import Actor

from . import context
from .models import AuditAction, AuditEvent


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    event: str,
    person_id: int | None = None,
    obj: models.Model | None = None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the access log, inside the caller's transaction."""
    ctx = context.current()
    return AuditEvent.objects.create(
        user=actor.user if actor else None,
        organisation_id=actor.organisation_id if actor else None,
        action=action,
        event=event,
        person_id=person_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose[:255],
        channel=ctx.channel,
        ip=ctx.ip,
        details=details or {},
    )


def audit_read(
    actor: Actor, *, event: str, person_id: int | None, obj: models.Model | None = None, **kw: Any
) -> AuditEvent:
    return audit_record(actor=actor, action=AuditAction.READ, event=event, person_id=person_id, obj=obj, **kw)
