"""Service functions of ancrage.organisations.services: permissions, validation and audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ancrage.audit.models import AuditAction, AuditEvent
from ancrage.core.validators import validate_siret
from ancrage.organisations import services
from ancrage.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from ancrage.territory.models import Commune
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import events

VALID_SIRET = "13002526500013"
OTHER_VALID_SIRET = "73282932000074"


def test_example_sirets_pass_the_validator():
    validate_siret(VALID_SIRET)
    validate_siret(OTHER_VALID_SIRET)


def test_sofia_creates_an_organisation_with_communes_and_an_audit_event(cast):
    rennes, cesson = Commune.objects.order_by("name")[:2]
    organisation = services.organisation_create(
        actor=cast.sofia.actor,
        name="Secours Populaire 35",
        kind=OrganisationKind.ASSOCIATION,
        siret=VALID_SIRET,
        commune=rennes,
        communes=[rennes, cesson],
    )
    assert set(organisation.communes.all()) == {rennes, cesson}
    event = AuditEvent.objects.get(event="organisation.create")
    assert event.action == AuditAction.CREATE
    assert event.user == cast.sofia.user
    assert event.object_id == str(organisation.pk)
    assert event.person_id is None


def test_invalid_siret_is_refused_in_french_and_nothing_is_saved(cast):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=cast.sofia.actor, name="X", kind=OrganisationKind.ASSOCIATION, siret="13002526500014"
        )
    assert "Ce SIRET n'est pas valide (clé de contrôle)." in excinfo.value.message_dict["siret"]
    assert Organisation.objects.count() == before
    assert not events("organisation.create").exists()


def test_duplicate_siret_is_refused(cast):
    OrganisationFactory(siret=VALID_SIRET)
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=cast.sofia.actor, name="Doublon", kind=OrganisationKind.ASSOCIATION, siret=VALID_SIRET
        )
    assert excinfo.value.message_dict["siret"] == ["Une organisation avec ce SIRET existe déjà."]


@pytest.mark.parametrize("name", ["amina", "olivier", "marc", "claire", "yves"])
def test_only_platform_admins_create_or_update_organisations(cast, name):
    actor = cast.all()[name].actor
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=actor, name="X", kind=OrganisationKind.ASSOCIATION)
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=actor, organisation=cast.agir, data={"name": "Renamed"})
    assert not AuditEvent.objects.exists()


def test_organisation_update_records_the_changed_fields(cast):
    saint_jacques = Commune.objects.get(name__startswith="Saint-Jacques")
    services.organisation_update(
        actor=cast.sofia.actor,
        organisation=cast.agir,
        data={"name": "AGIR 35", "siret": ""},
        communes=[saint_jacques],
    )
    cast.agir.refresh_from_db()
    assert cast.agir.name == "AGIR 35"
    assert list(cast.agir.communes.all()) == [saint_jacques]
    event = events("organisation.update").get()
    assert event.details == {"fields": ["name", "communes"]}


def test_organisation_update_refuses_a_stale_edit(cast):
    loaded_at = cast.agir.updated_at
    services.organisation_update(actor=cast.sofia.actor, organisation=cast.agir, data={"short_name": "AGIR"})
    stale = Organisation.objects.get(pk=cast.agir.pk)
    stale.updated_at = loaded_at
    with pytest.raises(services.StaleEditError):
        services.organisation_update(
            actor=cast.sofia.actor, organisation=stale, data={"name": "Overwrite"}, expected_updated_at=loaded_at
        )
    cast.agir.refresh_from_db()
    assert cast.agir.name != "Overwrite"


def test_user_create_lowercases_the_email_and_sets_an_unusable_password(cast):
    user = services.user_create(
        actor=cast.sofia.actor, email=" Nadia.Kaci@Example.ORG ", first_name="Nadia", last_name="Kaci"
    )
    assert user.email == "nadia.kaci@example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert events("user.create").get().object_id == str(user.pk)


def test_user_create_with_an_initial_password(cast):
    user = services.user_create(
        actor=cast.sofia.actor,
        email="n@example.org",
        first_name="Nadia",
        last_name="Kaci",
        password="tilleul-grenade-42",
    )
    assert user.check_password("tilleul-grenade-42")


def test_user_create_refuses_a_weak_password(cast):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=cast.sofia.actor, email="n@example.org", first_name="N", last_name="K", password="123"
        )
    assert not User.objects.filter(email="n@example.org").exists()


def test_user_create_refuses_an_existing_email_whatever_its_case(cast):
    with pytest.raises(ValidationError) as excinfo:
        services.user_create(
            actor=cast.sofia.actor, email="AMINA.referente@demo.ancrage.fr", first_name="A", last_name="B"
        )
    assert excinfo.value.message_dict["email"] == ["Un compte existe déjà avec cette adresse électronique."]


def test_org_admin_may_create_accounts_but_never_a_platform_admin(cast):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=cast.olivier.actor, email="x@example.org", first_name="X", last_name="Y", is_staff=True
        )
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize("name", ["amina", "marc", "claire"])
def test_other_roles_create_no_account(cast, name):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=cast.all()[name].actor, email="x@example.org", first_name="X", last_name="Y")


def test_sofia_creates_a_user_and_a_membership(cast):
    user = services.user_create(actor=cast.sofia.actor, email="lea@example.org", first_name="Léa", last_name="Roux")
    membership = services.membership_create(
        actor=cast.sofia.actor,
        organisation=cast.france_travail,
        user=user,
        role=Role.PARTNER_AGENT,
        can_access_health=False,
    )
    assert membership.is_active
    event = events("membership.create").get()
    assert event.action == AuditAction.CREATE
    assert event.details["organisation_id"] == cast.france_travail.pk


def test_membership_create_refuses_a_second_membership_in_the_same_organisation(cast):
    with pytest.raises(ValidationError):
        services.membership_create(
            actor=cast.sofia.actor, organisation=cast.agir, user=cast.amina.user, role=Role.REFERENT
        )


def test_org_admin_adds_members_only_to_their_own_organisation(cast):
    user = UserFactory()
    services.membership_create(actor=cast.olivier.actor, organisation=cast.agir, user=user, role=Role.REFERENT)
    with pytest.raises(PermissionDenied):
        services.membership_create(
            actor=cast.olivier.actor, organisation=cast.other_association, user=user, role=Role.REFERENT
        )
    with pytest.raises(PermissionDenied):
        services.membership_update(actor=cast.olivier.actor, membership=cast.hugo.membership, role=Role.ORG_ADMIN)
    assert Membership.objects.filter(user=user).count() == 1


def test_a_referent_manages_no_membership(cast):
    with pytest.raises(PermissionDenied):
        services.membership_update(actor=cast.amina.actor, membership=cast.amina.membership, role=Role.ORG_ADMIN)


def test_membership_update_records_the_changed_fields(cast):
    services.membership_update(
        actor=cast.olivier.actor, membership=cast.amina.membership, can_access_health=False, role=Role.REFERENT
    )
    cast.amina.membership.refresh_from_db()
    assert not cast.amina.membership.can_access_health
    assert events("membership.update").get().details["fields"] == ["can_access_health"]


def test_last_org_admin_cannot_deactivate_or_demote_their_own_membership(cast):
    for change in ({"is_active": False}, {"role": Role.REFERENT}):
        with pytest.raises(ValidationError) as excinfo:
            services.membership_update(actor=cast.olivier.actor, membership=cast.olivier.membership, **change)
        assert "dernier administrateur actif" in excinfo.value.messages[0]
    cast.olivier.membership.refresh_from_db()
    assert cast.olivier.membership.is_active
    assert cast.olivier.membership.role == Role.ORG_ADMIN
    assert not events("membership.update").exists()


def test_an_org_admin_may_step_down_once_another_admin_exists(cast):
    MembershipFactory(organisation=cast.agir, role=Role.ORG_ADMIN)
    services.membership_update(actor=cast.olivier.actor, membership=cast.olivier.membership, role=Role.REFERENT)
    cast.olivier.membership.refresh_from_db()
    assert cast.olivier.membership.role == Role.REFERENT


def test_member_add_creates_the_account_and_the_membership_together(cast):
    membership = services.member_add(
        actor=cast.olivier.actor,
        organisation=cast.agir,
        email="New.Colleague@X.org",
        first_name="Inès",
        last_name="Garnier",
        role=Role.REFERENT,
    )
    assert membership.user.email == "new.colleague@x.org"
    assert events("user.create").count() == 1
    assert events("membership.create").count() == 1


def test_member_add_without_names_for_an_unknown_email_writes_nothing(cast):
    with pytest.raises(ValidationError) as excinfo:
        services.member_add(actor=cast.olivier.actor, organisation=cast.agir, email="nobody@x.org", role=Role.REFERENT)
    assert set(excinfo.value.message_dict) == {"first_name", "last_name"}
    assert not User.objects.filter(email="nobody@x.org").exists()
    assert not AuditEvent.objects.exists()


def test_user_update_deactivates_but_never_oneself(cast):
    services.user_update(actor=cast.sofia.actor, user=cast.marc.user, data={"is_active": False})
    cast.marc.user.refresh_from_db()
    assert not cast.marc.user.is_active
    assert events("user.update").get().details == {"fields": ["is_active"]}
    with pytest.raises(ValidationError):
        services.user_update(actor=cast.sofia.actor, user=cast.sofia.user, data={"is_active": False})
    with pytest.raises(ValidationError):
        services.user_update(actor=cast.sofia.actor, user=cast.sofia.user, data={"is_staff": False})


def test_org_admin_cannot_update_accounts(cast):
    with pytest.raises(PermissionDenied):
        services.user_update(actor=cast.olivier.actor, user=cast.amina.user, data={"is_staff": True})
    cast.amina.user.refresh_from_db()
    assert not cast.amina.user.is_staff
