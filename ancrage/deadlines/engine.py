"""The deadline engine: from the record and the rules in force, the dated items a référent must act on.

Each calculator reads one kind of source (a protection, a housing stay, a social-housing request, a
licence, a residence document, a pathway, the health coverage) and yields drafts. ``recompute_person``
turns drafts into ``Deadline`` rows:

- a new item takes the rule version in force on its anchor date (the event that starts the clock);
- an item already computed keeps its rule version and parameters, even when a newer version exists:
  a rule change never rewrites history;
- an item whose source disappeared is kept, marked "sans objet" (cancelled), never deleted.

Recomputed when the record changes (signals in apps.py) and every day by the worker.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.core.dates import add_months
from ancrage.core.inserts import insert_many
from ancrage.pathways.models import Pathway, ProgrammeRule
from ancrage.persons.models import DocumentKind, Person, Protection, ResidenceDocument, Situation

from .models import Deadline, DeadlineRule, DeadlineStatus, RuleCode

if TYPE_CHECKING:
    from ancrage.tracks.models import SocialHousingRequest, StayExtension

    class LoadedPerson(Person):
        """A person with the sources the calculators read, prefetched into lists (``_persons``)."""

        src_protections: list[Protection]
        src_housing: list[Situation]
        src_stay_extensions: list[StayExtension]
        src_housing_requests: list[SocialHousingRequest]
        src_residence_documents: list[ResidenceDocument]
        src_pathways: list[Pathway]
        src_deadlines: list[Deadline]

        class Meta:
            abstract = True


PROTECTED = {"refugee", "subsidiary", "stateless"}
ASYLUM_HOUSING = {"cada", "huda"}
RENEWABLE_DOCUMENTS = {
    DocumentKind.MULTI_YEAR_CARD,
    DocumentKind.TEMPORARY_CARD,
    DocumentKind.RESIDENT_CARD,
    DocumentKind.APS,
}


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# (opens_on, due_on) from a rule's parameters
Schedule = Callable[[dict], tuple[dt.date | None, dt.date]]


@dataclass
class Draft:
    code: str
    source_key: str
    anchor_on: dt.date
    schedule: Schedule
    done_on: dt.date | None = None
    cancelled: bool = False
    note: str = ""
    programme: str = ""  # for the rules that come from the programme (AGIR)


class Rules:
    """The rule versions, loaded once per recompute run."""

    def __init__(self) -> None:
        self.versions: dict[str, list[DeadlineRule]] = {}
        for rule in DeadlineRule.objects.order_by("code", "-valid_from"):
            self.versions.setdefault(rule.code, []).append(rule)
        self.programme: dict[str, list[ProgrammeRule]] = {}
        for prule in ProgrammeRule.objects.order_by("programme", "-valid_from"):
            self.programme.setdefault(prule.programme, []).append(prule)

    def in_force(self, draft: Draft) -> tuple[dict, str] | None:
        """Parameters and label of the version in force on the draft's anchor date."""
        if draft.code in {RuleCode.AGIR_FIRST_INTERVIEW, RuleCode.ACCOMPANIMENT_END}:
            prule = next((r for r in self.programme.get(draft.programme, []) if r.valid_from <= draft.anchor_on), None)
            if prule is None:
                return None
            months = (
                prule.first_interview_months if draft.code == RuleCode.AGIR_FIRST_INTERVIEW else prule.duration_months
            )
            if not months:
                return None
            lead = 0 if draft.code == RuleCode.AGIR_FIRST_INTERVIEW else 3
            return (
                {"months": months, "lead_months": lead, "extension_months": 0, "max_extensions": 0},
                f"programme:{prule.programme}@{prule.valid_from.isoformat()}",
            )
        rule = next((r for r in self.versions.get(draft.code, []) if r.valid_from <= draft.anchor_on), None)
        return (rule.params(), rule.label) if rule else None


# --- calculators -----------------------------------------------------------------------------------


