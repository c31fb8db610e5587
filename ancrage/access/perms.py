"""Every access decision about person data, in one place.

Views, templates (through ``access.templatetags``), the API and exports ask these functions; no
other module decides who may see or change a record. Each ``can_*`` docstring says who may.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Organisation, Role

from .models import AccessGrant, GrantOrigin
from .sections import ALL_SECTIONS, Section


def _grants(actor: Actor) -> QuerySet[AccessGrant]:
    # An archived record (retention, ADR 9) is seen by no organisation, whatever grant is left.
    return AccessGrant.objects.active().filter(organisation_id=actor.org_id, person__archived_at__isnull=True)


def visible_persons_filter(actor: Actor) -> Q:
    """A filter on Person for the records the actor may open (need to know)."""
    if not actor.handles_cases or actor.organisation_id is None:
        return Q(pk__in=[])
    return Q(Exists(_grants(actor).filter(person_id=OuterRef("pk"))))


def accompanied_persons_filter(actor: Actor) -> Q:
    """Persons the actor's organisation accompanies (a pathway grant), not only sees through sharing."""
    if not actor.handles_cases or actor.organisation_id is None:
        return Q(pk__in=[])
    return Q(Exists(_grants(actor).filter(person_id=OuterRef("pk"), origin=GrantOrigin.PATHWAY)))


def _grant_summaries(actor: Actor, person_ids: list[int]) -> dict[int, tuple[frozenset[str], bool]]:
    """(sections visible, accompanies) per person, in one query, memoised for the request."""
    cache = actor.cache.setdefault("grants", {})
    missing = [pk for pk in person_ids if pk not in cache]
    if missing:
        found: dict[int, tuple[set[str], bool]] = {pk: (set(), False) for pk in missing}
        if actor.handles_cases and actor.organisation_id is not None:
            grants = _grants(actor).filter(person_id__in=missing).values_list("person_id", "sections", "origin")
            for person_id, grant_sections, origin in grants:
                sections, accompanies = found[person_id]
                sections.update(grant_sections)
                found[person_id] = (sections, accompanies or origin == GrantOrigin.PATHWAY)
        for person_id, (sections, accompanies) in found.items():
            if not actor.can_access_health:
                sections.discard(Section.HEALTH)
            cache[person_id] = (frozenset(sections), accompanies)
    return {pk: cache[pk] for pk in person_ids}


def _grant_summary(actor: Actor, person_id: int) -> tuple[frozenset[str], bool]:
    return _grant_summaries(actor, [person_id])[person_id]


def visible_sections_many(actor: Actor, person_ids: list[int]) -> dict[int, frozenset[str]]:
    """The bulk twin of ``visible_sections``, for list pages and API lists (one query)."""
    return {pk: summary[0] for pk, summary in _grant_summaries(actor, person_ids).items()}


def visible_sections(actor: Actor, person_id: int) -> frozenset[str]:
    return _grant_summary(actor, person_id)[0]


def accompanies(actor: Actor, person_id: int) -> bool:
    return _grant_summary(actor, person_id)[1]


def can_view_person(actor: Actor, person_id: int) -> bool:
    """Referents, partner agents and organisation admins whose organisation holds an active grant.

    Coordinators never; platform administrators only through such a membership.
    """
    return bool(visible_sections(actor, person_id))


def can_view_section(actor: Actor, person_id: int, section: str) -> bool:
    """Whoever may view the person, for the sections their organisation's grants list.

    The health section also needs the membership's health permission.
    """
    return section in visible_sections(actor, person_id)


def can_create_person(actor: Actor) -> bool:
    """Referents and organisation admins (a new record starts a pathway in their organisation)."""
    return actor.has_role(Role.REFERENT, Role.ORG_ADMIN)


def can_edit_person(actor: Actor, person_id: int) -> bool:
    """Referents and organisation admins of an organisation that accompanies the person."""
    return actor.has_role(Role.REFERENT, Role.ORG_ADMIN) and accompanies(actor, person_id)


