"""Outcomes computed from the record, never ticked by hand (domain.md §2.2).

A positive exit needs two cumulative conditions on the exit date: durable housing (social or
private rental, résidence sociale, FJT) AND durable employment (CDI, CDD ≥ 6 months, work-study)
or qualifying training. Both come from the dated situation history.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from ancrage.core.dates import add_months
from ancrage.persons.models import DURABLE_EMPLOYMENT, DURABLE_HOUSING, QUALIFYING_TRAINING, Situation

from .models import Pathway, ProgrammeRule


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def durable_flags(person_ids: list[int], day: dt.date) -> dict[int, tuple[bool, bool]]:
    """For each person: (durable housing, durable employment or qualifying training) on ``day``, in one query."""
    flags: dict[int, list[bool]] = defaultdict(lambda: [False, False])
    rows = Situation.objects.filter(_active_on(day), person_id__in=person_ids).values_list(
        "person_id", "domain", "status"
    )
    for person_id, domain, status in rows:
        if domain == "housing" and status in DURABLE_HOUSING:
            flags[person_id][0] = True
        elif (domain == "employment" and status in DURABLE_EMPLOYMENT) or (
            domain == "training" and status in QUALIFYING_TRAINING
        ):
            flags[person_id][1] = True
    return {pid: (flags[pid][0], flags[pid][1]) for pid in person_ids}


def positive_exit(pathway: Pathway) -> bool | None:
    """None while the pathway is open; else whether both durable conditions held on the exit date."""
    if pathway.exit_date is None:
        return None
    housing, work = durable_flags([pathway.person_id], pathway.exit_date)[pathway.person_id]
    return housing and work


def positive_exits(pathways: list[Pathway]) -> dict[int, bool | None]:
    """``positive_exit`` for many pathways with one query per distinct exit date."""
    by_date: dict[dt.date, list[Pathway]] = defaultdict(list)
    for pathway in pathways:
        if pathway.exit_date is not None:
            by_date[pathway.exit_date].append(pathway)
    result: dict[int, bool | None] = {p.pk: None for p in pathways}
    for day, group in by_date.items():
        flags = durable_flags([p.person_id for p in group], day)
        for pathway in group:
            housing, work = flags[pathway.person_id]
            result[pathway.pk] = housing and work
    return result


def rule_for(pathway: Pathway) -> ProgrammeRule | None:
    return ProgrammeRule.in_force(pathway.programme, pathway.entry_date)


def planned_end(pathway: Pathway, rule: ProgrammeRule | None = None) -> dt.date | None:
    """The end of the accompaniment (entry + the programme's maximum duration), if the programme has one."""
    rule = rule or rule_for(pathway)
    if rule is None or not rule.duration_months:
        return None
    return add_months(pathway.entry_date, rule.duration_months)


def first_interview_due(pathway: Pathway, cir_signed_on: dt.date | None, rule: ProgrammeRule | None = None):
    """The latest date for the first interview (CIR signature + the programme's delay), if both are known."""
    rule = rule or rule_for(pathway)
    if rule is None or not rule.first_interview_months or cir_signed_on is None:
        return None
    return add_months(cir_signed_on, rule.first_interview_months)


def first_interview_late(pathway: Pathway, cir_signed_on: dt.date | None, today: dt.date) -> bool:
    """Late when held after the due date, or not held and the due date has passed."""
    due = first_interview_due(pathway, cir_signed_on)
    if due is None:
        return False
    held = pathway.first_interview_on
    return (held or today) > due
