"""Optimistic locking for records edited by several people."""

from typing import TypeVar

from django.db import transaction
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

    The row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions here are
    IMMEDIATE, so writers are serialised), so two concurrent writers cannot both win. A normal
    ``save()`` follows, so field history and signals see the change.
    """
    model = type(instance)
    with transaction.atomic():
        stored = (
            model._default_manager.select_for_update().filter(pk=instance.pk).values_list("version", flat=True).first()
        )
        if stored != expected_version:
            raise ConcurrentEditError(model._default_manager.get(pk=instance.pk))
        instance.version = expected_version + 1
        fields = None if update_fields is None else [*update_fields, "version", "updated_at"]
        instance.save(update_fields=fields)
    return instance
