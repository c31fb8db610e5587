"""Loading the ROME: counts, idempotence, updates, rows left out and reported by line."""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ancrage.rome.models import RomeAppellation, RomeOccupation
from ancrage.rome.services import DEFAULT_DIR, RomeFilesError, rome_files, rome_load

OCCUPATIONS = "referentiel_code_rome_v460.csv"
APPELLATIONS = "referentiel_appellation_v460.csv"
OCCUPATION_HEADER = [
    "code_rome",
    "code_fiche_metier",
    "code_ogr",
    "libelle_rome",
    "transition_eco",
    "transition_num",
    "transition_demo",
    "emploi_reglemente",
    "emploi_cadre",
    "code_rome_parent",
]
APPELLATION_HEADER = [
    "code_ogr",
    "libelle_appellation_long",
    "libelle_appellation_court",
    "code_rome",
    "transition_eco",
    "transition_num",
    "transition_demo",
    "emploi_reglemente",
    "emploi_cadre",
    "classification",
    "origine",
    "code_rome_parent",
    "peu_usite",
]


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, quoting=csv.QUOTE_ALL, restval="")
        writer.writeheader()
        writer.writerows(rows)


def occupation(code: str, label: str, parent: str = "", ogr: str = "1") -> dict[str, str]:
    return {"code_rome": code, "libelle_rome": label, "code_rome_parent": parent or code, "code_ogr": ogr}


def appellation(ogr: str, label: str, code: str, rarely: str = "N", short: str = "") -> dict[str, str]:
    return {
        "code_ogr": ogr,
        "libelle_appellation_long": label,
        "libelle_appellation_court": short or label,
        "code_rome": code,
        "code_rome_parent": code,
        "peu_usite": rarely,
    }


@pytest.fixture
def empty_rome(db) -> None:
    """No ROME in the database (the session's load is back after the test's rollback)."""
    RomeAppellation.objects.all().delete()
    RomeOccupation.objects.all().delete()


def test_the_shipped_files_load_every_fiche_and_appellation(rome):
    assert RomeOccupation.objects.count() == 1584
    assert RomeAppellation.objects.count() == 13120
    assert set(RomeOccupation.objects.values_list("version", flat=True)) == {"4.60"}
    assert set(RomeAppellation.objects.values_list("version", flat=True)) == {"4.60"}


def test_codes_are_split_into_domain_family_and_parent(rome):
    mason = RomeOccupation.objects.get(code="F1703")
    assert (mason.label, mason.domain, mason.family, mason.parent_code) == ("Maçon / Maçonne", "F17", "F", "F1703")
    assert mason.get_family_display() == "Construction, bâtiment et travaux publics"
    assert RomeOccupation.objects.get(code="F1707").parent_code == "F1703"  # Maçon du paysage
    assert RomeOccupation.objects.get(code="A1206").parent_code == "F1101"  # a parent in another domain


def test_appellations_keep_labels_flags_and_a_folded_search_key(rome):
    nurse_aide = RomeAppellation.objects.select_related("occupation").get(label="Aide-soignant / Aide-soignante")
    assert nurse_aide.occupation.code == "J1501"
    assert nurse_aide.search_key == " aide soignant aide soignante "
    assert RomeAppellation.objects.filter(rarely_used=True).count() == 199
    # A short label that differs (abbreviated) is searchable too.
    abbreviated = RomeAppellation.objects.get(code_ogr=10218)
    assert abbreviated.short_label == "Accompagnateur(trice) formateur(trice) technique insert prof"
    assert abbreviated.search_key.endswith(" technique insert prof ")


def test_a_second_load_writes_nothing_and_duplicates_nothing(rome):
    report = rome_load()
    assert (report.occupations, report.appellations) == (1584, 13120)
    assert (report.created_occupations, report.updated_occupations) == (0, 0)
    assert (report.created_appellations, report.updated_appellations) == (0, 0)
    assert report.problems == []
    assert RomeOccupation.objects.count() == 1584
    assert RomeAppellation.objects.count() == 13120


def test_a_load_updates_changed_rows_in_place(rome, tmp_path):
    shutil.copy(DEFAULT_DIR / OCCUPATIONS, tmp_path)
    source = (DEFAULT_DIR / APPELLATIONS).read_text(encoding="utf-8")
    assert '"Cariste d\'entrepôt"' in source
    (tmp_path / APPELLATIONS).write_text(
        source.replace('"Cariste d\'entrepôt"', '"Cariste d\'entrepôt logistique"'), encoding="utf-8"
    )
    cariste = RomeAppellation.objects.get(label="Cariste d'entrepôt")

    report = rome_load(directory=tmp_path)

    assert (report.created_appellations, report.updated_appellations) == (0, 1)
    cariste.refresh_from_db()
    assert cariste.label == "Cariste d'entrepôt logistique"
    assert " logistique " in cariste.search_key
    assert RomeAppellation.objects.count() == 13120


