"""Partners' files are read for what they are, and the table is found under whatever sits above it."""

import codecs
import datetime
import io

import pytest

from ancrage.imports import readers
from ancrage.imports.errors import ReadError
from ancrage.imports.readers import Sheet, data_sheets, find_table, read_table, read_workbook
from ancrage.imports.sanitise import column_lost_script
from tests.imports import spreadsheets as s

FOUR_FORMATS = {
    "xlsx": lambda: (s.messy_xlsx(), "suivi.xlsx"),
    "ods": lambda: (s.messy_ods(), "suivi.ods"),
    "csv-cp1252": lambda: (s.messy_csv("cp1252", ";"), "suivi.csv"),
    "csv-utf8-bom": lambda: (s.messy_csv("utf-8-sig", ","), "suivi.csv"),
}


def comparable_rows(table, skip=()):
    indexes = [i for i, column in enumerate(table.columns) if column not in skip]
    return [(line, [s.comparable(cells[i]) for i in indexes]) for line, cells in table.rows]


@pytest.mark.parametrize("fmt", FOUR_FORMATS)
def test_the_messy_file_reads_to_its_table_in_every_format(fmt):
    data, filename = FOUR_FORMATS[fmt]()
    table, names = read_table(data, filename)
    assert table.header_line == s.HEADER_LINE
    assert table.columns == s.COLUMNS
    assert [line for line, _cells in table.rows] == s.DATA_LINES
    assert table.skipped == [
        (7, "Ligne vide"),
        (12, "Ligne vide"),
        (s.TOTAL_LINE, "Ligne de total"),
        (s.NOTE_LINE, "Ligne sous le total du tableau"),
    ]
    assert names == [table.sheet]  # the "Notes" sheet is not a table of persons
    expected = [(line, [s.comparable(v) for v in row]) for line, row in zip(s.DATA_LINES, s.messy_rows(), strict=True)]
    if fmt == "csv-cp1252":
        # Windows-1252 cannot hold Arabic, Ge'ez or Cyrillic: the names came out as "????", as Excel writes them.
        original = s.COLUMNS.index(s.ORIGINAL_SCRIPT_COLUMN)
        assert column_lost_script([cells[original] for _line, cells in table.rows])
        expected = [(line, [v for i, v in enumerate(row) if i != original]) for line, row in expected]
        assert comparable_rows(table, skip=[s.ORIGINAL_SCRIPT_COLUMN]) == expected
    else:
        assert comparable_rows(table) == expected


def test_the_four_formats_read_to_the_same_table():
    tables = {fmt: read_table(*build())[0] for fmt, build in FOUR_FORMATS.items()}
    reference = comparable_rows(tables["xlsx"], skip=[s.ORIGINAL_SCRIPT_COLUMN])
    for fmt, table in tables.items():
        assert table.columns == tables["xlsx"].columns, fmt
        assert comparable_rows(table, skip=[s.ORIGINAL_SCRIPT_COLUMN]) == reference, fmt
    assert comparable_rows(tables["ods"]) == comparable_rows(tables["xlsx"])
    assert comparable_rows(tables["csv-utf8-bom"]) == comparable_rows(tables["xlsx"])


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheet_cells_keep_their_types(fmt):
    table, _names = read_table(*FOUR_FORMATS[fmt]())
    first = dict(zip(table.columns, table.rows[0][1], strict=True))
    second = dict(zip(table.columns, table.rows[1][1], strict=True))
    assert first["Date de naissance"] == datetime.date(1990, 3, 4)
    assert isinstance(first["Date de naissance"], datetime.date)
    assert second["Date de naissance"] == "12/03/1985"  # typed as text, kept as text
    assert second["Téléphone"] == 612345678
    assert first["Nom (écriture d'origine)"] == "محمد احمدی"


@pytest.mark.parametrize("fmt", FOUR_FORMATS)
def test_a_formula_looking_name_is_read_as_the_text_typed(fmt):
    table, _names = read_table(*FOUR_FORMATS[fmt]())
    names = [cells[0] for _line, cells in table.rows]
    assert s.HYPERLINK_NAME in names


