"""Optimistic locking for records edited by several people."""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .models import VersionedModel

V = TypeVar("V", bound=VersionedModel)


class ConcurrentEditError(Exception):
    """Somebody saved the record after the editor loaded it."""

    def __init__(self, current: VersionedModel) -> None:
        self.current = current
        super().__init__(
            _(
                "Ce dossier a été modifié par quelqu'un d'autre pendant que vous l'éditiez. "
                "Vos saisies sont conservées ci-dessous : vérifiez la version à jour puis enregistrez à nouveau."
            )
        )


def save_versioned(instance: V, *, expected_version: int, update_fields: list[str] | None = None) -> V:
    """Write ``instance`` only if the stored version is still ``expected_version``.

    Runs a single conditional UPDATE, so two concurrent writers cannot both win.
    """
    model = type(instance)
    fields = update_fields or [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in {"version", "created_at"}
    ]
    values = {name: getattr(instance, name) for name in fields}
    from django.utils import timezone

    if any(f.attname == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = instance.updated_at = timezone.now()
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if not updated:
        raise ConcurrentEditError(model._default_manager.get(pk=instance.pk))
    instance.version = expected_version + 1
    return instance
