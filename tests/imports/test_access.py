"""Who may see and drive an import: generated from ``tests/access/matrix.py`` (IMPORT_RUN_PAGES, LIST_PAGES)."""

import pytest
from django.urls import reverse

from ancrage.imports import services
from ancrage.imports.models import ImportRun, ImportStatus

from ..access import matrix
from ..conftest import login
from . import spreadsheets as sheets

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénom", "Date de naissance"]


@pytest.fixture
def amina_run(cast) -> ImportRun:
    """A checked import of Amina's organisation with one line accepted (KAROUI) and one rejected."""
    data = sheets.xlsx_bytes({"Suivi": [HEADER, ["KAROUI", "Salma", "01/02/1988"], ["KAROUI", "Nour", "31/02/1990"]]})
    actor = cast.amina.actor
    run = services.import_run_create(actor=actor, name="suivi.xlsx", data=data)
    run = services.import_run_map_columns(actor=actor, run=run, mapping=run.column_mapping)
    return services.import_run_check(actor=actor, run=run)


def _args(url_name: str, run: ImportRun) -> list:
    return [run.pk, "xlsx"] if url_name == "imports:rejected" else [run.pk]


def _client(client, cast, persona: str):
    if persona != "anonymous":
        login(client, getattr(cast, persona))
    return client


@pytest.mark.parametrize(
    ("url_name", "persona"), [(name, persona) for name in matrix.IMPORT_RUN_PAGES for persona in matrix.PERSONAS]
)
def test_run_pages_answer_only_the_organisation_that_imported(client, cast, amina_run, url_name, persona):
    method, expected = matrix.IMPORT_RUN_PAGES[url_name]
    url = reverse(url_name, args=_args(url_name, amina_run))
    client = _client(client, cast, persona)
    response = client.post(url, {}) if method == "post" else client.get(url)
    assert response.status_code == expected[persona], f"{persona} {method} {url}"
    if response.status_code in (302, 404) and persona != "anonymous" and expected[persona] == 404:
        assert b"KAROUI" not in response.content
    if persona == "anonymous":
        assert "/comptes/connexion/" in response.url


@pytest.mark.parametrize("persona", ["hugo", "marc", "claire", "yves", "sofia"])
def test_another_organisations_run_is_never_listed_or_changed(client, cast, amina_run, persona):
    client = _client(client, cast, persona)
    response = client.get(reverse("imports:list"))
    assert response.status_code in (200, 404)
    assert b"suivi.xlsx" not in response.content
    client.post(reverse("imports:confirm", args=[amina_run.pk]), {"duplicate_policy": "propose"})
    amina_run.refresh_from_db()
    assert amina_run.status == ImportStatus.CHECKED


@pytest.mark.parametrize("url_name", ["imports:list", "imports:upload"])
@pytest.mark.parametrize("persona", matrix.PERSONAS)
def test_list_and_upload_follow_the_matrix(client, cast, url_name, persona):
    response = _client(client, cast, persona).get(reverse(url_name))
    assert response.status_code == matrix.LIST_PAGES[url_name][persona]


def test_every_run_page_that_shows_names_is_audited(client, cast, amina_run):
    from ancrage.audit.models import AuditEvent

    login(client, cast.amina)
    for url_name in ("imports:detail", "imports:columns", "imports:rejected"):
        before = AuditEvent.objects.filter(user=cast.amina.user, object_id=str(amina_run.pk)).count()
        response = client.get(reverse(url_name, args=_args(url_name, amina_run)))
        assert response.status_code == 200
        after = AuditEvent.objects.filter(user=cast.amina.user, object_id=str(amina_run.pk)).count()
        assert after > before, url_name
