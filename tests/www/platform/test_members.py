"""An organisation's members page (/plateforme/organisations/<pk>/membres/).

Platform administrators and the organisation's own admins manage members; a member of the same
organisation with another role gets 403, anyone from another organisation gets 404.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.organisations.models import Membership, Role, User
from tests.factories import MembershipFactory

from .conftest import assert_page, events


def members_url(organisation) -> str:
    return reverse("platform:organisation_members", args=[organisation.pk])


def membership_url(membership) -> str:
    return reverse("platform:membership_update", args=[membership.organisation_id, membership.pk])


def test_olivier_sees_his_organisation_members(cast, as_persona):
    html = assert_page(as_persona(cast.olivier).get(members_url(cast.agir)))
    assert "amina.referente@demo.ancrage.fr" in html
    assert "Référent de parcours" in html
    assert "<caption>" in html
    assert 'aria-current="page"' in html  # "Mon organisation" is the current menu entry
    assert "hugo.referent@example.org" not in html
    main = html.split('<main id="contenu"')[1].split("</main>")[0]
    assert "/personnes/" not in main  # the page links to no case content


def test_olivier_adds_an_existing_account_by_email(cast, as_persona):
    response = as_persona(cast.olivier).post(
        members_url(cast.agir),
        {"email": "HUGO.referent@example.org", "role": Role.REFERENT, "can_access_health": "on"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.hugo.user, organisation=cast.agir)
    assert membership.can_access_health
    assert events("membership.create").get().user == cast.olivier.user
    assert not events("user.create").exists()


def test_olivier_creates_a_new_colleague(cast, as_persona):
    response = as_persona(cast.olivier).post(
        members_url(cast.agir),
        {
            "email": "Ines.Garnier@Coallia.org",
            "first_name": "Inès",
            "last_name": "Garnier",
            "role": Role.REFERENT,
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ines.garnier@coallia.org")
    assert not user.is_staff  # an org admin never grants platform administration
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == cast.agir
    assert events("user.create").count() == 1
    assert events("membership.create").count() == 1


def test_a_new_email_without_names_is_a_french_error(cast, as_persona):
    html = assert_page(
        as_persona(cast.olivier).post(members_url(cast.agir), {"email": "nobody@example.org", "role": Role.REFERENT})
    )
    assert "indiquez le prénom pour le créer" in html
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_adding_an_existing_member_again_is_refused(cast, as_persona):
    html = assert_page(
        as_persona(cast.olivier).post(
            members_url(cast.agir), {"email": "amina.referente@demo.ancrage.fr", "role": Role.REFERENT}
        )
    )
    assert "déjà membre de l&#x27;organisation" in html
    assert Membership.objects.filter(user=cast.amina.user).count() == 1


def test_bad_input_is_a_form_error(cast, as_persona):
    html = assert_page(as_persona(cast.olivier).post(members_url(cast.agir), {"email": "x", "role": "boss"}))
    assert "Saisissez une adresse de courriel valide." in html
    assert "Sélectionnez un choix valide" in html


def test_olivier_changes_a_role_and_the_health_permission(cast, as_persona):
    client = as_persona(cast.olivier)
    assert_page(client.get(membership_url(cast.amina.membership)))
    response = client.post(membership_url(cast.amina.membership), {"role": Role.ORG_ADMIN, "is_active": "on"})
    assert response.status_code == 302
    cast.amina.membership.refresh_from_db()
    assert cast.amina.membership.role == Role.ORG_ADMIN
    assert not cast.amina.membership.can_access_health
    assert events("membership.update").get().details["fields"] == ["can_access_health", "role"]


def test_olivier_deactivates_a_member(cast, as_persona):
    as_persona(cast.olivier).post(membership_url(cast.amina.membership), {"role": Role.REFERENT})
    cast.amina.membership.refresh_from_db()
    assert not cast.amina.membership.is_active


def test_olivier_cannot_remove_his_own_last_admin_membership(cast, as_persona):
    html = assert_page(as_persona(cast.olivier).post(membership_url(cast.olivier.membership), {"role": Role.ORG_ADMIN}))
    assert "Vous êtes le dernier administrateur actif de cette organisation" in html
    cast.olivier.membership.refresh_from_db()
    assert cast.olivier.membership.is_active
    assert not events("membership.update").exists()


def test_olivier_steps_down_when_another_admin_exists_and_leaves_the_page(cast, as_persona):
    MembershipFactory(organisation=cast.agir, role=Role.ORG_ADMIN)
    response = as_persona(cast.olivier).post(
        membership_url(cast.olivier.membership), {"role": Role.REFERENT, "is_active": "on"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    cast.olivier.membership.refresh_from_db()
    assert cast.olivier.membership.role == Role.REFERENT


def test_olivier_gets_404_on_another_organisation(cast, as_persona):
    client = as_persona(cast.olivier)
    assert_page(client.get(members_url(cast.other_association)), 404)
    response = client.post(
        members_url(cast.other_association),
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": Role.REFERENT},
    )
    assert response.status_code == 404
    assert_page(client.get(membership_url(cast.hugo.membership)), 404)
    assert client.post(membership_url(cast.hugo.membership), {"role": Role.ORG_ADMIN}).status_code == 404
    cast.hugo.membership.refresh_from_db()
    assert cast.hugo.membership.role == Role.REFERENT
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_membership_of_another_organisation_is_404_under_his_own(cast, as_persona):
    url = reverse("platform:membership_update", args=[cast.agir.pk, cast.hugo.membership.pk])
    assert as_persona(cast.olivier).get(url).status_code == 404


def test_a_referent_of_the_same_organisation_gets_403(cast, as_persona):
    client = as_persona(cast.amina)
    html = assert_page(client.get(members_url(cast.agir)), 403)
    assert "Accès refusé" in html
    assert (
        client.post(members_url(cast.agir), {"email": "hugo.referent@example.org", "role": Role.REFERENT}).status_code
        == 403
    )
    assert (
        client.post(membership_url(cast.amina.membership), {"role": Role.ORG_ADMIN, "is_active": "on"}).status_code
        == 403
    )
    cast.amina.membership.refresh_from_db()
    assert cast.amina.membership.role == Role.REFERENT
    assert not Membership.objects.filter(user=cast.hugo.user, organisation=cast.agir).exists()


@pytest.mark.parametrize("name", ["marc", "claire", "yves", "hugo"])
def test_members_of_other_organisations_get_404(cast, as_persona, name):
    assert_page(as_persona(cast.all()[name]).get(members_url(cast.agir)), 404)


def test_sofia_manages_any_organisation_members(cast, as_persona):
    client = as_persona(cast.sofia)
    html = assert_page(client.get(members_url(cast.france_travail)))
    assert "marc.conseiller@demo.ancrage.fr" in html
    response = client.post(
        members_url(cast.france_travail),
        {
            "email": "lea.roux@francetravail.fr",
            "first_name": "Léa",
            "last_name": "Roux",
            "role": Role.PARTNER_AGENT,
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(organisation=cast.france_travail, user__email="lea.roux@francetravail.fr").exists()
    assert events("membership.create").get().user == cast.sofia.user


def test_missing_organisation_is_404(cast, as_persona):
    assert as_persona(cast.sofia).get(reverse("platform:organisation_members", args=[99999])).status_code == 404


def test_members_page_runs_a_bounded_number_of_queries(cast, as_persona, django_assert_max_num_queries):
    client = as_persona(cast.olivier)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert_page(client.get(members_url(cast.agir)))
        return len(ctx.captured_queries)

    few = count()
    MembershipFactory.create_batch(18, organisation=cast.agir)
    assert count() == few
    # The menu asks once whether the organisation carries a fiche action of the contract; django-otp
    # loads the session's second-factor device; the sign-in column asks who enrolled and who is locked;
    # the menu counts the duplicate pairs waiting for the organisation admin.
    with django_assert_max_num_queries(12):
        client.get(members_url(cast.agir))