def test_the_notes_sheet_is_read_but_not_offered_as_data():
    sheets = read_workbook(s.messy_xlsx(), "suivi.xlsx")
    assert [sheet.name for sheet in sheets] == [s.SHEET, "Notes"]
    assert [sheet.name for sheet in data_sheets(sheets)] == [s.SHEET]
    with pytest.raises(ReadError) as error:
        find_table(sheets[1])
    assert "Aucune ligne d'en-tête trouvée dans la feuille « Notes »" in error.value.message


def test_line_numbers_are_those_of_the_sheet_even_when_the_table_starts_lower_and_to_the_right():
    lines = [[], [], [None, None, "Nom", "Prénom", "Sexe"], [None, None, "Ahmadi", "Ali", "M"]]
    table, _names = read_table(s.xlsx_bytes({"Feuil1": lines}), "f.xlsx")
    assert table.header_line == 3
    assert table.columns == ["Nom", "Prénom", "Sexe"]
    assert table.rows == [(4, ["Ahmadi", "Ali", "M"])]


# --- Formats decided from the content -----------------------------------------------------------


def test_the_format_comes_from_the_content_not_the_name():
    table, _names = read_table(s.messy_xlsx(), "suivi.csv")
    assert table.sheet == s.SHEET
    table, _names = read_table(s.messy_csv("utf-8", ";"), "suivi.xlsx")
    assert table.columns == s.COLUMNS


CSV_TEXT = "Nom;Prénom;Nationalité\r\nAhmadi;Mohammad;afghane\r\nTesfay;Aster;Érythrée\r\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("cp1252"),
        CSV_TEXT.encode("latin-1"),
        CSV_TEXT.encode("utf-16"),  # with its BOM
        codecs.BOM_UTF16_BE + CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.encode("utf-16-le"),  # without a BOM
    ],
    ids=["utf8", "utf8-bom", "cp1252", "latin1", "utf16", "utf16-be", "utf16-le-no-bom"],
)
def test_csv_encodings_are_detected(data):
    table, _names = read_table(data, "export.csv")
    assert table.columns == ["Nom", "Prénom", "Nationalité"]
    assert table.rows[1] == (3, ["Tesfay", "Aster", "Érythrée"])


def test_windows_1252_punctuation_is_read():
    data = "Nom;Remarque\r\nAhmadi;l’entretien a eu lieu – 30 € remboursés\r\n".encode("cp1252")
    assert readers.decode_text(data)[1] == "cp1252"
    table, _names = read_table(data, "export.csv")
    assert table.rows[0][1][1] == "l’entretien a eu lieu – 30 € remboursés"


