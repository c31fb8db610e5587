"""The import pages: upload → sheet → preview and columns → values → dry run → confirm → report, downloads."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ancrage.imports import services
from ancrage.imports.models import ImportMapping, ImportRun, ImportStatus
from ancrage.persons.models import Person

from ..conftest import login
from . import spreadsheets as sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(client, name: str, data: bytes):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})


def test_amina_imports_the_messy_spreadsheet_end_to_end(client, cast, immediate_tasks):
    login(client, cast.amina)
    response = _upload(client, "suivi.xlsx", sheets.messy_xlsx())
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:columns", args=[run.pk])

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "titres trouvés en ligne 4" in text and "AHMADI" in text and "Ne pas importer" in text
    # The suggested mapping is preselected from the titles.
    assert '<option value="last_name" selected>' in text

    response = client.post(
        reverse("imports:columns", args=[run.pk]), {f"col_{i}": f for i, f in run.column_mapping.items()}
    )
    assert response.status_code == 302 and response.url == reverse("imports:values", args=[run.pk])
    page = client.get(response.url)
    assert "Toutes les valeurs des colonnes associées sont reconnues" in page.content.decode()

    response = client.post(reverse("imports:values", args=[run.pk]), {})
    assert response.url == reverse("imports:detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and not Person.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Essai à blanc" in page and "6 nouvelle(s) personne(s) à créer" in page

    response = client.post(
        reverse("imports:confirm", args=[run.pk]), {"duplicate_policy": "propose", "mapping_name": "Suivi AGIR"}
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.counters["created"] == 6
    assert Person.objects.filter(pathways__operator=cast.agir).count() == 6
    assert ImportMapping.objects.get(organisation=cast.agir).name == "Suivi AGIR"
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Rapport final" in page and "6 dossier(s) créé(s)" in page
    fragment = client.get(reverse("imports:status", args=[run.pk])).content.decode()
    assert "Import terminé" in fragment


def _rejecting_run(cast) -> ImportRun:
    data = sheets.xlsx_bytes(
        {
            "Suivi": [
                ["Nom", "Prénom", "Date de naissance", "Commentaire"],
                ["NOORI", "Ali", "01/02/1988", "ok"],
                [sheets.HYPERLINK_NAME, "Idriss", "31/02/1990", "@SUM(A1)"],
            ]
        }
    )
    actor = cast.amina.actor
    run = services.import_run_create(actor=actor, name="suivi.xlsx", data=data)
    run = services.import_run_map_columns(actor=actor, run=run, mapping=run.column_mapping)
    return services.import_run_check(actor=actor, run=run)


def test_the_dry_run_lists_every_rejected_line_and_ignored_column(client, cast):
    run = _rejecting_run(cast)
    login(client, cast.amina)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Lignes refusées" in page and "Date de naissance" in page and "31/02/1990" in page
    assert "Colonnes non importées : Commentaire" in page


def test_the_rejected_lines_download_as_xlsx_with_formulas_neutralised(client, cast):
    run = _rejecting_run(cast)
    login(client, cast.amina)
    response = client.get(reverse("imports:rejected", args=[run.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Prénom", "Date de naissance", "Commentaire", "Ligne", "Erreurs")
    assert len(rows) == 2
    assert rows[1][0] == "'" + sheets.HYPERLINK_NAME and rows[1][3] == "'@SUM(A1)"
    assert "Date de naissance" in rows[1][5]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_rejected_lines_download_as_csv_with_formulas_neutralised(client, cast):
    run = _rejecting_run(cast)
    login(client, cast.amina)
    response = client.get(reverse("imports:rejected", args=[run.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "'" + sheets.HYPERLINK_NAME and rows[1][3] == "'@SUM(A1)"
    assert "Erreurs" in rows[0]
    assert client.get(reverse("imports:rejected", args=[run.pk, "pdf"])).status_code == 404


def test_upload_refuses_what_is_not_a_spreadsheet_with_a_clear_message(client, cast):
    login(client, cast.amina)
    response = _upload(client, "photo.png", b"\x89PNG\r\n\x1a\nxxxx")
    assert response.status_code == 400 and "n&#x27;est pas un tableur accepté" in response.content.decode()
    response = _upload(client, "suivi.xlsx", b"%PDF-1.4 a pdf named xlsx")
    assert response.status_code == 400 and "fr-error-text" in response.content.decode()
    response = client.post(reverse("imports:upload"), {})
    assert response.status_code == 400 and "Choisissez le fichier" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_refuses_a_file_over_the_size_limit(client, cast, settings):
    settings.IMPORT_MAX_BYTES = 1000
    login(client, cast.amina)
    response = _upload(client, "suivi.xlsx", sheets.messy_xlsx())
    assert response.status_code == 400 and "trop volumineux" in response.content.decode()


def test_a_file_with_several_data_sheets_asks_which_to_import(client, cast):
    data = sheets.xlsx_bytes(
        {
            "2023": [
                ["Nom", "Prénom", "Date de naissance"],
                ["NOORI", "Ali", "01/02/1988"],
                ["RAHIMI", "Sara", "1990"],
            ],
            "2024": [
                ["Nom", "Prénom", "Date de naissance"],
                ["HAMIDI", "Zahra", "12/05/1992"],
                ["KAMARA", "Awa", "1985"],
            ],
        }
    )
    login(client, cast.amina)
    response = _upload(client, "suivi.xlsx", data)
    run = ImportRun.objects.get()
    assert response.url == reverse("imports:sheet", args=[run.pk])
    assert client.get(reverse("imports:columns", args=[run.pk])).url == reverse("imports:sheet", args=[run.pk])
    response = client.post(reverse("imports:sheet", args=[run.pk]), {"sheet": "2024"})
    assert response.url == reverse("imports:columns", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "HAMIDI" in page and "NOORI" not in page


def test_two_columns_to_one_field_are_refused_in_the_form(client, cast):
    run = _rejecting_run(cast)
    login(client, cast.amina)
    response = client.post(
        reverse("imports:columns", args=[run.pk]), {"col_0": "last_name", "col_1": "last_name", "col_2": "birth_date"}
    )
    assert response.status_code == 400 and "même champ" in response.content.decode()


def test_unknown_values_are_offered_with_the_suggestion_preselected(client, cast):
    data = sheets.xlsx_bytes(
        {"Suivi": [["Nom", "Prénom", "Date de naissance", "Langues"], ["NOORI", "Ali", "01/02/1988", "darri"]]}
    )
    actor = cast.amina.actor
    run = services.import_run_create(actor=actor, name="suivi.xlsx", data=data)
    run = services.import_run_map_columns(actor=actor, run=run, mapping=run.column_mapping)
    login(client, cast.amina)
    page = client.get(reverse("imports:values", args=[run.pk])).content.decode()
    assert "darri" in page and '<option value="prs" selected>' in page
    client.post(reverse("imports:values", args=[run.pk]), {"v_language_0": "prs"})
    run.refresh_from_db()
    assert run.value_mapping == {"language": {"darri": "prs"}} and run.counters["rejected"] == 0


def test_the_list_is_paginated_with_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    data = sheets.xlsx_bytes({"Suivi": [["Nom", "Date de naissance"], ["NOORI", "1988"]]})
    login(client, cast.amina)
    client.get(reverse("imports:list"))  # warm the session
    for _n in range(3):
        services.import_run_create(actor=cast.amina.actor, name="suivi.xlsx", data=data)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("imports:list"))
    for _n in range(30):
        services.import_run_create(actor=cast.olivier.actor, name="autre.xlsx", data=data)
    with django_assert_max_num_queries(12):
        second = client.get(reverse("imports:list"))
    assert first.status_code == second.status_code == 200
    assert "Page suivante" in second.content.decode()


def test_the_list_shows_an_empty_state(client, cast):
    login(client, cast.hugo)
    page = client.get(reverse("imports:list")).content.decode()
    assert "Aucun import pour l" in page and "Importer un premier tableur" in page
