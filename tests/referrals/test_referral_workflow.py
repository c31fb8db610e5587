"""The referral state machine, its invariants, and the access that follows it."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ancrage.access import perms
from ancrage.access.models import AccessGrant
from ancrage.access.services import consent_withdraw
from ancrage.organisations.actor import Actor
from ancrage.referrals.models import TRANSITIONS, Referral, ReferralStatus, ReferralTransition, RefusalReason
from ancrage.referrals.services import ReferralConflict, referral_create, referral_transition

pytestmark = pytest.mark.django_db


def _fire(referral, name, actor, **extra):
    referral.refresh_from_db()
    if name == "refuse":
        extra.setdefault("refusal_reason", RefusalReason.objects.get(code="no_capacity"))
    return referral_transition(actor=actor, referral=referral, name=name, expected_version=referral.version, **extra)


# Paths from draft that reach each state, as (transition, side) steps.
PATHS = {
    ReferralStatus.DRAFT: [],
    ReferralStatus.SENT: ["send"],
    ReferralStatus.ACCEPTED: ["send", "accept"],
    ReferralStatus.REFUSED: ["send", "refuse"],
    ReferralStatus.IN_PROGRESS: ["send", "accept", "start"],
    ReferralStatus.DONE: ["send", "accept", "start", "complete"],
    ReferralStatus.ABANDONED: ["send", "accept", "abandon"],
    ReferralStatus.CANCELLED: ["send", "cancel"],
    ReferralStatus.EXPIRED: ["send", "expire"],
}


def _actor_for(cast, side):
    return {"sender": cast.amina.actor, "recipient": cast.marc.actor, "system": None}[side]


def _walk(cast, referral, steps):
    for step in steps:
        _fire(referral, step, _actor_for(cast, TRANSITIONS[step][2]))
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize(("state", "name"), list(itertools.product(PATHS, TRANSITIONS)))
def test_every_transition_from_every_state(cast, draft, state, name):
    referral = _walk(cast, draft, PATHS[state])
    assert referral.status == state
    sources, target, side = TRANSITIONS[name]
    if state in sources:
        _fire(referral, name, _actor_for(cast, side))
        referral.refresh_from_db()
        assert referral.status == target
        assert ReferralTransition.objects.filter(referral=referral, name=name, from_status=state).exists()
    else:
        with pytest.raises(ReferralConflict):
            _fire(referral, name, _actor_for(cast, side))
        referral.refresh_from_db()
        assert referral.status == state


@pytest.mark.parametrize("name", ["accept", "refuse", "start", "complete", "abandon"])
def test_the_sender_cannot_answer_for_the_recipient(cast, draft, name):
    _fire(draft, "send", cast.amina.actor)
    with pytest.raises(PermissionDenied):
        _fire(draft, name, cast.amina.actor)


def test_outsiders_cannot_fire_anything(cast, draft):
    for persona in (cast.hugo, cast.claire, cast.sofia):
        for name in TRANSITIONS:
            with pytest.raises((PermissionDenied, ReferralConflict)):
                _fire(draft, name, persona.actor)


def test_no_consent_no_referral(cast, followed, service):
    with pytest.raises(ValidationError) as error:
        referral_create(
            actor=cast.amina.actor,
            person=followed,
            service=service,
            reason="Emploi",
            sections=["language"],
            consent=None,
        )
    assert "Pas d'orientation sans consentement" in str(error.value)
    assert not Referral.objects.exists()


def test_consent_must_cover_the_sections_and_still_be_in_force(cast, followed, service, consent):
    with pytest.raises(ValidationError, match="ne couvre pas"):
        referral_create(
            actor=cast.amina.actor,
            person=followed,
            service=service,
            reason="Emploi",
            sections=["language", "protection"],
            consent=consent,
        )
    referral = referral_create(
        actor=cast.amina.actor,
        person=followed,
        service=service,
        reason="Emploi",
        sections=["language"],
        consent=consent,
    )
    consent_withdraw(actor=cast.amina.actor, consent=consent)
    with pytest.raises(ValidationError, match="pas en vigueur"):
        _fire(referral, "send", cast.amina.actor)


def test_refusal_needs_a_reason(cast, draft):
    _fire(draft, "send", cast.amina.actor)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        referral_transition(actor=cast.marc.actor, referral=draft, name="refuse", expected_version=draft.version)


def test_two_agents_answering_at_once_cannot_both_win(cast, draft):
    _fire(draft, "send", cast.amina.actor)
    draft.refresh_from_db()
    stale_version = draft.version
    referral_transition(actor=cast.marc.actor, referral=draft, name="accept", expected_version=stale_version)
    stale = Referral.objects.get(pk=draft.pk)
    stale.status, stale.version = ReferralStatus.SENT, stale_version  # what the second agent still sees
    with pytest.raises(ReferralConflict):
        referral_transition(
            actor=cast.marc.actor,
            referral=stale,
            name="refuse",
            expected_version=stale_version,
            refusal_reason=RefusalReason.objects.first(),
        )
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.ACCEPTED


def test_database_constraints_keep_each_state_consistent(cast, draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(status=ReferralStatus.SENT)  # no sent_at
    _fire(draft, "send", cast.amina.actor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=draft.pk).update(status=ReferralStatus.REFUSED, closed_at=timezone.now())


def test_the_recipient_sees_only_the_shared_sections_while_open_then_loses_them(cast, followed, draft, settings):
    marc = Actor(user=cast.marc.user, membership=cast.marc.membership)
    AccessGrant.objects.filter(consent__isnull=False).delete()  # only the referral's grant counts here
    assert not perms.can_view_person(marc, followed.pk)
    _fire(draft, "send", cast.amina.actor)
    marc = Actor(user=cast.marc.user, membership=cast.marc.membership)
    assert perms.visible_sections(marc, followed.pk) == {"identity", "language"}
    _fire(draft, "accept", marc)
    _fire(draft, "complete", marc, outcome="Inscrit le 12/11.")
    grant = AccessGrant.objects.get(referral_id=draft.pk)
    draft.refresh_from_db()
    assert grant.expires_at == draft.closed_at + dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)
    later = grant.expires_at + dt.timedelta(seconds=1)
    assert not AccessGrant.objects.active(at=later).filter(pk=grant.pk).exists()
