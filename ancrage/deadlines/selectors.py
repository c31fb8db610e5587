"""The référent's "À faire": open deadlines and upcoming appointments, grouped by urgency.

Access is decided by ``access.perms`` only: the persons the actor's organisation accompanies, and for
each item the section it belongs to (a deadline of the health section is never shown without the
health permission). Queries are bounded: one for the deadlines, one for the grants, one for the
appointments, whatever the number of items.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ancrage.access import perms
from ancrage.access.sections import Section, section_of_rule
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Role
from ancrage.pathways.models import Appointment, AppointmentStatus, Pathway
from ancrage.persons.models import Person

from .models import Deadline, DeadlineStatus, RuleCode

# The section of the record each deadline belongs to (who may see the item): the table in
# ``access.sections``.
SECTION_OF: dict[str, str] = {code: section_of_rule(code) for code in RuleCode.values}


class Track:
    HOUSING = "logement"
    HEALTH = "sante"
    LANGUAGE = "langue"
    RIGHTS = "droits"
    PATHWAY = "parcours"


TRACKS: tuple[tuple[str, object], ...] = (
    (Track.HOUSING, _("Logement")),
    (Track.HEALTH, _("Santé")),
    (Track.LANGUAGE, _("Langue")),
    (Track.RIGHTS, _("Droits")),
    (Track.PATHWAY, _("Parcours")),
)

TRACK_OF: dict[str, str] = {
    RuleCode.ASYLUM_HOUSING_EXIT: Track.HOUSING,
    RuleCode.CPH_END: Track.HOUSING,
    RuleCode.SNE_RENEWAL: Track.HOUSING,
    RuleCode.LICENCE_EXCHANGE: Track.RIGHTS,
    RuleCode.RESIDENCE_RENEWAL: Track.RIGHTS,
    RuleCode.AGIR_FIRST_INTERVIEW: Track.PATHWAY,
    RuleCode.ACCOMPANIMENT_END: Track.PATHWAY,
    RuleCode.CSS_RENEWAL: Track.HEALTH,
}

# Short wording, for the calendar feed (with the person's initials only).
SHORT_LABELS: dict[str, object] = {
    RuleCode.ASYLUM_HOUSING_EXIT: _("Sortie d'hébergement asile"),
    RuleCode.CPH_END: _("Fin de séjour CPH"),
    RuleCode.SNE_RENEWAL: _("Renouvellement SNE"),
    RuleCode.LICENCE_EXCHANGE: _("Échange du permis"),
    RuleCode.RESIDENCE_RENEWAL: _("Renouvellement du titre de séjour"),
    RuleCode.AGIR_FIRST_INTERVIEW: _("Premier entretien AGIR"),
    RuleCode.ACCOMPANIMENT_END: _("Fin de l'accompagnement"),
    RuleCode.CSS_RENEWAL: _("Renouvellement C2S"),
}

# Where the section lives on the person's record page (anchors of persons/detail.html).
_ANCHOR_OF: dict[str, str] = {
    Section.HOUSING: "situations",
    Section.EMPLOYMENT_HISTORY: "situations",
    Section.EMPLOYMENT: "employment",
    Section.PROTECTION: "protection",
    Section.PATHWAY: "pathway",
    Section.HEALTH: "sommaire",
}
# Sections whose deadlines are acted on in the track pages (« Installation »).
_TRACK_PAGE_SECTIONS = frozenset({Section.HOUSING, Section.HEALTH, Section.PROTECTION, Section.RIGHTS})

SCOPE_MINE = "mine"
SCOPE_ORGANISATION = "organisation"
SCOPES = (SCOPE_MINE, SCOPE_ORGANISATION)

WEEK_DAYS = 7
MONTH_DAYS = 30


@dataclass(frozen=True)
class TodoItem:
    kind: str  # "deadline" or "appointment"
    pk: int
    person_id: int
    person_name: str
    label: str
    code: str
    due_on: dt.date
    today: dt.date
    track: str
    section: str
    url: str
    rule_label: str = ""
    starts_at: dt.datetime | None = None
    location: str = ""

    @property
    def days(self) -> int:
        return (self.due_on - self.today).days

    @property
    def relative(self) -> str:
        days = self.days
        if days < 0:
            return ngettext("en retard d'%(n)d jour", "en retard de %(n)d jours", -days) % {"n": -days}
        if days == 0:
            return str(_("aujourd'hui"))
        if days == 1:
            return str(_("demain"))
        return ngettext("dans %(n)d jour", "dans %(n)d jours", days) % {"n": days}

    @property
    def is_overdue(self) -> bool:
        return self.days < 0


@dataclass
class TodoGroup:
    key: str
    label: object
    items: list[TodoItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


GROUPS: tuple[tuple[str, object], ...] = (
    ("overdue", _("En retard")),
    ("week", _("Cette semaine")),
    ("month", _("Ce mois-ci")),
    ("later", _("Plus tard")),
)


def can_switch_scope(actor: Actor) -> bool:
    return actor.has_role(Role.REFERENT, Role.ORG_ADMIN)


def default_scope(actor: Actor) -> str:
    return SCOPE_ORGANISATION if actor.has_role(Role.ORG_ADMIN) else SCOPE_MINE


def short_name(display_name: str) -> str:
    """ "HAIDARI Farid" → "HAIDARI F.": enough for the référent's calendar, minimal elsewhere."""
    parts = display_name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[1][0]}."


