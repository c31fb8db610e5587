"""Health check, error pages, login and the audit log's append-only guarantee."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ancrage.audit.models import AppendOnlyError, AuditEvent
from ancrage.organisations.two_factor import current_totp_code
from tests.conftest import verified_device

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "vendor": connection.vendor}


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("persons:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_login_with_a_wrong_password_says_so_in_french(client, cast):
    response = client.post(reverse("accounts:login"), {"username": cast.amina.user.email, "password": "nope"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def _sign_in(client, user) -> None:
    """Password, then the second factor, as a user does."""
    device = verified_device(user)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "demo-ancrage"})
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    client.post(response.url, {"code": current_totp_code(device)})


def test_login_lands_referents_on_their_caseload_and_coordinators_on_the_dashboard(client, cast):
    _sign_in(client, cast.amina.user)
    assert client.get("/").url == reverse("persons:list")
    client.logout()
    _sign_in(client, cast.claire.user)
    assert client.get("/").url == reverse("dashboard:index")


def test_the_404_page_is_the_projects_and_in_french(client, cast, as_persona):
    response = as_persona(cast.amina).get("/personnes/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_audit_events_cannot_be_changed_or_deleted(cast):
    event = AuditEvent.objects.create(action="read", event="person.read")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    # Below the ORM, the database refuses too.
    for statement in ("UPDATE audit_auditevent SET event = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).event == "person.read"