def test_other_encodings_fall_back_to_charset_detection():
    text = "Nom;Prénom;Ville\r\n" + "".join(f"Éléonore{i};Hélène;Besançon à côté\r\n" for i in range(30))
    data = text.encode("mac_roman")
    table, _names = read_table(data, "export.csv")  # neither UTF-8 nor Windows-1252: charset-normalizer
    assert table.columns == ["Nom", "Prénom", "Ville"]
    assert len(table.rows) == 30
    assert table.rows[0][1] == ["Éléonore0", "Hélène", "Besançon à côté"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_csv_delimiters_are_detected(delimiter):
    data = s.csv_bytes(
        [["Nom", "Prénom", "Adresse"], ["Ahmadi", "Ali", "12, rue de Brest; bât. B"], ["Tesfay", "Aster", "3 place"]],
        delimiter=delimiter,
    )
    table, _names = read_table(data, "export.csv")
    assert table.columns == ["Nom", "Prénom", "Adresse"]
    assert table.rows[0][1] == ["Ahmadi", "Ali", "12, rue de Brest; bât. B"]


def test_quoted_csv_cells_keep_delimiters_quotes_and_line_breaks():
    data = b'Nom;Note\r\n"Al-Hassan";"dit ""Abou"" ; suivi\r\ndepuis 2023"\r\nTesfay;ok\r\n'
    table, _names = read_table(data, "export.csv")
    assert table.rows == [(2, ["Al-Hassan", 'dit "Abou" ; suivi\r\ndepuis 2023']), (3, ["Tesfay", "ok"])]


def test_the_separator_line_excel_writes_is_obeyed_and_hidden():
    table, _names = read_table(b"sep=,\r\nNom,Pr\xc3\xa9nom;Sexe\r\nAhmadi,Ali;M\r\n", "export.csv")
    assert table.columns == ["Nom", "Prénom;Sexe"]
    assert table.rows == [(2, ["Ahmadi", "Ali;M"])]


def test_the_sheet_of_a_csv_is_named_after_the_file():
    assert read_workbook(b"Nom;Prenom\r\nA;B\r\n", "C:\\Users\\amina\\suivi mars.csv")[0].name == "suivi mars"


# --- Files that cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"%PDF-1.7\n...", "Ce fichier est un PDF, pas un tableur : importez un fichier XLSX, ODS, XLS ou CSV."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "Ce fichier est un PNG, pas un tableur"),
        (b"PK\x03\x04 not really a zip", "Le fichier est illisible ou abîmé"),
        (bytes(range(256)) * 20, "Format non reconnu : importez un fichier XLSX, ODS, XLS ou CSV."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600,
            "Le fichier est protégé par un mot de passe",
        ),
        (b"<html><table><tr><td>Nom</td></tr></table></html>", "Ce fichier est une page web ou un XML"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "Ce fichier est"),
    ],
    ids=["empty", "pdf", "png", "broken-zip", "binary", "password", "html", "xml-2003"],
)
def test_unreadable_files_are_refused_in_french(data, message):
    with pytest.raises(ReadError) as error:
        read_workbook(data, "suivi.xlsx")
    assert error.value.message.startswith(message)


def test_a_password_protected_ods_is_explained():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", b"\x8f\x12 encrypted bytes")
    with pytest.raises(ReadError) as error:
        read_workbook(buffer.getvalue(), "suivi.ods")
    assert error.value.message.startswith("Le fichier est protégé par un mot de passe")


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    with pytest.raises(ReadError) as error:
        read_workbook(b"Nom;Prenom\r\n" * 200, "gros.csv")
    assert error.value.message.startswith("Le fichier dépasse la taille maximale de")


def test_the_size_limit_is_twenty_megabytes():
    assert readers.MAX_BYTES == 20 * 1024 * 1024
    assert readers.MAX_LINES == 100_000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_too_many_lines_is_refused(monkeypatch, fmt):
    monkeypatch.setattr(readers, "MAX_LINES", 50)
    lines = [["Nom", "Prénom"]] + [[f"Nom{i}", "Ali"] for i in range(60)]
    data = s.csv_bytes(lines) if fmt == "csv" else s.xlsx_bytes({"Feuil1": lines})
    with pytest.raises(ReadError) as error:
        read_workbook(data, f"f.{fmt}")
    assert error.value.message.startswith("Le fichier dépasse 50 lignes")


def test_an_empty_sheet_and_a_sheet_without_header_are_explained():
    with pytest.raises(ReadError) as error:
        find_table(Sheet("Feuil1", [[None, ""], []]))
    assert error.value.message == "La feuille « Feuil1 » est vide."
    with pytest.raises(ReadError) as error:
        read_table(s.csv_bytes([["Liste"], ["Ahmadi"], ["Tesfay"]]), "liste.csv")
    assert error.value.message.startswith("Aucune ligne d'en-tête trouvée dans la feuille « liste »")


def test_choosing_a_sheet_that_does_not_exist_is_refused():
    with pytest.raises(ReadError) as error:
        read_table(s.messy_xlsx(), "suivi.xlsx", sheet="Feuil9")
    assert error.value.message == "Le fichier n'a pas de feuille « Feuil9 »."


