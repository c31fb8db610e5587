"""Amina brings in her association's spreadsheet, fixes what was not recognised, then reviews the
duplicate the import found against a record she already follows and merges the two.

The spreadsheet is the messy one partners really send (title, confidentiality line, merged header,
"Total" footer, a notes sheet), with two things the import cannot guess: a column titled
"Arrivée AGIR" (the entry date) and a housing value written "Chez un compatriote"; and one
line the import must refuse (a birth date of 31 February).
"""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from ancrage.imports.models import ImportRun, ImportStatus
from ancrage.linkage.models import CandidateStatus, DuplicateCandidate
from ancrage.persons.models import Person

from ..imports import spreadsheets as sheets
from .conftest import amina_creates_person, choose, field, login

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN_TITLE = "Arrivée AGIR"
UNKNOWN_HOUSING = "Chez un compatriote"
IMPOSSIBLE_DATE = "31/02/1990"


def _partners_spreadsheet() -> bytes:
    lines = sheets.messy_lines()
    header = lines[sheets.HEADER_LINE - 1]
    header[header.index("Date d'entrée")] = UNKNOWN_TITLE
    first_person = lines[sheets.HEADER_LINE]
    first_person[sheets.COLUMNS.index("Hébergement")] = UNKNOWN_HOUSING
    last_person = lines[sheets.HEADER_LINE + 6]
    last_person[sheets.COLUMNS.index("Date de naissance")] = IMPOSSIBLE_DATE
    return sheets.xlsx_bytes({sheets.SHEET: lines, "Notes": sheets.NOTES_SHEET})


@pytest.fixture
def immediate_tasks(settings):
    """The confirmed import runs in the background task; here the task runs as soon as it is enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_amina_imports_her_spreadsheet_and_merges_the_duplicate(
    page: Page, cast, checkpoint, immediate_tasks, tmp_path
):
    # Amina already follows Mohammad, recorded with another spelling of his name.
    already, _ = amina_creates_person(cast, last_name="AHMADY", first_names="Mohammad")
    Person.objects.filter(pk=already.pk).update(birth_date=dt.date(1990, 3, 4), sex="M")
    upload = tmp_path / "suivi-agir-2024.xlsx"
    upload.write_bytes(_partners_spreadsheet())

    login(page, cast.amina)
    page.goto("/imports/")
    expect(page.get_by_role("heading", name="Aucun import pour l'instant")).to_be_visible()
    checkpoint(page, "imports-vides")
    page.get_by_role("link", name="Importer un premier tableur").click()
    page.get_by_label(re.compile("^Tableur à importer")).set_input_files(str(upload))
    checkpoint(page, "depot")
    page.get_by_role("button", name="Lire le fichier").click()

    # Preview and columns: the header was found under the title lines, the unknown column is left out.
    expect(page.get_by_text("titres trouvés en ligne 4")).to_be_visible()
    expect(page.get_by_role("cell", name="AHMADI", exact=True)).to_be_visible()
    entry_column = field(page, UNKNOWN_TITLE)
    expect(entry_column).to_have_value("")
    checkpoint(page, "colonnes")
    entry_column.select_option(label="Date d'entrée dans le parcours")
    page.get_by_role("button", name="Continuer : les valeurs").click()

    # Values: the housing value nobody recognised is mapped by hand.
    housing = page.get_by_label(re.compile("^" + UNKNOWN_HOUSING))
    expect(housing).to_be_visible()
    checkpoint(page, "valeurs")
    expect(housing.locator("option:checked")).to_have_text("Hébergé(e) par un tiers (suggestion)")
    housing.select_option(label="Hébergé(e) par un tiers")
    page.get_by_role("button", name="Faire l'essai à blanc").click()

    # The dry run: five persons to create, one of them a probable duplicate of the record Amina
    # follows, and the line with an impossible date refused on its line and column.
    expect(page.get_by_role("heading", name="Essai à blanc : ce que l'import ferait")).to_be_visible()
    expect(page.get_by_text("5 nouvelle(s) personne(s) à créer")).to_be_visible()
    expect(page.get_by_text("1 ligne(s) refusée(s)")).to_be_visible()
    expect(page.get_by_role("cell", name=IMPOSSIBLE_DATE, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=f"Le {IMPOSSIBLE_DATE} n'existe pas")).to_be_visible()
    expect(page.get_by_text("doublon probable de AHMADY Mohammad")).to_be_visible()
    assert not Person.objects.exclude(pk=already.pk).exists()
    checkpoint(page, "essai-a-blanc")

    choose(page, "Créer et proposer la fusion")
    field(page, "Nom de la correspondance enregistrée").fill("Suivi AGIR 2024")
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Rapport final")).to_be_visible()
    expect(page.get_by_text("5 dossier(s) créé(s)")).to_be_visible()
    checkpoint(page, "rapport")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and run.column_mapping
    imported = Person.objects.get(display_name="AHMADI Mohammad")
    assert imported.pathways.get().entry_date == dt.date(2024, 1, 15)
    assert imported.situations.get(domain="housing").status == "third_party"

    # The duplicate waits in the review queue, counted in the menu and linked from the report.
    expect(page.get_by_role("link", name=re.compile("^Doublons 1"))).to_be_visible()
    page.get_by_role("link", name="Examiner ces paires dans la file des doublons").click()
    expect(page.get_by_role("link", name=re.compile("AHMADI Mohammad"))).to_be_visible()
    checkpoint(page, "doublons")
    page.get_by_role("link", name=re.compile("AHMADI Mohammad")).first.click()
    expect(page.get_by_role("heading", name="Ces deux dossiers concernent-ils la même personne ?")).to_be_visible()
    expect(page.get_by_role("heading", name="Pourquoi cette paire est proposée")).to_be_visible()
    checkpoint(page, "paire")
    choose(page, "Même personne")
    field(page, "Motif").fill("Même date de naissance et même téléphone, nom transcrit autrement.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    # "Same person" leads straight to the merge, which says what will move before anything does.
    expect(page.get_by_text("Décision enregistrée : même personne.")).to_be_visible()
    expect(page.get_by_role("heading", name="Fusionner les deux dossiers")).to_be_visible()
    candidate = DuplicateCandidate.objects.get()
    assert candidate.status == CandidateStatus.SAME and candidate.decided_by == cast.amina.user
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    checkpoint(page, "fusion")
    page.get_by_role("button", name="Confirmer la fusion").click()
    expect(page.get_by_text(re.compile("fusionn", re.IGNORECASE)).first).to_be_visible()
    checkpoint(page, "fusionne")
    merged = {already.pk, imported.pk}
    absorbed = Person.objects.get(pk__in=merged, merged_into__isnull=False)
    kept = Person.objects.get(pk__in=merged, merged_into__isnull=True)
    assert absorbed.merged_into_id == kept.pk
    # Both records had an AGIR pathway at Amina's association: the kept one stays; every spelling remains.
    assert kept.pathways.count() == 1
    assert set(kept.identities.values_list("last_name", flat=True)) == {"AHMADI", "AHMADY", "احمدی"}

    # The refused line comes back as a spreadsheet Amina can correct and import again.
    page.goto(f"/imports/{run.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les lignes refusées (XLSX)").click()
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
    assert len(rows) == 2 and IMPOSSIBLE_DATE in rows[1] and "Date de naissance" in rows[1][-1]
