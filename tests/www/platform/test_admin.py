"""The Django admin back office: accounts, organisations, memberships, API tokens — never case content."""

import pytest
from django.contrib import admin
from django.urls import reverse

from ancrage.organisations.models import ApiToken, Membership, Organisation, User
from tests.conftest import login
from tests.factories import UserFactory

from .conftest import events

CASE_APPS = {"persons", "access"}
# Reference data kept in case apps, without any case content: programme rules (dated configuration).
REFERENCE_MODELS = {"pathways.programmerule"}


def test_no_person_or_pathway_model_is_registered():
    from ancrage.pathways.models import Pathway
    from ancrage.persons.models import Person

    registered = set(admin.site._registry)
    assert not {model._meta.app_label for model in registered} & CASE_APPS
    for model in registered:
        if model._meta.label_lower in REFERENCE_MODELS:
            continue
        assert model._meta.app_label != "pathways", model
        related = {f.related_model for f in [*model._meta.fields, *model._meta.many_to_many] if f.is_relation}
        assert not related & {Person, Pathway}, f"{model} holds case content"
    for model in (User, Organisation, Membership, ApiToken):
        assert model in admin.site._registry


@pytest.mark.parametrize("model", [User, Organisation, Membership, ApiToken])
def test_sofia_opens_the_admin_lists_and_forms(cast, client, model):
    login(client, cast.sofia)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    if model is not ApiToken:
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_non_staff_users_are_kept_out_of_the_admin(cast, client):
    login(client, cast.olivier)
    response = client.get(reverse("admin:organisations_organisation_changelist"))
    assert response.status_code == 302


def test_admin_add_user_by_email_is_lowercased_unique_and_audited(cast, client):
    login(client, cast.sofia)
    url = reverse("admin:organisations_user_add")
    response = client.post(
        url, {"email": "Paul.Henry@Example.org", "first_name": "Paul", "last_name": "Henry", "usable_password": "false"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="paul.henry@example.org")
    assert not user.has_usable_password()
    assert events("user.create").get().details["via"] == "admin"
    response = client.post(
        url, {"email": "PAUL.henry@example.org", "first_name": "P", "last_name": "H", "usable_password": "false"}
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse électronique." in response.content.decode()


def test_sofia_cannot_grant_superuser_rights_in_the_admin(cast, client):
    login(client, cast.sofia)
    html = client.get(reverse("admin:organisations_user_change", args=[cast.sofia.user.pk])).content.decode()
    assert 'name="is_superuser"' not in html
    superuser = UserFactory(is_superuser=True, is_staff=True)
    change_url = reverse("admin:organisations_user_change", args=[superuser.pk])
    assert client.post(change_url, {"email": superuser.email, "first_name": "X", "last_name": "Y"}).status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "x-new-pass-42", "password2": "x-new-pass-42"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("demo-ancrage")
    assert client.get(reverse("admin:organisations_user_delete", args=[cast.amina.user.pk])).status_code == 403


def test_admin_organisation_duplicate_siret_gets_a_french_message(cast, client):
    Organisation.objects.filter(pk=cast.agir.pk).update(siret="13002526500013")
    login(client, cast.sofia)
    response = client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Doublon",
            "kind": "association",
            "siret": "13002526500013",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Une organisation avec ce SIRET existe déjà." in response.content.decode()


def test_admin_revokes_api_tokens_with_an_audit_event(cast, client):
    token, _key = ApiToken.issue(membership=cast.amina.membership, name="Tableur")
    login(client, cast.sofia)
    response = client.post(
        reverse("admin:organisations_apitoken_changelist"),
        {
            "action": "revoke",
            "_selected_action": [token.pk],
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert events("apitoken.revoke").exists()
    html = client.get(reverse("admin:organisations_apitoken_change", args=[token.pk])).content.decode()
    assert 'name="key_hash"' not in html  # read-only