def _before(expiry: dt.date) -> Schedule:
    """Due ``months`` before an expiry, opening ``lead_months`` earlier."""

    def schedule(params: dict) -> tuple[dt.date | None, dt.date]:
        due = add_months(expiry, -params["months"])
        return add_months(due, -params["lead_months"]), due

    return schedule


def _after(anchor: dt.date) -> Schedule:
    """Due ``months`` after the anchor, opening on it."""

    def schedule(params: dict) -> tuple[dt.date | None, dt.date]:
        return anchor, add_months(anchor, params["months"])

    return schedule


def _asylum_housing_exit(person: LoadedPerson) -> Iterator[Draft]:
    """Stay in asylum housing after protection: until the end of the 3rd month after the month of the
    notification, renewable once for 3 months with OFII's agreement (CASF; domain.md §3.5)."""
    notified = sorted(
        p.notification_date for p in person.src_protections if p.type in PROTECTED and p.notification_date
    )
    if not notified:
        return
    notification = notified[0]
    stay = next(
        (
            s
            for s in person.src_housing
            if s.domain == "housing"
            and s.status in ASYLUM_HOUSING
            and s.start_date <= notification
            and (s.end_date is None or s.end_date >= notification)
        ),
        None,
    )
    if stay is None:
        return
    granted = sum(1 for e in person.src_stay_extensions if e.kind == "asylum_housing" and e.granted_on >= notification)

    def schedule(params: dict) -> tuple[dt.date | None, dt.date]:
        extensions = granted if params["max_extensions"] is None else min(granted, params["max_extensions"])
        months = params["months"] + extensions * params["extension_months"]
        return notification, end_of_month(add_months(notification.replace(day=1), months))

    yield Draft(RuleCode.ASYLUM_HOUSING_EXIT, f"situation:{stay.pk}", notification, schedule, done_on=stay.end_date)


def _cph_end(person: LoadedPerson) -> Iterator[Draft]:
    """A CPH stay lasts 9 months, extendable by 3-month periods (OFII)."""
    for stay in person.src_housing:
        if stay.domain != "housing" or stay.status != "cph":
            continue
        granted = sum(
            1
            for e in person.src_stay_extensions
            if e.kind == "cph"
            and e.granted_on >= stay.start_date
            and (stay.end_date is None or e.granted_on <= stay.end_date)
        )

        def schedule(params: dict, start: dt.date = stay.start_date, granted: int = granted):
            extensions = granted if params["max_extensions"] is None else min(granted, params["max_extensions"])
            return start, add_months(start, params["months"] + extensions * params["extension_months"])

        yield Draft(RuleCode.CPH_END, f"situation:{stay.pk}", stay.start_date, schedule, done_on=stay.end_date)


def _sne_renewal(person: LoadedPerson) -> Iterator[Draft]:
    """A social-housing request must be renewed every year on its anniversary (one cycle per renewal)."""
    for request in person.src_housing_requests:
        anchors = [request.requested_on] + ([request.last_renewed_on] if request.last_renewed_on else [])
        for index, anchor in enumerate(anchors):
            is_current = index == len(anchors) - 1

            def schedule(params: dict, anchor: dt.date = anchor):
                due = add_months(anchor, params["months"])
                return add_months(due, -params["lead_months"]), due

            yield Draft(
                RuleCode.SNE_RENEWAL,
                f"housing_request:{request.pk}:{anchor.isoformat()}",
                anchor,
                schedule,
                done_on=None if is_current else anchors[index + 1],
                cancelled=is_current and request.status != "active",
            )


def _licence_exchange(person: LoadedPerson, reciprocity: dict[str, list]) -> Iterator[Draft]:
    """A foreign licence must be exchanged within a year of the first récépissé bearing the protection."""
    profile = getattr(person, "employment_profile", None)
    if profile is None or not profile.licence_first_receipt_on or profile.licence_status in {"none", "french"}:
        return
    receipt = profile.licence_first_receipt_on
    agreement = next((r for r in reciprocity.get(profile.licence_country, []) if r.valid_from <= receipt), None)
    note = ""
    cancelled = profile.licence_status == "refused"
    if agreement is None:
        note = _("Réciprocité avec ce pays à vérifier.")
    elif not agreement.exchange_possible:
        note, cancelled = _("Pas d'accord d'échange avec ce pays."), True

    def schedule(params: dict) -> tuple[dt.date | None, dt.date]:
        return receipt, add_months(receipt, params["months"])

    done = profile.licence_status in {"requested", "exchanged"}
    yield Draft(
        RuleCode.LICENCE_EXCHANGE,
        "licence",
        receipt,
        schedule,
        done_on=timezone.localdate() if done else None,  # kept from the first time it was seen done
        cancelled=cancelled,
        note=note,
    )


