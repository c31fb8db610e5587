"""Two-factor authentication (issue 12): enrolment, verification, recovery codes, reset by an admin.

Every persona with an active membership, and the platform administrator, must pass a second factor
before any page; the verify and enrol pages, logout, /healthz and public pages are reachable before.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import ApiToken, Role
from ancrage.organisations.two_factor import current_totp_code, user_requires_two_factor
from tests.conftest import login, verified_device
from tests.factories import MembershipFactory, UserFactory

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")
CODES = reverse("accounts:two_factor_recovery_codes")
PERSONS = reverse("persons:list")
PASSWORD = "demo-ancrage"


def password_login(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def events(name: str):
    return AuditEvent.objects.filter(event=name)


# --- the rule --------------------------------------------------------------------------------------


def test_every_membership_and_the_platform_admin_require_a_second_factor(cast):
    for name, persona in cast.all().items():
        assert user_requires_two_factor(persona.user), name
    assert not user_requires_two_factor(UserFactory())  # no membership, not staff: reaches nothing


def test_a_deactivated_membership_no_longer_counts(cast):
    cast.hugo.membership.is_active = False
    cast.hugo.membership.save()
    assert not user_requires_two_factor(cast.hugo.user)


# --- enrolment at the first sign-in ----------------------------------------------------------------


def test_first_sign_in_enrols_an_application_with_qr_code_secret_and_recovery_codes(cast, client):
    response = password_login(client, cast.amina.user, next_url=PERSONS)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)
    # Nothing else before enrolment.
    assert client.get(PERSONS).url.startswith(ENROL)
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=cast.amina.user, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert client.get(ENROL).content.decode().count(secret) == 1  # same secret on reload

    wrong = client.post(ENROL, {"code": "000000" if current_totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Ce code ne correspond pas" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    done = client.post(ENROL, {"code": current_totp_code(device), "next": PERSONS})
    assert done.status_code == 302
    assert done.url.startswith(CODES)
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page)
    assert len(codes) == 10
    assert "ne seront plus affichés" in codes_page
    assert StaticToken.objects.filter(device__user=cast.amina.user).count() == 10
    # Shown once only.
    assert client.get(CODES).url == reverse("accounts:profile")
    # Verified: the organisation's pages open.
    assert client.get(PERSONS).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert events("user.two_factor_enrol").filter(user=cast.amina.user).count() == 1


def test_enrolment_is_closed_once_an_application_is_confirmed(cast, client):
    verified_device(cast.amina.user)
    password_login(client, cast.amina.user)
    assert client.get(ENROL).url.startswith(VERIFY)


# --- verification at every sign-in ----------------------------------------------------------------


def test_sign_in_with_a_device_asks_for_the_code_then_goes_on(cast, client):
    device = verified_device(cast.amina.user)
    response = password_login(client, cast.amina.user, next_url=PERSONS)
    assert response.url.startswith(VERIFY)
    for url in (PERSONS, reverse("accounts:profile"), reverse("accounts:choose_organisation"), reverse("home")):
        assert client.get(url).url.startswith(VERIFY), url
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'id="menu-principal"' not in page.content.decode()  # no navigation before the second factor
    verified = client.post(response.url, {"code": current_totp_code(device), "next": PERSONS})
    assert verified.status_code == 302
    assert verified.url == PERSONS
    assert client.get(PERSONS).status_code == 200
    assert events("user.login").filter(user=cast.amina.user, details__factor="totp").exists()


def test_a_wrong_code_is_refused_in_french_and_throttled(cast, client):
    device = verified_device(cast.marc.user)
    password_login(client, cast.marc.user)
    good = current_totp_code(device)
    bad = "123456" if good != "123456" else "654321"
    response = client.post(VERIFY, {"code": bad})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.content.decode()
    assert events("user.two_factor_failed").filter(user=cast.marc.user).count() == 1
    # Right away, even the right code waits: django-otp's throttling.
    again = client.post(VERIFY, {"code": good})
    assert again.status_code == 200
    assert "Trop de codes erronés" in again.content.decode()
    assert client.get(PERSONS).url.startswith(VERIFY)


def test_a_recovery_code_works_once(cast, client):
    verified_device(cast.amina.user)
    from ancrage.organisations.two_factor import issue_recovery_codes

    code = issue_recovery_codes(cast.amina.user)[0]
    password_login(client, cast.amina.user)
    response = client.post(VERIFY, {"code": f"{code[:4]}-{code[4:]}".upper()})
    assert response.status_code == 302
    assert client.get(PERSONS).status_code == 200
    assert events("user.login").filter(details__factor="recovery_code").exists()
    client.post(reverse("accounts:logout"))
    password_login(client, cast.amina.user)
    StaticDevice.objects.filter(user=cast.amina.user).update(throttling_failure_count=0)
    reused = client.post(VERIFY, {"code": code})
    assert reused.status_code == 200
    assert "est pas valable (ou a déjà servi)" in reused.content.decode()


def test_a_password_alone_never_reuses_a_verified_session(cast, client):
    login(client, cast.amina)  # verified
    client.post(reverse("accounts:logout"))
    password_login(client, cast.amina.user)
    assert client.get(PERSONS).url.startswith(VERIFY)


def test_pages_reachable_before_the_second_factor(cast, client):
    verified_device(cast.amina.user)
    password_login(client, cast.amina.user)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("accounts:logout")).url == LOGIN
    assert client.get(PERSONS).url.startswith(LOGIN)  # signed out


def test_htmx_requests_are_sent_to_the_verify_page_with_a_client_redirect(cast, client):
    verified_device(cast.amina.user)
    password_login(client, cast.amina.user)
    response = client.get(PERSONS, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith(VERIFY)


def test_the_api_refuses_an_unverified_session_but_takes_a_token(cast, client):
    verified_device(cast.amina.user)
    password_login(client, cast.amina.user)
    response = client.get("/api/v1/persons")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    _token, key = ApiToken.issue(membership=cast.amina.membership, name="Outil")
    from django.test import Client

    assert Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_the_platform_admin_is_asked_too(cast, client):
    verified_device(cast.sofia.user)
    password_login(client, cast.sofia.user)
    assert client.get(reverse("platform:organisations")).url.startswith(VERIFY)
    assert client.get(reverse("admin:index")).url.startswith(VERIFY)


# --- recovery codes from the profile --------------------------------------------------------------


def test_recovery_codes_are_regenerated_from_the_profile(cast, as_persona):
    client = as_persona(cast.amina)
    from ancrage.organisations.two_factor import issue_recovery_codes

    old = issue_recovery_codes(cast.amina.user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Il vous reste 10 codes de secours." in profile
    response = client.post(reverse("accounts:two_factor_recovery_codes_regenerate"))
    assert response.url == CODES
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", client.get(CODES).content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=cast.amina.user).values_list("token", flat=True))
    assert not tokens & set(old)
    assert events("user.recovery_codes_regenerate").count() == 1


# --- reset by an organisation admin ---------------------------------------------------------------


def reset_url(organisation, membership) -> str:
    return reverse("platform:member_two_factor_reset", args=[organisation.pk, membership.pk])


def test_olivier_resets_aminas_second_factor_and_she_enrols_again(cast, as_persona, client):
    from django.test import Client

    amina_client = login(Client(), cast.amina)
    assert amina_client.get(PERSONS).status_code == 200
    members = as_persona(cast.olivier).get(reverse("platform:organisation_members", args=[cast.agir.pk]))
    assert "Réinitialiser la double authentification" in members.content.decode()
    response = as_persona(cast.olivier).post(reset_url(cast.agir, cast.amina.membership))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.amina.user).exists()
    event = events("user.two_factor_reset").get()
    assert event.user == cast.olivier.user
    assert event.details["user_id"] == cast.amina.user.pk
    # Her open session loses its verification; the next sign-in asks for a new application.
    assert amina_client.get(PERSONS).url.startswith(ENROL)


def test_sofia_resets_any_member(cast, as_persona):
    verified_device(cast.marc.user)
    response = as_persona(cast.sofia).post(reset_url(cast.france_travail, cast.marc.membership))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.marc.user).exists()


@pytest.mark.parametrize(("who", "expected"), [("amina", 403), ("other_admin", 404), ("marc", 404)])
def test_others_cannot_reset_a_member(cast, as_persona, who, expected):
    device = verified_device(cast.olivier.user)
    if who == "other_admin":
        persona = MembershipFactory(organisation=cast.other_association, role=Role.ORG_ADMIN)
        client = login(as_persona(cast.hugo), persona.user)
        from ancrage.organisations.actor import SESSION_KEY

        session = client.session
        session[SESSION_KEY] = persona.pk
        session.save()
    else:
        client = as_persona(cast.all()[who])
    response = client.post(reset_url(cast.agir, cast.olivier.membership))
    assert response.status_code == expected
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not events("user.two_factor_reset").exists()


def test_an_org_admin_cannot_reset_a_platform_admins_second_factor(cast, as_persona):
    membership = MembershipFactory(user=cast.sofia.user, organisation=cast.agir, role=Role.REFERENT)
    verified_device(cast.sofia.user)
    response = as_persona(cast.olivier).post(reset_url(cast.agir, membership))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=cast.sofia.user).exists()


# --- demo mode -------------------------------------------------------------------------------------


def test_demo_accounts_see_their_current_code_in_demo_mode_only(cast, client, settings):
    settings.DEMO_MODE = True
    device = verified_device(cast.amina.user)
    password_login(client, cast.amina.user)
    html = client.get(VERIFY).content.decode()
    assert "Démonstration : code actuel" in html
    code = re.search(r"code actuel (\d{3}) (\d{3})", html)
    assert code.group(1) + code.group(2) == current_totp_code(device)
    settings.DEMO_MODE = False
    assert "Démonstration" not in client.get(VERIFY).content.decode()


def test_no_demo_code_for_an_account_outside_the_demo_domain(cast, client, settings):
    settings.DEMO_MODE = True
    verified_device(cast.olivier.user)  # olivier.admin@example.org
    password_login(client, cast.olivier.user)
    assert "Démonstration" not in client.get(VERIFY).content.decode()


def test_demo_accounts_command_pre_enrols_the_demo_accounts(territory, rome, settings):
    from io import StringIO

    settings.DEMO_MODE = True
    call_command("seed_demo", persons=5, stdout=StringIO())
    call_command("demo_accounts", stdout=StringIO())
    from ancrage.demo.cast import ACCOUNTS

    for account in ACCOUNTS:
        assert TOTPDevice.objects.filter(user__email=account.email, confirmed=True).count() == 1, account.email
    call_command("demo_accounts", stdout=StringIO())  # idempotent
    assert TOTPDevice.objects.filter(user__email=ACCOUNTS[0].email).count() == 1
