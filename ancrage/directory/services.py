"""Writes to the directory: one function per change, validated, with an audit event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor

from . import perms
from .models import Service


@transaction.atomic
def service_save(*, actor: Actor, service: Service, zone: list | None = None) -> Service:
    """Create or update ``service`` (already filled) after a full validation; refreshes ``updated_at``."""
    if not perms.can_edit_structure(actor, service.structure):
        raise PermissionDenied
    creating = service.pk is None
    service.updated_at = timezone.now()
    service.refresh_search_text()
    service.full_clean()
    service.save()
    if zone is not None:
        service.zone.set(zone)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        event="directory.service." + ("create" if creating else "update"),
        obj=service,
    )
    return service
