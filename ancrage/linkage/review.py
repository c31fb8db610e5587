"""The duplicate review queue: scoped reads of candidate pairs, and the reviewer's decision (issue 11 §3).

A reviewer only ever sees pairs whose two records her organisation accompanies (ADR 8): a pair with a
record of another partner is invisible to her, and answers 404 by URL like a missing one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person

from .models import CandidateStatus, DuplicateCandidate, DuplicateCandidateQuerySet, PersonMerge


class CandidateConflict(ValidationError):
    """A colleague decided the pair after the reviewer loaded it."""


def reviewable_persons(actor: Actor) -> QuerySet[Person]:
    """Records the actor may review: accompanied by her organisation (a pathway grant), not merged."""
    if not perms.can_review_duplicates(actor):
        return Person.objects.none()
    return Person.objects.filter(perms.accompanied_persons_filter(actor), merged_into__isnull=True)


def candidates_visible_to(actor: Actor) -> DuplicateCandidateQuerySet:
    """Pairs whose two records the actor's organisation accompanies (one query, no per-pair check)."""
    if not perms.can_review_duplicates(actor):
        return DuplicateCandidate.objects.none()
    persons = reviewable_persons(actor).values("pk")
    return DuplicateCandidate.objects.filter(person_a__in=persons, person_b__in=persons)


def get_candidate_for_user(actor: Actor, pk: int) -> DuplicateCandidate:
    """The pair if the actor may review both records; 404 for missing and forbidden alike."""
    candidate = candidates_visible_to(actor).select_related("person_a", "person_b", "decided_by").filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate


def active_merge(candidate: DuplicateCandidate) -> PersonMerge | None:
    """The merge made from this pair that has not been undone, if any."""
    return candidate.merges.filter(undone_at__isnull=True).first()


def merges_visible_to(actor: Actor) -> QuerySet[PersonMerge]:
    """Merges made by the actor's organisation whose kept record it still accompanies."""
    if not perms.can_review_duplicates(actor) or actor.organisation_id is None:
        return PersonMerge.objects.none()
    accompanied = Person.objects.filter(perms.accompanied_persons_filter(actor)).values("pk")
    return PersonMerge.objects.filter(
        Q(kept__in=accompanied) | Q(kept__merged_into__in=accompanied), merged_for_id=actor.organisation_id
    )


def _conflict_message(current: DuplicateCandidate) -> str:
    who = current.decided_by.get_full_name() if current.decided_by else _("un ou une collègue")
    when = timezone.localtime(current.decided_at).strftime("%d/%m/%Y à %H:%M") if current.decided_at else ""
    return _(
        "Cette paire vient d'être examinée par %(who)s (%(when)s) : « %(status)s ». "
        "Votre décision n'a pas été enregistrée ; vérifiez la décision affichée."
    ) % {"who": who, "when": when, "status": current.get_status_display()}


@transaction.atomic
def candidate_decide(
    *,
    actor: Actor,
    candidate: DuplicateCandidate,
    status: str,
    reason: str = "",
    expected_status: str | None = None,
) -> DuplicateCandidate:
    """Decide *même personne* or *personnes différentes*, remembered on the pair (the daily job never
    proposes a pair decided different again) and audited on both records.

    ``expected_status`` is the decision the reviewer saw (by default the one ``candidate`` was loaded
    with): if a colleague decided meanwhile, nothing is written and ``CandidateConflict`` says so.
    """
    if not perms.can_review_candidate(actor, candidate.person_a_id, candidate.person_b_id):
        raise PermissionDenied
    if status not in (CandidateStatus.SAME, CandidateStatus.DIFFERENT):
        raise ValidationError({"status": _("Choisissez « même personne » ou « personnes différentes ».")})
    if status == CandidateStatus.DIFFERENT and active_merge(candidate) is not None:
        raise ValidationError(_("Ces deux dossiers sont fusionnés : annulez d'abord la fusion."))
    expected = expected_status if expected_status is not None else candidate.status
    now = timezone.now()
    updated = DuplicateCandidate.objects.filter(pk=candidate.pk, status=expected).update(
        status=status,
        decided_by=actor.user,
        decided_for_id=actor.org_id,
        decided_at=now,
        reason=reason.strip()[:255],
        scored_at=now,
    )
    if not updated:
        current = DuplicateCandidate.objects.select_related("decided_by").get(pk=candidate.pk)
        raise CandidateConflict(_conflict_message(current))
    candidate.refresh_from_db()
    for person_id in (candidate.person_a_id, candidate.person_b_id):
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            event="duplicate.decide",
            person_id=person_id,
            obj=candidate,
            details={"status": status, "pair": [candidate.person_a_id, candidate.person_b_id]},
        )
    return candidate