# --- Finding the header and what to skip --------------------------------------------------------


def table_of(lines):
    return find_table(Sheet("Feuil1", [list(line) for line in lines]))


def test_metadata_lines_above_the_header_are_not_taken_for_it():
    table = table_of(
        [
            ["Structure : AGIR 35", "Date d'export : 02/12/2026"],
            ["CONFIDENTIEL"],
            ["Nom", "Prénom", "Né le"],
            ["Ahmadi", "Ali", "01/01/1990"],
        ]
    )
    assert table.header_line == 3
    assert table.columns == ["Nom", "Prénom", "Né le"]


def test_a_line_of_metadata_cells_above_a_wider_header_is_not_the_header():
    table = table_of(
        [
            ["Structure", "AGIR 35", "Référente", "Amina"],
            [],
            ["Nom", "Prénom", "Sexe", "Né le", "Nationalité", "Commune"],
            ["Ahmadi", "Ali", "M", "01/01/1990", "afghane", "Rennes"],
            ["Tesfay", "Aster", "F", "12/03/1985", "érythréenne", "Bruz"],
        ]
    )
    assert table.header_line == 3
    assert table.columns == ["Nom", "Prénom", "Sexe", "Né le", "Nationalité", "Commune"]
    assert [line for line, _cells in table.rows] == [4, 5]


def test_data_rows_made_only_of_text_are_not_taken_for_a_header():
    table = table_of(
        [
            ["Nom", "Prénom", "Nationalité"],
            ["Ahmadi", "Ali", "afghane", "à rappeler", "CADA"],
            ["Tesfay", "Aster", "érythréenne", "vu en mai", "115"],
        ]
    )
    assert table.header_line == 1
    assert table.columns == ["Nom", "Prénom", "Nationalité", "Colonne D", "Colonne E"]


TWO_LEVELS = [
    ["Liste des bénéficiaires"],
    ["Identité", None, None, "Entrée", None, "Sortie", None, "Téléphone", None],
    ["Nom", "Prénom", "Sexe", "Date", "Motif", "Date", "Motif", None, None],
    ["Ahmadi", "Ali", "M", "01/02/2024", "AGIR", "01/06/2024", "fin", "0612345678", "0299000000"],
]
TWO_LEVELS_COLUMNS = [
    "Nom",
    "Prénom",
    "Sexe",
    "Entrée — Date",
    "Entrée — Motif",
    "Sortie — Date",
    "Sortie — Motif",
    "Téléphone",
    "Téléphone (2)",
]


def test_a_two_level_header_with_merged_group_cells():
    table = table_of(TWO_LEVELS)
    assert table.header_line == 3
    assert table.columns == TWO_LEVELS_COLUMNS
    assert table.rows[0][0] == 4


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_two_level_header_merged_in_a_real_spreadsheet(fmt):
    if fmt == "xlsx":
        data = s.xlsx_bytes({"Feuil1": TWO_LEVELS}, merged={"Feuil1": ["A1:I1", "A2:C2", "D2:E2", "F2:G2", "H2:I3"]})
    else:
        data = s.ods_bytes({"Feuil1": TWO_LEVELS}, spanned={"Feuil1": {(0, 0): 9, (1, 0): 3, (1, 3): 2, (1, 5): 2}})
    table, _names = read_table(data, f"f.{fmt}")
    assert table.header_line == 3
    assert table.columns == TWO_LEVELS_COLUMNS


def test_titles_are_stripped_made_unique_and_never_empty():
    table = table_of(
        [
            ["  Nom ", "Date de\nnaissance", "Nom", "nom", None, "Commentaire"],
            ["Ahmadi", "1990", "Ali", "x", "y", "z"],
        ]
    )
    assert table.columns == ["Nom", "Date de naissance", "Nom (2)", "nom (3)", "Colonne E", "Commentaire"]