def can_manage_pathway(actor: Actor, pathway) -> bool:
    """Referents and organisation admins of the pathway's operator, while their grant is active."""
    return (
        actor.has_role(Role.REFERENT, Role.ORG_ADMIN)
        and pathway.operator_id == actor.organisation_id
        and accompanies(actor, pathway.person_id)
    )


def can_write_note(actor: Actor, person_id: int) -> bool:
    """Anyone who sees the journal section: the accompanying team and partners it was shared with."""
    return can_view_section(actor, person_id, Section.JOURNAL)


def can_plan_appointment(actor: Actor, person_id: int) -> bool:
    """Referents, partner agents and admins who see the appointments section."""
    return can_view_section(actor, person_id, Section.APPOINTMENTS)


def can_edit_appointment(actor: Actor, appointment) -> bool:
    """The organisation that planned the appointment, if it still sees the person."""
    return appointment.organisation_id == actor.organisation_id and can_plan_appointment(actor, appointment.person_id)


def can_share_person(actor: Actor, person_id: int) -> bool:
    """Referents and organisation admins of an accompanying organisation record consents."""
    return can_edit_person(actor, person_id)


def can_export_person(actor: Actor, person_id: int) -> bool:
    """Referents and organisation admins of an accompanying organisation (access requests)."""
    return can_edit_person(actor, person_id)


def can_view_access_history(actor: Actor, person_id: int) -> bool:
    """Organisation admins of an accompanying organisation."""
    return actor.has_role(Role.ORG_ADMIN) and accompanies(actor, person_id)


def can_view_referral_attachments(actor: Actor, referral) -> bool:
    """The sending organisation while it may open the record; the receiving organisation while the
    referral's grant is active (it lapses a configured time after the referral closes)."""
    if not actor.handles_cases or actor.organisation_id is None:
        return False
    if actor.organisation_id == referral.sender_organisation_id:
        return can_view_person(actor, referral.person_id)
    if actor.organisation_id == referral.target_organisation_id:
        return _grants(actor).filter(referral_id=referral.pk).exists()
    return False


def can_attach_to_referral(actor: Actor, referral) -> bool:
    """Either side of an open referral (the sender's referents and admins, the recipient's agents)
    adds documents; the recipient only once the referral has been sent to it."""
    if not referral.is_open or actor.organisation_id is None:
        return False
    if actor.organisation_id == referral.sender_organisation_id:
        return actor.has_role(Role.REFERENT, Role.ORG_ADMIN) and can_view_person(actor, referral.person_id)
    if actor.organisation_id == referral.target_organisation_id and referral.status != "draft":
        return actor.has_role(Role.REFERENT, Role.PARTNER_AGENT, Role.ORG_ADMIN)
    return False


def can_view_employment(actor: Actor, person_id: int) -> bool:
    """Whoever sees the socio-professional section of the record (accompanying organisations, and
    partners it was shared with): profile, diplomas, experiences, placements and their follow-up."""
    return can_view_section(actor, person_id, Section.EMPLOYMENT)


def can_edit_employment(actor: Actor, person_id: int) -> bool:
    """Referents and organisation admins of an accompanying organisation: profile, CV, proposals, hiring."""
    return can_edit_person(actor, person_id)


def can_manage_opportunities(actor: Actor) -> bool:
    """Case workers of any organisation (référents, partner agents such as France Travail, admins) publish
    employers, job offers and training sessions; they are shared with the whole territory."""
    return actor.handles_cases and actor.has_role(Role.REFERENT, Role.PARTNER_AGENT, Role.ORG_ADMIN)


def can_edit_opportunity(actor: Actor, opportunity_or_employer) -> bool:
    """The organisation that published an employer or an opportunity maintains it."""
    return can_manage_opportunities(actor) and actor.organisation_id == opportunity_or_employer.organisation_id


def can_view_employment_results(actor: Actor) -> bool:
    """Aggregates only (counts below 5 suppressed): coordinators for the territory, admins for their
    organisation's pathways."""
    return actor.has_role(Role.COORDINATOR, Role.ORG_ADMIN)


