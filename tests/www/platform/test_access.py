"""Who may open each platform page: every URL of the ``platform`` namespace is covered.

Expected answers, by persona (GET and POST alike):

- Sofia (platform admin): every page;
- Olivier (AGIR admin): his organisation's members pages; 403 on the platform-wide pages; 404 on
  another organisation's members pages;
- Amina (AGIR referent): 403 everywhere (the AGIR members pages too: her own organisation, wrong role);
- Marc, Claire, Yves, Hugo (other organisations): 403 on platform-wide pages, 404 on AGIR's members pages;
- anonymous: redirected to the login page.
"""

import pytest
from django.urls import get_resolver, reverse

from ancrage.audit.models import AuditEvent
from ancrage.organisations.models import Membership, Organisation, User

from .conftest import assert_page

MEMBER_PAGES = {"organisation_members", "membership_update", "member_two_factor_reset", "member_unlock"}
GET_ONLY = {"organisations", "users"}
POST_ONLY = {"user_set_active", "member_two_factor_reset", "member_unlock"}


def platform_url_names() -> set[str]:
    resolver = get_resolver().namespace_dict["platform"][1]
    return {pattern.name for pattern in resolver.url_patterns}


def url_for(name: str, cast, organisation=None) -> str:
    organisation = organisation or cast.agir
    membership = Membership.objects.filter(organisation=organisation).first()
    args = {
        "organisations": [],
        "organisation_create": [],
        "users": [],
        "user_create": [],
        "organisation_update": [organisation.pk],
        "organisation_members": [organisation.pk],
        "membership_update": [organisation.pk, membership.pk],
        "user_set_active": [cast.marc.user.pk],
        "member_two_factor_reset": [organisation.pk, membership.pk],
        "member_unlock": [organisation.pk, membership.pk],
    }[name]
    return reverse(f"platform:{name}", args=args)


def test_every_platform_url_is_in_this_matrix():
    assert platform_url_names() == {
        "organisations",
        "organisation_create",
        "organisation_update",
        "organisation_members",
        "membership_update",
        "users",
        "user_create",
        "user_set_active",
        "member_two_factor_reset",
        "member_unlock",
    }


def expected_status(persona_name: str, url_name: str) -> int:
    if url_name not in MEMBER_PAGES:
        return 403
    if persona_name == "olivier":
        return 200
    if persona_name == "amina":
        return 403
    return 404


def _snapshot():
    return (
        AuditEvent.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        sorted(Membership.objects.values_list("pk", "role", "is_active", "can_access_health")),
        sorted(User.objects.values_list("pk", "is_active", "is_staff")),
    )


@pytest.mark.parametrize("persona_name", ["amina", "olivier", "hugo", "marc", "claire", "yves"])
@pytest.mark.parametrize("url_name", sorted(platform_url_names()))
def test_non_platform_admins_are_denied(cast, as_persona, persona_name, url_name):
    client = as_persona(cast.all()[persona_name])
    url = url_for(url_name, cast)
    expected = expected_status(persona_name, url_name)
    before = _snapshot()
    if url_name not in POST_ONLY:
        assert_page(client.get(url), expected)
    post = client.post(
        url,
        {
            "name": "Intrus",
            "kind": "association",
            "email": "intrus@example.org",
            "first_name": "I",
            "last_name": "N",
            "role": "org_admin",
            "is_active": "0",
            "is_staff": "on",
        },
    )
    if url_name in GET_ONLY:
        assert post.status_code == 405
    elif expected == 200:
        assert post.status_code in {200, 302}
    else:
        assert post.status_code == expected
    if expected != 200:
        assert _snapshot() == before, "a denied request wrote something"


@pytest.mark.parametrize("url_name", sorted(MEMBER_PAGES))
def test_olivier_gets_404_on_another_organisation_members_pages(cast, as_persona, url_name):
    client = as_persona(cast.olivier)
    url = url_for(url_name, cast, organisation=cast.other_association)
    if url_name not in POST_ONLY:
        assert_page(client.get(url), 404)
    assert client.post(url, {"email": "intrus@example.org", "role": "org_admin"}).status_code == 404


@pytest.mark.parametrize("url_name", sorted(platform_url_names() - POST_ONLY))
def test_sofia_opens_every_platform_page(cast, as_persona, url_name):
    html = assert_page(as_persona(cast.sofia).get(url_for(url_name, cast)))
    assert 'aria-current="page">Administration</a>' in html


@pytest.mark.parametrize("url_name", sorted(platform_url_names()))
def test_anonymous_visitors_are_sent_to_login(cast, client, url_name):
    url = url_for(url_name, cast)
    response = client.get(url) if url_name not in POST_ONLY else client.post(url, {"is_active": "0"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deactivated_membership_loses_access_to_the_members_page(cast, as_persona):
    Membership.objects.filter(pk=cast.olivier.membership.pk).update(is_active=False)
    assert as_persona(cast.olivier).get(url_for("organisation_members", cast)).status_code == 404


def test_posts_need_a_csrf_token(cast):
    from django.test import Client

    from tests.conftest import login

    client = login(Client(enforce_csrf_checks=True), cast.sofia)
    response = client.post(reverse("platform:organisation_create"), {"name": "X", "kind": "association"})
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()