def test_trailing_empty_columns_are_dropped_and_data_beyond_the_header_kept():
    table = table_of(
        [
            ["Nom", "Prénom", None, None, None],
            ["Ahmadi", "Ali", None, "à rappeler", None],
            ["Tesfay", "Aster", None, None, None],
        ]
    )
    assert table.columns == ["Nom", "Prénom", "Colonne D"]
    assert table.rows == [(2, ["Ahmadi", "Ali", "à rappeler"]), (3, ["Tesfay", "Aster", None])]


def test_footers_notes_blank_and_repeated_header_lines_are_skipped_with_their_reason():
    table = table_of(
        [
            ["Nom", "Prénom", "Référent"],
            ["Ahmadi", "Ali", "Amina"],
            [None, "  ", None],
            ["Sous-total", None, 1],
            ["Nom", "Prénom", "Référent"],
            ["NB : les mineurs sont suivis ailleurs"],
            ["Tesfay", None, None],  # a person with only a name is a row, not a note
            ["Diallo", "Mariama", "Hugo"],
            ["TOTAL : 3"],
            ["Ahmadi", "Ali", "copie"],
        ]
    )
    assert [line for line, _cells in table.rows] == [2, 7, 8]
    assert table.skipped == [
        (3, "Ligne vide"),
        (4, "Ligne de total"),
        (5, "En-tête répété"),
        (6, "Ligne de note"),
        (9, "Ligne de total"),
        (10, "Ligne sous le total du tableau"),
    ]


def test_a_note_under_the_table_without_a_total_is_skipped():
    table = table_of([["Nom", "Prénom"], ["Ahmadi", "Ali"], [], ["Mis à jour par Amina le 2 décembre"]])
    assert table.rows == [(2, ["Ahmadi", "Ali"])]
    assert table.skipped == [(3, "Ligne vide"), (4, "Note sous le tableau")]


def test_a_header_alone_gives_an_empty_table():
    table = table_of([["Titre"], ["Nom", "Prénom", "Sexe"]])
    assert table.header_line == 2
    assert table.rows == []


# --- Choosing the sheet -------------------------------------------------------------------------


def test_several_data_sheets_are_offered_best_first_and_one_can_be_chosen():
    persons = [["Nom", "Prénom", "Date de naissance"]] + [[f"Nom{i}", "Ali", "1990"] for i in range(5)]
    few = [["Nom", "Prénom", "Date de naissance"], ["Tesfay", "Aster", "1985"]]
    lookup = [["Code", "Libellé"], ["A1", "Débutant"], ["A2", "Élémentaire"]]
    data = s.xlsx_bytes(
        {"Listes": lookup, "2023": few, "2024": persons, "Archive": persons, "Notes": s.NOTES_SHEET},
        hidden=["Archive"],
    )
    table, names = read_table(data, "suivi.xlsx")
    assert names == ["2024", "2023", "Archive"]  # person-like titles, most rows, visible first
    assert table.sheet == "2024"
    table, names = read_table(data, "suivi.xlsx", sheet="2023")
    assert table.sheet == "2023"
    assert table.rows == [(2, ["Tesfay", "Aster", "1985"])]
    table, _names = read_table(data, "suivi.xlsx", sheet="Listes")  # the person importing knows best
    assert table.columns == ["Code", "Libellé"]


def test_a_workbook_without_any_table_is_refused():
    data = s.xlsx_bytes({"Notes": s.NOTES_SHEET, "Vide": []})
    with pytest.raises(ReadError) as error:
        read_table(data, "notes.xlsx")
    assert error.value.message == (
        "Aucune feuille du fichier ne contient un tableau de personnes avec une ligne d'en-tête."
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_large_file_reads_every_line(fmt):
    data = s.large_xlsx(3000) if fmt == "xlsx" else s.large_csv(3000)
    table, _names = read_table(data, f"gros.{fmt}")
    assert len(table.rows) == 3000
    assert table.rows[0][0] == 2
    assert table.rows[-1][0] == 3001
    assert table.rows[-1][1][0] == f"{s.messy_rows()[2999 % 6][0]}-3000"