def can_view_aggregates(actor: Actor) -> bool:
    """Coordinators (collectivity or State) and organisation admins for their own activity."""
    return actor.has_role(Role.COORDINATOR, Role.ORG_ADMIN)


def can_view_steering(actor: Actor) -> bool:
    """The territorial contract (actions, budget, indicators, annual report): coordinators of the
    collectivity and of the State. Aggregates only, small counts suppressed."""
    return actor.has_role(Role.COORDINATOR)


def can_manage_contract(actor: Actor) -> bool:
    """Coordinators keep the contract: amendments, *fiches action*, budget lines, targets, calls."""
    return actor.has_role(Role.COORDINATOR)


def carries_action(actor: Actor, action) -> bool:
    """Members of the carrier organisation who handle cases (référents, admins) report on its action."""
    return actor.has_role(Role.REFERENT, Role.ORG_ADMIN) and actor.organisation_id == action.carrier_id


def can_write_bilan(actor: Actor, action) -> bool:
    """The carrier writes the qualitative bilan of its action (text and attachments)."""
    return carries_action(actor, action)


def can_view_bilan(actor: Actor, action) -> bool:
    """Coordinators and the carrier read the qualitative bilans (no personal data in them)."""
    return can_view_steering(actor) or carries_action(actor, action)


def can_record_participation(actor: Actor, action, person_id: int) -> bool:
    """The carrier records that a person it accompanies or was referred takes part in its action."""
    return carries_action(actor, action) and can_view_person(actor, person_id)


def can_import_persons(actor: Actor) -> bool:
    """Referents and organisation admins: an import creates records and pathways in their organisation."""
    return can_create_person(actor)


def can_view_import(actor: Actor, run) -> bool:
    """Referents and organisation admins of the organisation the import was made for."""
    return can_import_persons(actor) and run.organisation_id == actor.organisation_id


def can_review_duplicates(actor: Actor) -> bool:
    """Referents and organisation admins: the duplicate queue lists only pairs they may edit both sides of."""
    return actor.has_role(Role.REFERENT, Role.ORG_ADMIN)


def can_review_candidate(actor: Actor, person_a_id: int, person_b_id: int) -> bool:
    """Referents and organisation admins whose organisation accompanies both records of the pair.

    A pair with one record of another partner is never shown: a warning must not reveal that another
    organisation follows the person (ADR 8).
    """
    return can_review_duplicates(actor) and can_edit_person(actor, person_a_id) and can_edit_person(actor, person_b_id)


def can_undo_merge(actor: Actor, merge) -> bool:
    """Referents and organisation admins of the organisation that made the merge, while it still accompanies
    the kept record (or the record the kept one was merged into since: the undo is then refused with the
    reason, ``linkage.merge.undo_refusal``)."""
    if not (can_review_duplicates(actor) and merge.merged_for_id == actor.organisation_id):
        return False
    from ancrage.persons.models import Person

    merged_into = Person.objects.filter(pk=merge.kept_id).values_list("merged_into_id", flat=True).first()
    return can_edit_person(actor, merged_into or merge.kept_id)


def can_manage_organisation(actor: Actor, organisation: Organisation) -> bool:
    """Platform administrators, and the organisation's own admins."""
    return actor.is_platform_admin or (actor.has_role(Role.ORG_ADMIN) and actor.organisation_id == organisation.pk)


def can_manage_platform(actor: Actor) -> bool:
    """Platform administrators only: organisations, users, reference data."""
    return actor.is_platform_admin


def require(allowed: bool, *, visible: bool = False) -> None:
    """The one way a refusal is raised. By default the same 404 as a missing object, so that a forbidden
    record is not confirmed to exist; with ``visible`` (the actor sees what it may not do: edit a section
    it reads, say) a 403."""
    if not allowed:
        raise PermissionDenied if visible else Http404


__all__ = ["ALL_SECTIONS", "Section"]
