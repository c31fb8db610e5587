"""Keep the derived participations in step with the records (``steering.participation``), in the same
transaction as the change: a pathway or referral that is rolled back leaves no participation behind.

* a pathway or a referral saved or deleted, or a referral moved to another state (its transition log
  entry: ``referral_transition`` writes with ``QuerySet.update``): that person only (a handful of queries);
* an action saved with a change to what feeds it (status, carrier, programmes, dates, contract), or its
  directory services changed: that action;
* an amendment saved or deleted, or the contract's dates changed: the contract's actions (their window
  may fall back on the contract's end).

Bulk writes (the demo generator, imports) send no signals: they call ``sync_participations`` themselves,
and the daily job (``scheduling.tasks.steering_daily``) syncs everything anyway. A deletion cascading
from another record (a person erased) does not sync: the participations go with the person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .models import Action, Amendment, Contract
from .participation import sync_participations

# Fields of a record that change which participations it justifies (``update_fields`` outside them: no sync).
PATHWAY_FIELDS = frozenset({"person", "person_id", "programme", "operator", "operator_id", "entry_date", "exit_date"})
REFERRAL_FIELDS = frozenset({"person", "person_id", "service", "service_id", "status", "answered_at", "closed_at"})
# Fields compared before and after a save (attribute names).
WATCHED: dict[type[Model], tuple[str, ...]] = {
    Action: ("contract_id", "carrier_id", "status", "programmes", "starts_on", "ends_on"),
    Contract: ("starts_on", "ends_on"),
}
_BEFORE = "_steering_sources_before"


def _relevant(update_fields: Any, fields: frozenset[str]) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


def _direct(sender: type[Model], instance: Model, origin: Any) -> bool:
    """Whether the deletion was asked for this record (or a queryset of its model), not cascaded."""
    if origin is None or origin is instance:
        return True
    if isinstance(origin, QuerySet):
        return origin.model is sender
    return isinstance(origin, sender) and origin.pk == instance.pk


# --- persons' records -----------------------------------------------------------------------------------


def _person_saved(fields: frozenset[str]):
    def handler(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
        if raw or not _relevant(update_fields, fields):
            return
        sync_participations(person_ids=[instance.person_id])

    return handler


def _referral_moved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """``referrals.services.referral_transition`` writes the referral with ``QuerySet.update`` (no
    ``post_save``): its transition log entry is the signal that the referral changed state."""
    if created and not raw:
        sync_participations(person_ids=[instance.referral.person_id])


def _person_record_deleted(sender, instance, origin=None, **kwargs) -> None:
    if _direct(sender, instance, origin):
        sync_participations(person_ids=[instance.person_id])


# --- actions and contracts ---------------------------------------------------------------------------


def _remember(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a save: what fed the stored row (None for a new one)."""
    fields = WATCHED[sender]
    if raw or instance.pk is None:
        setattr(instance, _BEFORE, None)
        return
    names = {name.removesuffix("_id") for name in fields} | set(fields)
    if update_fields is not None and not set(update_fields) & names:
        setattr(instance, _BEFORE, _snapshot(instance, fields))
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    setattr(instance, _BEFORE, stored)


def _snapshot(instance: Model, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(instance, name) for name in fields)


def _changed(sender, instance, created: bool) -> bool:
    before = getattr(instance, _BEFORE, None)
    if hasattr(instance, _BEFORE):
        delattr(instance, _BEFORE)
    return created or before is None or tuple(before) != _snapshot(instance, WATCHED[sender])


def _action_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if not raw and _changed(sender, instance, created):
        sync_participations(action=instance)


def _contract_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if not raw and not created and _changed(sender, instance, created):
        sync_participations(contract=instance)


def _amendment_changed(sender, instance, raw=False, origin=None, signal=None, **kwargs) -> None:
    if raw or (signal is post_delete and not _direct(sender, instance, origin)):
        return
    sync_participations(contract=Contract(pk=instance.contract_id))


def _services_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    """``Action.services`` changed, from either side (``service.ctair_actions`` when ``reverse``)."""
    if action == "pre_clear" and reverse:
        instance._steering_cleared_actions = list(instance.ctair_actions.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        sync_participations(action=instance)
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_steering_cleared_actions", [])
    for pk in sorted(ids or ()):
        sync_participations(action=Action(pk=pk))


def connect() -> None:
    from ancrage.pathways.models import Pathway
    from ancrage.referrals.models import Referral, ReferralTransition

    sources: tuple[tuple[type[Model], frozenset[str]], ...] = ((Pathway, PATHWAY_FIELDS), (Referral, REFERRAL_FIELDS))
    for model, fields in sources:
        label = model._meta.label
        post_save.connect(_person_saved(fields), sender=model, weak=False, dispatch_uid=f"steering.save.{label}")
        post_delete.connect(_person_record_deleted, sender=model, dispatch_uid=f"steering.delete.{label}")
    post_save.connect(_referral_moved, sender=ReferralTransition, dispatch_uid="steering.save.referral_transition")
    for watched in WATCHED:
        pre_save.connect(_remember, sender=watched, dispatch_uid=f"steering.before.{watched._meta.label}")
    post_save.connect(_action_saved, sender=Action, dispatch_uid="steering.save.action")
    post_save.connect(_contract_saved, sender=Contract, dispatch_uid="steering.save.contract")
    post_save.connect(_amendment_changed, sender=Amendment, dispatch_uid="steering.save.amendment")
    post_delete.connect(_amendment_changed, sender=Amendment, dispatch_uid="steering.delete.amendment")
    m2m_changed.connect(_services_changed, sender=Action.services.through, dispatch_uid="steering.services")
