"""Demo referrals at every state, made through the real service functions (so grants and logs follow)."""

import random

from django.db import transaction

from ancrage.access import perms
from ancrage.access.models import Consent
from ancrage.access.sections import Section
from ancrage.directory.models import Service
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, OrganisationKind, Role
from ancrage.referrals.models import Referral, RefusalReason
from ancrage.referrals.services import referral_create, referral_transition

# The transitions that lead to each state, by side.
PATHS = [
    [],
    ["send"],
    ["send"],
    ["send", "accept"],
    ["send", "accept", "start"],
    ["send", "accept", "start"],
    ["send", "accept", "start", "complete"],
    ["send", "accept", "complete"],
    ["send", "refuse"],
    ["send", "accept", "abandon"],
    ["send", "cancel"],
    ["send", "expire"],
]
REASONS = {
    "employment": "Inscription comme demandeur d'emploi et premier rendez-vous avec un conseiller.",
    "social": "Demande d'aide facultative pour l'installation dans le logement.",
    "default": "Orientation vers ce service, en accord avec la personne.",
}
# What a referral needs to share, by kind of receiving organisation (within what the consent covers):
# the public employment service gets the employment and training history, never the housing
# applications or the rights.
NEEDS: dict[str, tuple[str, ...]] = {
    OrganisationKind.EMPLOYMENT: (Section.CONTACT, Section.LANGUAGE, Section.EMPLOYMENT_HISTORY),
    OrganisationKind.SOCIAL_LANDLORD: (Section.CONTACT, Section.FAMILY, Section.HOUSING),
}
OUTCOMES = ["Inscription réalisée, suivi mensuel prévu.", "Aide accordée.", "Entrée en formation confirmée."]


def _needed(kind: str, consented: list[str]) -> list[str]:
    if kind in NEEDS:
        return [s for s in NEEDS[kind] if s in consented]
    return [s for s in consented if s not in (Section.IDENTITY, Section.HEALTH)][:2]


def seed_referrals(*, seed: int = 7, limit: int = 120) -> int:
    """Referrals from accompanying referents to the services of organisations the person consented to."""
    if Referral.objects.exists():
        return 0
    rng = random.Random(seed)
    reasons = list(RefusalReason.objects.filter(is_active=True))
    services_by_org: dict[int, list[Service]] = {}
    for service in Service.objects.filter(is_active=True, structure__organisation__isnull=False).select_related(
        "structure"
    ):
        if service.structure.organisation_id is not None:
            services_by_org.setdefault(service.structure.organisation_id, []).append(service)
    consents = (
        Consent.objects.in_force()
        .prefetch_related("recipients")
        .select_related("person", "recorded_for")
        .order_by("pk")[: limit * 3]
    )
    memberships = {
        m.organisation_id: m for m in Membership.objects.active().filter(role=Role.REFERENT).select_related("user")
    }
    recipients_staff = {
        m.organisation_id: m
        for m in Membership.objects.active().filter(role__in=[Role.PARTNER_AGENT, Role.REFERENT]).select_related("user")
    }
    made = 0
    with transaction.atomic():
        for consent in consents:
            if made >= limit:
                break
            sender = memberships.get(consent.recorded_for_id)
            target = next((r for r in consent.recipients.all() if r.pk in services_by_org), None)
            if sender is None or target is None or target.pk not in recipients_staff:
                continue
            sender_actor = Actor(user=sender.user, membership=sender)
            if not perms.can_edit_person(sender_actor, consent.person_id):
                continue  # the pathway ended long ago: the organisation no longer accompanies the person
            recipient_actor = Actor(user=recipients_staff[target.pk].user, membership=recipients_staff[target.pk])
            service = rng.choice(services_by_org[target.pk])
            referral = referral_create(
                actor=sender_actor,
                person=consent.person,
                service=service,
                reason=REASONS["employment" if "emploi" in consent.purpose.lower() else "default"],
                sections=_needed(target.kind, consent.sections),
                consent=consent,
            )
            for name in PATHS[made % len(PATHS)]:
                actor = {"send": sender_actor, "cancel": sender_actor, "expire": None}.get(name, recipient_actor)
                referral = referral_transition(
                    actor=actor,
                    referral=referral,
                    name=name,
                    expected_version=referral.version,
                    refusal_reason=rng.choice(reasons) if name == "refuse" else None,
                    outcome=rng.choice(OUTCOMES) if name == "complete" else "",
                )
            made += 1
    return made