def _residence_renewal(person: LoadedPerson) -> Iterator[Draft]:
    """A residence card's renewal is asked 4 to 2 months before it expires."""
    documents = sorted(person.src_residence_documents, key=lambda d: (d.issue_date, d.pk))
    for index, document in enumerate(documents):
        expires = document.expiry_date
        if document.kind not in RENEWABLE_DOCUMENTS or expires is None:
            continue
        later = next((d for d in documents[index + 1 :] if d.kind in RENEWABLE_DOCUMENTS), None)
        done_on = document.renewal_requested_on or (later.issue_date if later else None)

        yield Draft(RuleCode.RESIDENCE_RENEWAL, f"document:{document.pk}", expires, _before(expires), done_on=done_on)


def _pathways(person: LoadedPerson) -> Iterator[Draft]:
    """AGIR: first interview within a month of the CIR; every programme: its maximum duration."""
    for pathway in person.src_pathways:
        cir_signed_on = person.cir_signed_on
        if cir_signed_on is not None:
            yield Draft(
                RuleCode.AGIR_FIRST_INTERVIEW,
                f"pathway:{pathway.pk}",
                cir_signed_on,
                _after(cir_signed_on),
                done_on=pathway.first_interview_on,
                cancelled=pathway.first_interview_on is None and pathway.exit_date is not None,
                programme=pathway.programme,
            )

        def end(params: dict, entry: dt.date = pathway.entry_date):
            due = add_months(entry, params["months"])
            return add_months(due, -params["lead_months"]), due

        yield Draft(
            RuleCode.ACCOMPANIMENT_END,
            f"pathway:{pathway.pk}",
            pathway.entry_date,
            end,
            done_on=pathway.exit_date,
            programme=pathway.programme,
        )


def _css_renewal(person: LoadedPerson) -> Iterator[Draft]:
    """The complémentaire santé solidaire is granted for a year: ask its renewal 2 months before."""
    health = getattr(person, "health", None)
    expires = health.css_expires_on if health is not None and health.css_status == "open" else None
    if expires is None:
        return

    yield Draft(RuleCode.CSS_RENEWAL, f"css:{expires.isoformat()}", expires, _before(expires))


def drafts_for(person: LoadedPerson, reciprocity: dict[str, list]) -> Iterable[Draft]:
    yield from _asylum_housing_exit(person)
    yield from _cph_end(person)
    yield from _sne_renewal(person)
    yield from _licence_exchange(person, reciprocity)
    yield from _residence_renewal(person)
    yield from _pathways(person)
    yield from _css_renewal(person)


# --- recompute ------------------------------------------------------------------------------------


# The columns of a deadline that a recomputation compares with the draft (and then rewrites).
_COMPARED = ("rule_label", "params", "anchor_on", "opens_on", "due_on", "done_on", "note")


def _source(relation: str, model, *fields: str, to_attr: str = "", queryset=None) -> Prefetch:
    rows = (queryset if queryset is not None else model.objects.all()).only("person_id", *fields)
    return Prefetch(relation, queryset=rows, to_attr=to_attr or f"src_{relation}")


