import pytest

from ancrage.directory.perms import can_edit_service, can_view_directory

from .helpers import make_service, make_structure

pytestmark = pytest.mark.django_db


def test_who_may_edit_a_service(cast):
    service = make_service(make_structure(cast.agir))
    assert can_edit_service(cast.olivier.actor, service)  # org admin of the maintaining organisation
    assert can_edit_service(cast.amina.actor, service)  # referent of the maintaining organisation
    assert can_edit_service(cast.sofia.actor, service)  # platform admin
    assert not can_edit_service(cast.hugo.actor, service)  # referent elsewhere
    assert not can_edit_service(cast.marc.actor, service)  # partner agent elsewhere
    assert not can_edit_service(cast.claire.actor, service)  # coordinator


def test_nobody_but_admins_edit_an_unmaintained_structure(cast):
    service = make_service(make_structure(None))
    assert not can_edit_service(cast.olivier.actor, service)
    assert can_edit_service(cast.sofia.actor, service)


def test_directory_is_for_members_and_admins(cast):
    assert all(can_view_directory(p.actor) for p in cast.all().values())
    assert not can_view_directory(None)
