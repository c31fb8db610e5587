"""Daily reminders of deadlines: once when an item enters its notice window, once when it is overdue.

Recipients: the référent of the person's open pathway(s); without one, the référents of the
organisations that accompany the person. Each recipient is told only about the items they may see
(``access.perms``: the health section needs the health permission). One notification per user and
run, without personal data; the link leads to "À faire", which checks access again.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ancrage.access import perms
from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.notifications.models import Kind
from ancrage.notifications.services import notify
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, Role
from ancrage.pathways.models import Pathway

from .models import Deadline, DeadlineStatus
from .selectors import SECTION_OF

DEFAULT_NOTICE_DAYS = 14
MAX_NOTICE_DAYS = 180


@dataclass
class ReminderReport:
    soon: int = 0
    overdue: int = 0
    users: int = 0
    details: dict[int, dict[str, int]] = field(default_factory=dict)


def _notice_days(deadline: Deadline) -> int:
    value = (deadline.params or {}).get("notify_days_before")
    return value if isinstance(value, int) and value >= 0 else DEFAULT_NOTICE_DAYS


def _due_reminders(today: dt.date) -> list[tuple[Deadline, str]]:
    """(deadline, "soon" | "overdue") for the open items whose reminder is due today."""
    rows = Deadline.objects.filter(status=DeadlineStatus.OPEN).filter(
        Q(due_on__lt=today, notified_overdue_at__isnull=True)
        | Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=MAX_NOTICE_DAYS), notified_soon_at__isnull=True)
    )
    found = []
    for deadline in rows.order_by("due_on", "id"):
        if deadline.due_on < today:
            found.append((deadline, "overdue"))
        elif (deadline.due_on - today).days <= _notice_days(deadline):
            found.append((deadline, "soon"))
    return found


def _recipients(person_ids: list[int]) -> dict[int, list[Membership]]:
    """The memberships to tell, per person: open pathway référents, else the organisations' référents."""
    memberships = Membership.objects.active().select_related("user", "organisation")
    found: dict[int, list[Membership]] = defaultdict(list)
    pathways = (
        Pathway.objects.open().filter(person_id__in=person_ids).values_list("person_id", "operator_id", "referent_id")
    )
    by_person: dict[int, set[tuple[int, int | None]]] = defaultdict(set)
    for person_id, operator_id, referent_id in pathways:
        by_person[person_id].add((operator_id, referent_id))
    pairs = {(op, ref) for values in by_person.values() for op, ref in values if ref is not None}
    member_of: dict[tuple[int, int | None], Membership] = {
        (m.organisation_id, m.user_id): m
        for m in memberships.filter(
            user_id__in={ref for _op, ref in pairs}, organisation_id__in={op for op, _r in pairs}
        )
    }
    orphans = {pid for pid in person_ids if not any((op, ref) in member_of for op, ref in by_person.get(pid, set()))}
    organisations_of: dict[int, set[int]] = defaultdict(set)
    if orphans:
        for person_id, operator_id, _ref in pathways.filter(person_id__in=orphans):
            organisations_of[person_id].add(operator_id)
        grants = AccessGrant.objects.active().filter(person_id__in=orphans, origin=GrantOrigin.PATHWAY)
        for person_id, organisation_id in grants.values_list("person_id", "organisation_id"):
            organisations_of[person_id].add(organisation_id)
    referents: dict[int, list[Membership]] = defaultdict(list)
    wanted = {org for orgs in organisations_of.values() for org in orgs}
    for membership in memberships.filter(organisation_id__in=wanted, role=Role.REFERENT):
        referents[membership.organisation_id].append(membership)
    for person_id in person_ids:
        if person_id in orphans:
            for organisation_id in sorted(organisations_of.get(person_id, set())):
                found[person_id].extend(referents.get(organisation_id, []))
        else:
            found[person_id] = [member_of[p] for p in sorted(by_person[person_id], key=str) if p in member_of]
    return found


def _title(soon: int, overdue: int) -> str:
    parts = []
    if soon:
        parts.append(ngettext("%(n)d échéance arrive", "%(n)d échéances arrivent", soon) % {"n": soon})
    if overdue:
        parts.append(ngettext("%(n)d échéance dépassée", "%(n)d échéances dépassées", overdue) % {"n": overdue})
    return ", ".join(parts)


def deadline_reminders(today: dt.date | None = None, *, base_url: str = "") -> ReminderReport:
    """Notify each recipient once per item and kind of reminder; one notification per user and run."""
    today = today or timezone.localdate()
    report = ReminderReport()
    due = _due_reminders(today)
    if not due:
        return report
    recipients = _recipients(sorted({d.person_id for d, _k in due}))
    per_membership: dict[int, list[tuple[Deadline, str]]] = defaultdict(list)
    memberships: dict[int, Membership] = {}
    for deadline, kind in due:
        for membership in recipients.get(deadline.person_id, []):
            memberships[membership.pk] = membership
            per_membership[membership.pk].append((deadline, kind))
    delivered: dict[str, set[int]] = {"soon": set(), "overdue": set()}
    per_user: dict[int, tuple[Membership, set[tuple[int, str]]]] = {}
    for membership_pk, items in per_membership.items():
        membership = memberships[membership_pk]
        actor = Actor(user=membership.user, membership=membership)
        sections = perms.visible_sections_many(actor, sorted({d.person_id for d, _k in items}))
        visible = {
            (d.pk, kind)
            for d, kind in items
            if SECTION_OF.get(d.code, "identity") in sections.get(d.person_id, frozenset())
        }
        if not visible:
            continue
        _m, already = per_user.setdefault(membership.user_id, (membership, set()))
        already |= visible
    url = reverse("agenda:todo")
    now = timezone.now()
    with transaction.atomic():
        for user_id, (membership, told) in sorted(per_user.items()):
            soon = sum(1 for _pk, kind in told if kind == "soon")
            overdue = len(told) - soon
            notify(
                users=[membership.user], kind=Kind.DEADLINE_DUE, title=_title(soon, overdue), url=url, base_url=base_url
            )
            report.details[user_id] = {"soon": soon, "overdue": overdue}
            for pk, kind in told:
                delivered[kind].add(pk)
        Deadline.objects.filter(pk__in=delivered["soon"]).update(notified_soon_at=now)
        Deadline.objects.filter(pk__in=delivered["overdue"]).update(notified_overdue_at=now)
    report.soon = len(delivered["soon"])
    report.overdue = len(delivered["overdue"])
    report.users = len(per_user)
    return report