def test_bad_rows_are_left_out_and_reported_by_line(empty_rome, tmp_path):
    write_csv(
        tmp_path / OCCUPATIONS,
        OCCUPATION_HEADER,
        [
            occupation("N1101", "Cariste"),  # line 2
            occupation("Z1234", "Lettre hors ROME"),  # line 3: family letter out of A–N
            occupation("N11", "Trop court"),  # line 4
            occupation("N1102", "Déménageur / Déménageuse", parent="N9999"),  # line 5: unknown parent
            occupation("N1101", "Cariste en double"),  # line 6
            occupation("N1103", ""),  # line 7: no label
        ],
    )
    write_csv(
        tmp_path / APPELLATIONS,
        APPELLATION_HEADER,
        [
            appellation("500", "Cariste", "N1101"),  # line 2
            appellation("501", "Déménageur / Déménageuse", "N1102"),  # line 3: its fiche was left out
            appellation("502", "Métier inconnu", "K9999"),  # line 4: unknown ROME code
            appellation("abc", "Code OGR invalide", "N1101"),  # line 5
            appellation("503", "Cariste rare", "N1101", rarely="X"),  # line 6
            appellation("500", "Cariste en double", "N1101"),  # line 7
            appellation("504", "Cariste d'entrepôt", "N1101", rarely="O"),  # line 8
        ],
    )

    report = rome_load(directory=tmp_path)

    assert report.problems == [
        f"{OCCUPATIONS}, line 3: invalid ROME code 'Z1234'.",
        f"{OCCUPATIONS}, line 4: invalid ROME code 'N11'.",
        f"{OCCUPATIONS}, line 6: N1101 appears twice.",
        f"{OCCUPATIONS}, line 7: N1103 has no label.",
        f"{OCCUPATIONS}, line 5: N1102 hangs under unknown ROME code N9999.",
        f"{APPELLATIONS}, line 3: unknown ROME code N1102 (appellation 501).",
        f"{APPELLATIONS}, line 4: unknown ROME code K9999 (appellation 502).",
        f"{APPELLATIONS}, line 5: invalid OGR code 'abc'.",
        f"{APPELLATIONS}, line 6: peu_usite must be O or N, not 'X'.",
        f"{APPELLATIONS}, line 7: appellation 500 appears twice.",
    ]
    assert (report.occupations, report.appellations) == (1, 2)
    assert list(RomeOccupation.objects.values_list("code", flat=True)) == ["N1101"]
    assert dict(RomeAppellation.objects.values_list("code_ogr", "rarely_used")) == {500: False, 504: True}


def test_rows_missing_from_new_files_are_kept_and_counted(rome, tmp_path):
    cariste = RomeAppellation.objects.get(label="Cariste")
    write_csv(tmp_path / OCCUPATIONS, OCCUPATION_HEADER, [occupation("N1101", "Cariste")])
    write_csv(tmp_path / APPELLATIONS, APPELLATION_HEADER, [appellation(str(cariste.code_ogr), "Cariste", "N1101")])

    report = rome_load(directory=tmp_path)

    assert (report.stale_occupations, report.stale_appellations) == (1583, 13119)
    assert RomeAppellation.objects.count() == 13120


def test_the_version_is_read_off_the_newest_file_names(tmp_path):
    for name in (OCCUPATIONS, APPELLATIONS, "referentiel_code_rome_v461.csv", "referentiel_appellation_v461.csv"):
        (tmp_path / name).write_text("", encoding="utf-8")
    files = rome_files(tmp_path)
    assert files.version == "4.61"
    assert files.appellations.name == "referentiel_appellation_v461.csv"


def test_a_directory_without_both_files_is_refused(tmp_path):
    with pytest.raises(RomeFilesError):
        rome_files(tmp_path)
    (tmp_path / OCCUPATIONS).write_text("", encoding="utf-8")
    with pytest.raises(RomeFilesError, match=r"referentiel_appellation_v460\.csv"):
        rome_files(tmp_path)


def test_a_file_without_its_columns_is_refused(db, tmp_path):
    write_csv(tmp_path / OCCUPATIONS, ["code_rome", "libelle_rome"], [{"code_rome": "N1101", "libelle_rome": "C"}])
    write_csv(tmp_path / APPELLATIONS, APPELLATION_HEADER, [])
    with pytest.raises(RomeFilesError, match="code_ogr, code_rome_parent"):
        rome_load(directory=tmp_path)


def test_the_command_prints_a_summary_and_the_rows_it_skipped(empty_rome, tmp_path):
    write_csv(tmp_path / OCCUPATIONS, OCCUPATION_HEADER, [occupation("N1101", "Cariste")])
    write_csv(
        tmp_path / APPELLATIONS,
        APPELLATION_HEADER,
        [appellation("500", "Cariste", "N1101"), appellation("502", "Métier inconnu", "K9999")],
    )
    out, err = StringIO(), StringIO()

    call_command("load_rome", "--dir", str(tmp_path), stdout=out, stderr=err)

    assert out.getvalue() == (
        "ROME 4.60: 1 fiches (1 new, 0 updated), 1 appellations (1 new, 0 updated), 1 rows skipped.\n"
    )
    assert f"{APPELLATIONS}, line 3: unknown ROME code K9999 (appellation 502)." in err.getvalue()


def test_the_command_fails_cleanly_without_files(db, tmp_path):
    with pytest.raises(CommandError, match="no referentiel_code_rome"):
        call_command("load_rome", "--dir", str(tmp_path))
