"""Account list and creation (/plateforme/utilisateurs/): platform administrators only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ancrage.organisations.models import User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import assert_page, events

USERS_URL = reverse("platform:users")
CREATE_URL = reverse("platform:user_create")


def set_active_url(user) -> str:
    return reverse("platform:user_set_active", args=[user.pk])


def test_sofia_lists_accounts_with_their_memberships(cast, as_persona):
    html = assert_page(as_persona(cast.sofia).get(USERS_URL))
    assert "<caption>" in html
    assert "amina.referente@demo.ancrage.fr" in html
    assert "AGIR 35" in html  # Amina's membership
    assert "Administration de la plateforme" in html  # Sofia's badge


def test_search_by_name_or_email(cast, as_persona):
    client = as_persona(cast.sofia)
    html = assert_page(client.get(USERS_URL, {"q": "benali"}))
    assert "amina.referente@demo.ancrage.fr" in html
    assert "marc.conseiller" not in html
    html = assert_page(client.get(USERS_URL, {"q": "marc conseiller"}))
    assert "marc.conseiller@demo.ancrage.fr" in html
    assert "amina.referente" not in html
    html = assert_page(client.get(USERS_URL, {"q": "zzzz"}))
    assert 'data-testid="empty-state"' in html


def test_user_list_runs_a_bounded_number_of_queries(cast, as_persona, django_assert_max_num_queries):
    client = as_persona(cast.sofia)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert_page(client.get(USERS_URL))
        return len(ctx.captured_queries)

    few = count()
    for _ in range(15):
        MembershipFactory(user=UserFactory(), organisation=OrganisationFactory())
    assert count() == few
    with django_assert_max_num_queries(8):  # +1: the second-factor device (django-otp)
        client.get(USERS_URL)


def test_sofia_deactivates_and_reactivates_an_account(cast, as_persona):
    client = as_persona(cast.sofia)
    response = client.post(set_active_url(cast.marc.user), {"is_active": "0", "next": USERS_URL + "?q=marc"})
    assert response.status_code == 302
    assert response.url == USERS_URL + "?q=marc"
    cast.marc.user.refresh_from_db()
    assert not cast.marc.user.is_active
    client.post(set_active_url(cast.marc.user), {"is_active": "1"})
    cast.marc.user.refresh_from_db()
    assert cast.marc.user.is_active
    assert events("user.update").count() == 2


def test_sofia_cannot_deactivate_herself(cast, as_persona):
    client = as_persona(cast.sofia)
    response = client.post(set_active_url(cast.sofia.user), {"is_active": "0"}, follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    cast.sofia.user.refresh_from_db()
    assert cast.sofia.user.is_active
    assert not events("user.update").exists()


def test_set_active_rejects_garbage_and_foreign_redirects(cast, as_persona):
    client = as_persona(cast.sofia)
    response = client.post(set_active_url(cast.marc.user), {"is_active": "maybe", "next": "https://evil.example/"})
    assert response.url == USERS_URL
    cast.marc.user.refresh_from_db()
    assert cast.marc.user.is_active
    assert client.get(set_active_url(cast.marc.user)).status_code == 405


def test_sofia_creates_an_account_with_an_initial_password(cast, as_persona):
    response = as_persona(cast.sofia).post(
        CREATE_URL,
        {
            "email": "Lea.Roux@Example.org",
            "first_name": "Léa",
            "last_name": "Roux",
            "password1": "tilleul-grenade-42",
            "password2": "tilleul-grenade-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="lea.roux@example.org")
    assert user.check_password("tilleul-grenade-42")
    assert not user.is_staff
    assert events("user.create").get().details == {"is_staff": False, "usable_password": True}


def test_account_form_errors_are_in_french(cast, as_persona):
    client = as_persona(cast.sofia)
    html = assert_page(client.get(CREATE_URL))
    assert 'name="csrfmiddlewaretoken"' in html
    html = assert_page(
        client.post(
            CREATE_URL,
            {
                "email": "AMINA.referente@demo.ancrage.fr",
                "first_name": "",
                "last_name": "X",
                "phone": "abc",
                "password1": "tilleul-grenade-42",
                "password2": "autre",
            },
        )
    )
    assert "Un compte existe déjà avec cette adresse électronique." in html
    assert "Ce champ est obligatoire." in html
    assert "Les deux mots de passe ne correspondent pas." in html
    assert "Saisissez un numéro de téléphone valide" in html
    html = assert_page(
        client.post(
            CREATE_URL,
            {
                "email": "n@example.org",
                "first_name": "N",
                "last_name": "K",
                "password1": "123",
                "password2": "123",
            },
        )
    )
    assert "Ce mot de passe est trop court." in html
    assert not User.objects.filter(email="n@example.org").exists()
