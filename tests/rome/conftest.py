"""The ROME, loaded once per test session, and only by the sessions that run these tests.

The load takes a couple of seconds (14,700 rows): the root ``django_db_setup`` does not pay it for
every session; a future feature that needs the ROME elsewhere can move this fixture up.
"""

import pytest

from ancrage.rome.models import RomeAppellation
from ancrage.rome.services import rome_load


@pytest.fixture(scope="session")
def _rome_session(django_db_setup, django_db_blocker) -> None:
    with django_db_blocker.unblock():
        rome_load()


@pytest.fixture
def rome(db, _rome_session) -> None:
    """The ROME v4.60 in the test database (loaded again after a test that flushed it)."""
    if not RomeAppellation.objects.exists():
        rome_load()