def persons_in_scope(actor: Actor, scope: str) -> QuerySet[Person]:
    """Persons the actor's organisation accompanies; "mine": those whose open pathway has the actor as référent."""
    persons = Person.objects.filter(perms.accompanied_persons_filter(actor))
    if scope != SCOPE_ORGANISATION or not can_switch_scope(actor):
        if actor.organisation_id is None:
            return persons.none()
        mine = Pathway.objects.open().filter(
            person_id=OuterRef("pk"), referent_id=actor.user.pk, operator_id=actor.organisation_id
        )
        persons = persons.filter(Exists(mine))
    return persons


def _reverse(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def deadline_url(deadline: Deadline) -> str:
    """The place to act on a deadline: the track page when it exists, else the record's section."""
    section = SECTION_OF.get(deadline.code, Section.IDENTITY)
    person_id = deadline.person_id
    if deadline.code in (RuleCode.AGIR_FIRST_INTERVIEW, RuleCode.ACCOMPANIMENT_END):
        prefix, _sep, pathway_id = deadline.source_key.partition(":")
        if prefix == "pathway" and pathway_id.isdigit():
            url = _reverse("pathways:detail", int(pathway_id))
            if url:
                return url
    elif deadline.code == RuleCode.LICENCE_EXCHANGE:
        url = _reverse("employment:profile", person_id)
        if url:
            return url
    elif section in _TRACK_PAGE_SECTIONS:
        url = _reverse("tracks:overview", person_id)
        if url:
            return url
    return f"{reverse('persons:detail', args=[person_id])}#{_ANCHOR_OF.get(section, 'sommaire')}"


def open_deadlines(actor: Actor, persons: QuerySet[Person], *, horizon: dt.date | None = None) -> list[Deadline]:
    """Open deadlines of those persons that the actor may see (section by section), due order.

    ``horizon``: only items due by then, or whose window has opened by then.
    """
    rows = Deadline.objects.filter(status=DeadlineStatus.OPEN, person__in=persons.values("pk"))
    if horizon is not None:
        rows = rows.filter(Q(due_on__lte=horizon) | Q(opens_on__lte=horizon))
    deadlines = list(rows.select_related("person").order_by("due_on", "id"))
    sections = perms.visible_sections_many(actor, sorted({d.person_id for d in deadlines}))
    return [d for d in deadlines if SECTION_OF.get(d.code, Section.IDENTITY) in sections.get(d.person_id, frozenset())]


def upcoming_appointments(actor: Actor, *, since: dt.datetime, until: dt.datetime) -> QuerySet[Appointment]:
    """The actor's own appointments (not cancelled) with persons they may still see."""
    if actor.organisation_id is None:
        return Appointment.objects.none()
    visible = Person.objects.filter(perms.visible_persons_filter(actor))
    return (
        Appointment.objects.filter(
            with_user=actor.user,
            organisation_id=actor.organisation_id,
            person__in=visible.values("pk"),
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("person")
        .order_by("starts_at", "id")
    )


def _group_key(item: TodoItem) -> str:
    days = item.days
    if days < 0:
        return "overdue"
    if days <= WEEK_DAYS:
        return "week"
    if days <= MONTH_DAYS:
        return "month"
    return "later"


def todo_items(
    actor: Actor, *, scope: str = SCOPE_MINE, today: dt.date | None = None, track: str = ""
) -> list[TodoGroup]:
    """The groups "En retard", "Cette semaine", "Ce mois-ci", "Plus tard" of the actor's to-do list."""
    today = today or timezone.localdate()
    groups = {key: TodoGroup(key, label) for key, label in GROUPS}
    if not actor.handles_cases or actor.organisation_id is None:
        return list(groups.values())
    persons = persons_in_scope(actor, scope)
    for deadline in open_deadlines(actor, persons):
        if deadline.due_on > today + dt.timedelta(days=MONTH_DAYS) and (
            deadline.opens_on is None or deadline.opens_on > today
        ):
            continue
        item_track = TRACK_OF.get(deadline.code, Track.PATHWAY)
        if track and item_track != track:
            continue
        item = TodoItem(
            kind="deadline",
            pk=deadline.pk,
            person_id=deadline.person_id,
            person_name=deadline.person.display_name,
            label=deadline.get_code_display(),
            code=deadline.code,
            due_on=deadline.due_on,
            today=today,
            track=item_track,
            section=SECTION_OF.get(deadline.code, Section.IDENTITY),
            url=deadline_url(deadline),
            rule_label=deadline.rule_label,
        )
        groups[_group_key(item)].items.append(item)
    if not track:
        start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        until = start + dt.timedelta(days=MONTH_DAYS + 1)
        since = max(start, timezone.now()) if today == timezone.localdate() else start
        for appointment in upcoming_appointments(actor, since=since, until=until):
            item = TodoItem(
                kind="appointment",
                pk=appointment.pk,
                person_id=appointment.person_id,
                person_name=appointment.person.display_name,
                label=str(_("Rendez-vous : %(subject)s") % {"subject": appointment.subject}),
                code="appointment",
                due_on=timezone.localdate(appointment.starts_at),
                today=today,
                track="",
                section=Section.APPOINTMENTS,
                url=f"{reverse('persons:detail', args=[appointment.person_id])}#appointments",
                starts_at=appointment.starts_at,
                location=appointment.location,
            )
            groups[_group_key(item)].items.append(item)
    for group in groups.values():
        group.items.sort(key=lambda i: (i.due_on, i.starts_at.timestamp() if i.starts_at else 0.0, i.pk))
    return list(groups.values())