def _persons(person_ids: list[int]):
    from ancrage.tracks.models import SocialHousingRequest, StayExtension  # tracks imports the engine

    return (
        Person.objects.filter(pk__in=person_ids)
        .select_related("employment_profile", "health")
        # What the calculators read of the person and of its one-to-one records, not their ~60 columns.
        .only(
            "cir_signed_on",
            "employment_profile__licence_status",
            "employment_profile__licence_country",
            "employment_profile__licence_first_receipt_on",
            "health__css_status",
            "health__css_expires_on",
        )
        .prefetch_related(
            # Into plain lists (``to_attr``): a related manager's queryset per person and relation would
            # cost more than the queries themselves on a chunk of 500 persons. Only the columns the
            # calculators read (a test keeps the query count independent of the number of persons).
            _source("protections", Protection, "type", "notification_date"),
            _source(
                "situations",
                Situation,
                "domain",
                "status",
                "start_date",
                "end_date",
                to_attr="src_housing",
                queryset=Situation.objects.filter(domain="housing").order_by("start_date", "id"),
            ),
            _source("stay_extensions", StayExtension, "kind", "granted_on"),
            _source("housing_requests", SocialHousingRequest, "status", "requested_on", "last_renewed_on"),
            _source(
                "residence_documents", ResidenceDocument, "kind", "issue_date", "expiry_date", "renewal_requested_on"
            ),
            _source("pathways", Pathway, "programme", "entry_date", "exit_date", "first_interview_on"),
            _source("deadlines", Deadline, "code", "source_key", "status", *_COMPARED),
        )
    )


def _reciprocity() -> dict[str, list]:
    from ancrage.tracks.models import LicenceReciprocity

    table: dict[str, list] = {}
    for row in LicenceReciprocity.objects.order_by("country", "-valid_from"):
        table.setdefault(row.country, []).append(row)
    return table


@transaction.atomic
def recompute_persons(person_ids: list[int], *, rules: Rules | None = None) -> int:
    """Recompute the deadlines of these persons; returns how many rows were written."""
    rules = rules or Rules()
    reciprocity = _reciprocity()
    to_create: list[Deadline] = []
    to_update: list[Deadline] = []
    fields = ["rule_label", "params", "anchor_on", "opens_on", "due_on", "status", "done_on", "note", "computed_at"]
    now = timezone.now()
    for person in _persons(person_ids):
        existing = {(d.code, d.source_key): d for d in person.src_deadlines}
        for draft in drafts_for(person, reciprocity):
            row = existing.pop((draft.code, draft.source_key), None)
            if row is None:
                found = rules.in_force(draft)
                if found is None:
                    continue
                params, label = found
            else:
                params, label = row.params, row.rule_label  # the version it was computed with
            opens_on, due_on = draft.schedule(params)
            if draft.cancelled:
                status, done_on = DeadlineStatus.CANCELLED, None
            elif draft.done_on:
                status = DeadlineStatus.DONE
                done_on = row.done_on if row is not None and row.status == DeadlineStatus.DONE else draft.done_on
            else:
                status, done_on = DeadlineStatus.OPEN, None
            values = {
                "rule_label": label,
                "params": params,
                "anchor_on": draft.anchor_on,
                "opens_on": opens_on,
                "due_on": due_on,
                "status": status,
                "done_on": done_on,
                "note": draft.note[:255],
            }
            if row is None:
                to_create.append(Deadline(person_id=person.pk, code=draft.code, source_key=draft.source_key, **values))
            elif any(getattr(row, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.computed_at = now
                to_update.append(row)
        for row in existing.values():  # the source is gone: keep the item, without object
            if row.status == DeadlineStatus.OPEN:
                row.status, row.computed_at = DeadlineStatus.CANCELLED, now
                to_update.append(row)
    insert_many(to_create, now=now)
    Deadline.objects.bulk_update(to_update, fields, batch_size=500)
    return len(to_create) + len(to_update)


def recompute_person(person_id: int) -> int:
    return recompute_persons([person_id])


def recompute_all(*, chunk: int = 500) -> int:
    """Every person not archived, in chunks (bounded memory and queries per chunk): the daily run and the
    demo. An archived record (ADR 9) is shown nowhere and waits for its anonymisation: its items stay as
    they were when it was archived."""
    rules = Rules()
    written = 0
    ids = list(Person.objects.active().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        written += recompute_persons(ids[start : start + chunk], rules=rules)
    return written
