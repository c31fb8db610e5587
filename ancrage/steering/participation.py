"""Participations derived from the records: nobody types in that a person took part in an action when
a pathway or an accepted referral already says so (issue 6, "persons reached are counted once").

**Which records feed an action** (``Action.programmes``, ``Action.services``):

* a *pathway* whose programme is one of the action's programmes and whose operator is the action's
  carrier; the participation runs from ``max(entry date, action start)`` to ``min(exit date, action end)``;
* a *referral* to one of the action's directory services, accepted, in progress or done; it runs from the
  local date of the answer to the local date of closing (done referrals only), clipped the same way.

The action's window is its own dates, else the contract's (``starts_on`` / ``effective_ends_on``, the
amendments included). A record feeds the action only if it overlaps that window. While the record is
open the participation has no end, unless the action's window is already over (its end is before
today): the participation then ends with the action.

Only actions under way feed (``running`` or ``done``): a draft, submitted, selected or abandoned
*fiche action* has no derived participation (derived rows left on such an action are removed).

**Sync rules**: derived participations (source ``pathway`` / ``referral``) are made equal to what the
records justify: created, updated (dates), or deleted (the record no longer matches the action or is
gone). Participations recorded by the carrier (source ``carrier``) are never touched. A derived
participation whose (person, action, start) is already taken by another participation — the carrier's
or another derived one — is skipped: the person is already counted for that action on that day, and
the unique constraint holds. The choice is stable (existing rows win, then the lowest record id), so a
second run changes nothing.

**Queries**: about six reads (actions, their services, amendments, existing participations, pathways,
referrals) and the writes in batches (one ``DELETE`` per 5,000 ids, ``bulk_update``, ``bulk_create``),
whatever the number of persons. Reads stream with ``iterator()``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ancrage.pathways.models import Pathway
from ancrage.referrals.models import Referral, ReferralStatus

from .models import Action, ActionStatus, Amendment, Contract, Participation, ParticipationSource

# The statuses of an action whose participations are derived from the records.
FEEDING_STATUSES = (ActionStatus.RUNNING, ActionStatus.DONE)
# The referral statuses that mean the person was taken in by the service.
REFERRAL_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)
DERIVED_SOURCES = (ParticipationSource.PATHWAY, ParticipationSource.REFERRAL)
DELETE_BATCH = 5000
WRITE_BATCH = 1000
READ_CHUNK = 5000


@dataclass(frozen=True)
class SyncReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __add__(self, other: SyncReport) -> SyncReport:
        return SyncReport(self.created + other.created, self.updated + other.updated, self.deleted + other.deleted)


@dataclass(frozen=True)
class _Window:
    action_id: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class _Wanted:
    person_id: int
    starts_on: dt.date
    ends_on: dt.date | None


def _clip(
    window: _Window, start: dt.date, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date | None] | None:
    """The part of the record's [start, end] inside the action's window (None when they do not overlap)."""
    if start > window.end or (end is not None and end < window.start):
        return None
    starts_on = max(start, window.start)
    if end is not None:
        ends_on: dt.date | None = min(end, window.end)
    else:
        ends_on = window.end if window.end < today else None
    return starts_on, ends_on


def _contract_ends(contract_ids: Iterable[int]) -> dict[int, dt.date]:
    """The end moved by the latest amendment, per contract (one query for all of them)."""
    ends: dict[int, dt.date] = {}
    rows = (
        Amendment.objects.filter(contract_id__in=list(contract_ids), new_end_on__isnull=False)
        .order_by("contract_id", "-number")
        .values_list("contract_id", "new_end_on")
    )
    for contract_id, new_end in rows:
        if new_end is not None:
            ends.setdefault(contract_id, new_end)
    return ends


def _actions(contract: Contract | None, action: Action | None) -> list[Action]:
    qs = Action.objects.select_related("contract").only(
        "id", "status", "carrier_id", "programmes", "starts_on", "ends_on", "contract__starts_on", "contract__ends_on"
    )
    if action is not None:
        qs = qs.filter(pk=action.pk)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return list(qs)


def sync_participations(
    *,
    contract: Contract | None = None,
    action: Action | None = None,
    person_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> SyncReport:
    """Make the derived participations of the actions in scope (one action, one contract's, or all) and
    of the persons in scope (``person_ids``, or everybody) equal to what the records justify."""
    today = today or timezone.localdate()
    persons = None if person_ids is None else sorted(set(person_ids))
    if persons is not None and not persons:
        return SyncReport()
    actions = _actions(contract, action)
    if not actions:
        return SyncReport()  # no action, hence no participation to keep in step
    action_ids = [a.pk for a in actions]
    contract_ends = _contract_ends({a.contract_id for a in actions})

    windows: dict[int, _Window] = {}
    by_pair: dict[tuple[int, str], list[_Window]] = defaultdict(list)
    for item in actions:
        if item.status not in FEEDING_STATUSES:
            continue
        start = item.starts_on or item.contract.starts_on
        end = item.ends_on or contract_ends.get(item.contract_id, item.contract.ends_on)
        window = windows[item.pk] = _Window(item.pk, start, end)
        for programme in item.programmes or []:
            by_pair[(item.carrier_id, programme)].append(window)
    by_service: dict[int, list[_Window]] = defaultdict(list)
    if windows:
        through = Action.services.through
        for action_id, service_id in through.objects.filter(action_id__in=list(windows)).values_list(
            "action_id", "service_id"
        ):
            by_service[service_id].append(windows[action_id])

    def person_filter() -> Q:
        return Q(person_id__in=persons) if persons is not None else Q()

    # What the records justify: (action, source, record id) -> person and dates.
    wanted: dict[tuple[int, str, int], _Wanted] = {}
    if by_pair:
        starts = min(w.start for ws in by_pair.values() for w in ws)
        ends = max(w.end for ws in by_pair.values() for w in ws)
        pairs = Q()
        carriers: dict[int, set[str]] = defaultdict(set)
        for carrier_id, programme in by_pair:
            carriers[carrier_id].add(programme)
        for carrier_id, programmes in carriers.items():
            pairs |= Q(operator_id=carrier_id, programme__in=sorted(programmes))
        pathways = (
            Pathway.objects.filter(pairs, person_filter(), entry_date__lte=ends)
            .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=starts))
            .values_list("id", "person_id", "operator_id", "programme", "entry_date", "exit_date")
            .order_by()
        )
        for pk, person_id, operator_id, programme, entry, exit_date in pathways.iterator(chunk_size=READ_CHUNK):
            for window in by_pair.get((operator_id, programme), ()):
                clipped = _clip(window, entry, exit_date, today)
                if clipped:
                    wanted[(window.action_id, ParticipationSource.PATHWAY, pk)] = _Wanted(person_id, *clipped)
    if by_service:
        referrals = (
            Referral.objects.filter(
                person_filter(),
                service_id__in=list(by_service),
                status__in=REFERRAL_STATUSES,
                answered_at__isnull=False,
            )
            .values_list("id", "person_id", "service_id", "status", "answered_at", "closed_at")
            .order_by()
        )
        for pk, person_id, service_id, status, answered_at, closed_at in referrals.iterator(chunk_size=READ_CHUNK):
            answered = timezone.localdate(answered_at)
            closed = timezone.localdate(closed_at) if status == ReferralStatus.DONE and closed_at else None
            for window in by_service.get(service_id, ()):
                clipped = _clip(window, answered, max(closed, answered) if closed else None, today)
                if clipped:
                    wanted[(window.action_id, ParticipationSource.REFERRAL, pk)] = _Wanted(person_id, *clipped)

    # What is stored.
    occupied: set[tuple[int, int, dt.date]] = set()  # (person, action, start) of the rows that stay
    claimed: set[tuple[int, str, int]] = set()
    to_delete: list[int] = []
    to_update: list[Participation] = []
    replaced: list[tuple[int, str, int]] = []
    moved: list[tuple[int, tuple[int, str, int]]] = []
    now = timezone.now()
    existing = (
        Participation.objects.filter(person_filter(), action_id__in=action_ids)
        .values_list("id", "person_id", "action_id", "starts_on", "ends_on", "source", "pathway_id", "referral_id")
        .order_by("id")
    )
    for pk, person_id, action_id, starts_on, ends_on, source, pathway_id, referral_id in existing.iterator(
        chunk_size=READ_CHUNK
    ):
        if source not in DERIVED_SOURCES:
            occupied.add((person_id, action_id, starts_on))
            continue
        record_id = pathway_id if source == ParticipationSource.PATHWAY else referral_id
        key = (action_id, source, record_id) if record_id is not None else None
        target = wanted.get(key) if key is not None and key not in claimed else None
        if key is None or target is None:
            to_delete.append(pk)
            continue
        claimed.add(key)
        if (target.person_id, target.starts_on) != (person_id, starts_on):
            # A new start (or person): replaced below, once the stale rows are gone.
            moved.append((pk, key))
            continue
        occupied.add((person_id, action_id, starts_on))
        if target.ends_on != ends_on:
            to_update.append(Participation(pk=pk, ends_on=target.ends_on, updated_at=now))

    to_create: list[Participation] = []
    fresh = sorted(key for key in wanted if key not in claimed)
    for pk, key in moved:
        to_delete.append(pk)
        replaced.append(key)
    replaced_keys = set(replaced)
    updated_by_replacement = 0
    for key in [*replaced, *fresh]:
        target = wanted[key]
        action_id, source, record_id = key
        slot = (target.person_id, action_id, target.starts_on)
        if slot in occupied:
            continue  # already counted for this action on that day (see the module docstring)
        occupied.add(slot)
        if key in replaced_keys:
            updated_by_replacement += 1
        to_create.append(
            Participation(
                person_id=target.person_id,
                action_id=action_id,
                starts_on=target.starts_on,
                ends_on=target.ends_on,
                source=source,
                pathway_id=record_id if source == ParticipationSource.PATHWAY else None,
                referral_id=record_id if source == ParticipationSource.REFERRAL else None,
            )
        )

    if not (to_delete or to_update or to_create):
        return SyncReport()
    with transaction.atomic():
        for index in range(0, len(to_delete), DELETE_BATCH):
            Participation.objects.filter(pk__in=to_delete[index : index + DELETE_BATCH]).delete()
        if to_update:
            Participation.objects.bulk_update(to_update, ["ends_on", "updated_at"], batch_size=WRITE_BATCH)
        if to_create:
            Participation.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    return SyncReport(
        created=len(to_create) - updated_by_replacement,
        updated=len(to_update) + updated_by_replacement,
        deleted=len(to_delete) - updated_by_replacement,
    )
