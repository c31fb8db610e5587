"""Sign-in lockout (django-axes, issue 12): per account (5 failures) and per address (30), 15 minutes.

The lockout page is French and answers 429; an organisation admin (or the platform administrator)
unlocks a member from the members page, with an audit event.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import Role
from tests.conftest import login
from tests.factories import MembershipFactory, UserFactory

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")


def attempt(email: str, password: str, ip: str = "192.0.2.10"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": email, "password": password})


def signed_in(response) -> bool:
    """After the password, a successful sign-in goes on to the second factor."""
    return response.status_code == 302 and response.url.startswith((VERIFY, ENROL))


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(cast):
    email = cast.amina.user.email
    for _ in range(15):
        response = attempt(email, "mauvais-mot-de-passe")
        assert response.status_code in {200, 429}
    refused = attempt(email, "demo-ancrage")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Trop de tentatives de connexion" in html
    assert "bloquée pendant 15 minutes" in html
    assert not signed_in(refused)


def test_the_fifth_failure_locks_and_the_message_is_french(cast):
    email = cast.marc.user.email
    for _ in range(4):
        assert attempt(email, "faux").status_code == 200
    fifth = attempt(email, "faux")
    assert fifth.status_code == 429
    assert "Réessayez plus tard" in fifth.content.decode()


def test_the_account_is_locked_from_any_address_and_whatever_the_case(cast):
    email = cast.amina.user.email
    for index in range(5):
        attempt(email.upper() if index % 2 else email, "faux", ip=f"198.51.100.{index + 1}")
    assert attempt(email, "demo-ancrage", ip="203.0.113.99").status_code == 429


def test_another_account_from_another_address_still_signs_in(cast):
    for _ in range(15):
        attempt(cast.amina.user.email, "faux")
    assert signed_in(attempt(cast.marc.user.email, "demo-ancrage", ip="203.0.113.7"))


def test_a_colleague_behind_the_same_address_still_signs_in(cast):
    """A few typos of one agent do not lock the whole agency's NAT address (limit 30 per address)."""
    for _ in range(5):
        attempt(cast.amina.user.email, "faux")
    assert signed_in(attempt(cast.olivier.user.email, "demo-ancrage"))


def test_password_spraying_from_one_address_locks_that_address(cast, settings):
    settings.ANCRAGE_LOCKOUT_IP_FAILURE_LIMIT = 6
    for index in range(6):
        attempt(f"inconnu{index}@example.org", "faux", ip="192.0.2.66")
    assert attempt(cast.marc.user.email, "demo-ancrage", ip="192.0.2.66").status_code == 429
    assert signed_in(attempt(cast.marc.user.email, "demo-ancrage", ip="192.0.2.67"))


def test_the_lock_ends_after_the_cool_off(cast):
    for _ in range(5):
        attempt(cast.amina.user.email, "faux")
    assert attempt(cast.amina.user.email, "demo-ancrage").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert signed_in(attempt(cast.amina.user.email, "demo-ancrage"))


# --- unlock from the members page -----------------------------------------------------------------


def unlock_url(organisation, membership) -> str:
    return reverse("platform:member_unlock", args=[organisation.pk, membership.pk])


def lock(user) -> None:
    for _ in range(5):
        attempt(user.email, "faux")
    assert attempt(user.email, "demo-ancrage").status_code == 429


def test_olivier_sees_the_lock_and_unlocks_amina(cast, as_persona):
    lock(cast.amina.user)
    client = as_persona(cast.olivier)
    members = client.get(reverse("platform:organisation_members", args=[cast.agir.pk])).content.decode()
    assert "Bloqué (trop de tentatives)" in members
    assert unlock_url(cast.agir, cast.amina.membership) in members
    response = client.post(unlock_url(cast.agir, cast.amina.membership))
    assert response.status_code == 302
    assert signed_in(attempt(cast.amina.user.email, "demo-ancrage"))
    event = AuditEvent.objects.get(event="user.lockout_clear")
    assert event.user == cast.olivier.user
    assert event.details["user_id"] == cast.amina.user.pk
    members = client.get(reverse("platform:organisation_members", args=[cast.agir.pk])).content.decode()
    assert "Bloqué (trop de tentatives)" not in members


def test_sofia_unlocks_any_member(cast, as_persona):
    lock(cast.marc.user)
    assert as_persona(cast.sofia).post(unlock_url(cast.france_travail, cast.marc.membership)).status_code == 302
    assert signed_in(attempt(cast.marc.user.email, "demo-ancrage"))


@pytest.mark.parametrize(("who", "expected"), [("amina", 403), ("other_admin", 404), ("claire", 404)])
def test_others_cannot_unlock(cast, as_persona, who, expected):
    lock(cast.olivier.user)
    if who == "other_admin":
        admin = MembershipFactory(user=UserFactory(), organisation=cast.other_association, role=Role.ORG_ADMIN)
        client = login(Client(), admin.user)
    else:
        client = as_persona(cast.all()[who])
    assert client.post(unlock_url(cast.agir, cast.olivier.membership)).status_code == expected
    assert attempt(cast.olivier.user.email, "demo-ancrage").status_code == 429
    assert not AuditEvent.objects.filter(event="user.lockout_clear").exists()
