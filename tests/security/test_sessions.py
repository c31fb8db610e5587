"""Session expiry on inactivity and the password policy (issue 12 §3)."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.organisations.session_expiry import LAST_ACTIVITY_SESSION_KEY

PERSONS = reverse("persons:list")
PROFILE = reverse("accounts:profile")


def set_last_activity(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_thirty_minutes_without_a_request_end_the_session(cast, as_persona):
    client = as_persona(cast.amina)
    assert client.get(PERSONS).status_code == 200
    set_last_activity(client, 31 * 60)
    response = client.get(PERSONS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Votre session a expiré" in page
    assert client.get(PERSONS).url.startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_open(cast, as_persona):
    client = as_persona(cast.amina)
    set_last_activity(client, 29 * 60)
    assert client.get(PERSONS).status_code == 200
    assert int(time.time()) - client.session[LAST_ACTIVITY_SESSION_KEY] < 5  # refreshed
    assert client.get(PERSONS).status_code == 200


def test_background_polling_does_not_count_as_activity(cast, as_persona, settings):
    settings.SESSION_IDLE_IGNORED_URL_NAMES = ("accounts:profile",)
    client = as_persona(cast.amina)
    set_last_activity(client, 10 * 60)
    before = client.session[LAST_ACTIVITY_SESSION_KEY]
    assert client.get(PROFILE).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == before
    assert client.get(PERSONS).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] > before


def test_the_real_polling_endpoints_are_ignored():
    assert "imports:status" in django_settings.SESSION_IDLE_IGNORED_URL_NAMES
    assert "steering:report_status" in django_settings.SESSION_IDLE_IGNORED_URL_NAMES


def test_an_expired_session_gets_a_json_401_from_the_api(cast, as_persona):
    client = as_persona(cast.amina)
    set_last_activity(client, 31 * 60)
    response = client.get("/api/v1/persons")
    assert response.status_code == 401
    assert "expiré" in response.json()["detail"]


def test_the_timeout_is_configurable_and_can_be_off(cast, as_persona, settings):
    client = as_persona(cast.amina)
    settings.SESSION_IDLE_TIMEOUT = 0
    set_last_activity(client, 5 * 3600)
    assert client.get(PERSONS).status_code == 200
    settings.SESSION_IDLE_TIMEOUT = 60
    set_last_activity(client, 120)
    assert client.get(PERSONS).status_code == 302


def test_the_absolute_cap_stays_ten_hours():
    assert django_settings.SESSION_COOKIE_AGE == 10 * 3600


# --- password policy ---------------------------------------------------------------------------------


def test_passwords_need_twelve_characters_with_a_french_message():
    with pytest.raises(ValidationError) as error:
        validate_password("Zq8#tr!m2Lp")  # 11 characters
    assert "au minimum 12 caractères" in " ".join(error.value.messages)
    validate_password("Zq8#tr!m2Lpx")  # 12


def test_common_and_numeric_passwords_are_still_refused():
    with pytest.raises(ValidationError):
        validate_password("123456789012345")
    with pytest.raises(ValidationError):
        validate_password("1qaz2wsx3edc")  # in the common-passwords list
