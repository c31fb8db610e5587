from django.db.models import Q
from django.http import Http404

from ancrage.audit.services import audit_read
from ancrage.organisations.actor import Actor

from .models import Referral, ReferralQuerySet, ReferralStatus


def referrals_visible_to(actor: Actor) -> ReferralQuerySet:
    """Referrals my organisation sent, and those it received (drafts of others excluded)."""
    if not actor.handles_cases or actor.organisation_id is None:
        return Referral.objects.none()
    org = actor.organisation_id
    return Referral.objects.filter(
        Q(sender_organisation_id=org) | (Q(target_organisation_id=org) & ~Q(status=ReferralStatus.DRAFT))
    )


def get_referral_for_user(actor: Actor, pk: int, *, purpose: str = "") -> Referral:
    referral = (
        referrals_visible_to(actor)
        .select_related(
            "person",
            "service__structure",
            "sender",
            "sender_organisation",
            "target_organisation",
            "refusal_reason",
            "consent",
            "answered_by",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    audit_read(actor, event="referral.read", person_id=referral.person_id, obj=referral, purpose=purpose)
    return referral
