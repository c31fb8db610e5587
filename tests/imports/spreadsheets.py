"""Messy spreadsheets like partners really send, built as bytes for import tests.

The same content comes in four files: ``messy_xlsx()``, ``messy_ods()``, ``messy_csv("cp1252", ";")``
(what Excel saves as "CSV" on a French Windows: the Arabic, Ge'ez and Cyrillic names become "????")
and ``messy_csv("utf-8-sig", ",")``. Each holds, on its first sheet "Suivi 2024":

* line 1: a title merged across the width; line 2: "Document confidentiel — ne pas diffuser"; line 3: blank;
* line 4: the header (``COLUMNS``); lines 5–11: six persons and a blank line (``DATA_LINES``);
* a blank line, a "Total" footer line and a note under it.

and, in the XLSX and ODS, a second sheet "Notes" of free text. ``messy_rows()`` gives the six rows as
typed (``datetime.date`` where the XLSX holds a real date cell, text where the partner typed text);
``comparable()`` turns a cell into a string that compares equal across the four formats, and
``MESSY_EXPECTED`` says what each person's cells mean once mapped (codes, dates with precision).
``many_lines(n)``, ``large_xlsx(n)`` and ``large_csv(n)`` give plain files of ``n`` persons.

``xlsx_bytes``, ``ods_bytes`` and ``csv_bytes`` build any other file from a dict of sheet lines.
"""

import csv
import datetime
import io
import re
from collections.abc import Sequence

SHEET = "Suivi 2024"
TITLE = "Suivi des personnes accompagnées — AGIR 35 — 2024"
CONFIDENTIAL = "Document confidentiel — ne pas diffuser"
HEADER_LINE = 4
COLUMNS = [
    "Nom",
    "Prénom",
    "Nom (écriture d'origine)",
    "Sexe",
    "Date de naissance",
    "Nationalité",
    "Protection",
    "Téléphone",
    "Commune",
    "Hébergement",
    "Niveau de français",
    "Langues parlées",
    "Date d'entrée",
    "Programme",
]
HYPERLINK_NAME = '=HYPERLINK("http://exemple.invalid/piege","Cliquez ici")'
ORIGINAL_SCRIPT_COLUMN = "Nom (écriture d'origine)"

_ROWS: list[list[object]] = [
    [
        "AHMADI",
        "Mohammad",
        "محمد احمدی",
        "H",
        datetime.date(1990, 3, 4),
        "afghane",
        "réfugié",
        "06 12 34 56 78",
        "RENNES",
        "CADA",
        "A1",
        "dari, pachto",
        datetime.date(2024, 1, 15),
        "AGIR",
    ],
    [
        "Tesfay",
        "Aster",
        "ኣስቴር ተስፋይ",
        "F",
        "12/03/1985",
        "Érythréenne",
        "protection subsidiaire",
        612345678,
        "Cesson-Sevigne",
        "hébergée chez un tiers",
        "non scolarisée",
        "tigrigna",
        "15/02/2024",
        "AGIR",
    ],
    [
        "Al-Hassan",
        "Yousef",
        "يوسف الحسن",
        "M",
        "1978",
        "syrien",
        "BPI réfugié",
        "+33 7 98 76 54 32",
        "St Jacques de la Lande",
        "115",
        "A2 oral",
        "arabe",
        datetime.date(2024, 3, 1),
        "CTAIR",
    ],
    [
        "Kovalenko",
        "Olena",
        "Олена Коваленко",
        "Femme",
        datetime.date(1975, 1, 1),
        "UKR",
        "PT",
        None,
        "Bruz",
        "logement social",
        "B1",
        "ukrainien / russe",
        "01/04/2024",
        "AGIR",
    ],
    [
        HYPERLINK_NAME,
        "Idriss",
        None,
        "1",
        "vers 1980",
        "soudanais",
        "demandeur d'asile",
        "07.11.22.33.44",
        "35000 Rennes",
        "rue",
        "alpha",
        "arabe",
        "2024-05-06",
        "autre",
    ],
    [
        "Diallo",
        "Mariama",
        None,
        "féminin",
        "05/2001",
        "guinéenne",
        "réfugiée",
        "0033 6 98 76 54 32",
        "Chantepie",
        "hôtel 115",
        "A1.1",
        "peul, soussou, français",
        datetime.date(2024, 6, 3),
        "AGIR",
    ],
]

# Line numbers (1-based, in the sheet) of the six persons: a blank line sits between the 2nd and 3rd.
DATA_LINES = [5, 6, 8, 9, 10, 11]
BLANK_LINES = [7, 12]
TOTAL_LINE = 13
NOTE_LINE = 15
NOTE = "Source : export du logiciel de suivi, mis à jour chaque mois par les référents."
NOTES_SHEET = [
    ["Notes"],
    ["Les dates d'entrée sont celles du premier entretien."],
    ["Pour les personnes sans date de naissance connue, indiquer l'année seulement."],
]


# What each person's cells mean once read (kind of value -> code), for round-trip tests: the codes of
# the project's lists, dates as (value, precision, conventional), phones normalised.
_D = datetime.date
MESSY_EXPECTED: list[dict[str, object]] = [
    {
        "sex": "M",
        "birth_date": (_D(1990, 3, 4), "day", False),
        "nationality": "AF",
        "protection": "refugee",
        "phone": "06 12 34 56 78",
        "commune": "35238",
        "housing": "cada",
        "cefr": "A1",
        "languages": ["prs", "pus"],
        "entry_date": (_D(2024, 1, 15), "day", False),
        "programme": "agir",
    },
    {
        "sex": "F",
        "birth_date": (_D(1985, 3, 12), "day", False),
        "nationality": "ER",
        "protection": "subsidiary",
        "phone": "06 12 34 56 78",
        "commune": "35051",
        "housing": "third_party",
        "cefr": "NL",
        "languages": ["tir"],
        "entry_date": (_D(2024, 2, 15), "day", False),
        "programme": "agir",
    },
    {
        "sex": "M",
        "birth_date": (_D(1978, 1, 1), "year", False),
        "nationality": "SY",
        "protection": "refugee",
        "phone": "07 98 76 54 32",
        "commune": "35281",
        "housing": "emergency",
        "cefr": "A2",
        "languages": ["ara"],
        "entry_date": (_D(2024, 3, 1), "day", False),
        "programme": "ctair",
    },
    {
        "sex": "F",
        "birth_date": (_D(1975, 1, 1), "day", True),
        "nationality": "UA",
        "protection": "temporary",
        "phone": "",
        "commune": "35047",
        "housing": "social_rental",
        "cefr": "B1",
        "languages": ["ukr", "rus"],
        "entry_date": (_D(2024, 4, 1), "day", False),
        "programme": "agir",
    },
    {
        "sex": "M",
        "birth_date": (_D(1980, 1, 1), "circa", False),
        "nationality": "SD",
        "protection": "asylum_seeker",
        "phone": "07 11 22 33 44",
        "commune": "35238",
        "housing": "none",
        "cefr": "NL",
        "languages": ["ara"],
        "entry_date": (_D(2024, 5, 6), "day", False),
        "programme": "other",
    },
    {
        "sex": "F",
        "birth_date": (_D(2001, 5, 1), "month", False),
        "nationality": "GN",
        "protection": "refugee",
        "phone": "06 98 76 54 32",
        "commune": "35055",
        "housing": "emergency",
        "cefr": "A0",
        "languages": ["ful", "sus", "fra"],
        "entry_date": (_D(2024, 6, 3), "day", False),
        "programme": "agir",
    },
]
# The column each expected value comes from.
MESSY_SOURCES = {
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "nationality": "Nationalité",
    "protection": "Protection",
    "phone": "Téléphone",
    "commune": "Commune",
    "housing": "Hébergement",
    "cefr": "Niveau de français",
    "languages": "Langues parlées",
    "entry_date": "Date d'entrée",
    "programme": "Programme",
}


def messy_rows() -> list[list[object]]:
    """The six persons, aligned with ``COLUMNS``, typed as in the XLSX (fresh copies)."""
    return [list(row) for row in _ROWS]


def messy_lines() -> list[list[object]]:
    """The first sheet line by line, as laid out in every format (line 1 is index 0)."""
    width = len(COLUMNS)
    rows = messy_rows()
    return [
        [TITLE] + [None] * (width - 1),
        [CONFIDENTIAL],
        [],
        list(COLUMNS),
        rows[0],
        rows[1],
        [],
        rows[2],
        rows[3],
        rows[4],
        rows[5],
        [],
        ["Total", len(rows)],
        [],
        [NOTE],
    ]


def many_lines(count: int) -> list[list[object]]:
    """A plain sheet of ``count`` persons (the six messy ones over and over, names numbered), for
    tests of large files: header on line 1, persons from line 2."""
    rows = messy_rows()
    lines: list[list[object]] = [list(COLUMNS)]
    for number in range(count):
        row = list(rows[number % len(rows)])
        row[0] = f"{row[0]}-{number + 1}"
        lines.append(row)
    return lines


def large_xlsx(count: int) -> bytes:
    return xlsx_bytes({SHEET: many_lines(count)})


def large_csv(count: int, encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    return csv_bytes(many_lines(count), encoding=encoding, delimiter=delimiter)


def messy_xlsx() -> bytes:
    return xlsx_bytes({SHEET: messy_lines(), "Notes": NOTES_SHEET}, merged={SHEET: [f"A1:{_letter(len(COLUMNS))}1"]})


def messy_ods() -> bytes:
    return ods_bytes({SHEET: messy_lines(), "Notes": NOTES_SHEET}, spanned={SHEET: {(0, 0): len(COLUMNS)}})


def messy_csv(encoding: str = "cp1252", delimiter: str = ";") -> bytes:
    """The first sheet as a CSV; characters the encoding cannot hold become "?" as when Excel saves it."""
    return csv_bytes(messy_lines(), encoding=encoding, delimiter=delimiter)


# --- Generic builders ---------------------------------------------------------------------------


def _letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_bytes(
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    merged: dict[str, list[str]] | None = None,
    hidden: Sequence[str] = (),
) -> bytes:
    """An XLSX with one sheet per item; text starting with "=" is stored as text, not as a formula."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, lines in sheets.items():
        sheet = workbook.create_sheet(name)
        for row_index, line in enumerate(lines, start=1):
            for column_index, value in enumerate(line, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=row_index, column=column_index, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
                if isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(
    sheets: dict[str, Sequence[Sequence[object]]], *, spanned: dict[str, dict[tuple[int, int], int]] | None = None
) -> bytes:
    """An ODS (odfpy) with typed cells: dates as dates, numbers as floats, text as strings."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, lines in sheets.items():
        table = Table(name=name)
        spans = (spanned or {}).get(name, {})
        for row_index, line in enumerate(lines):
            row = TableRow()
            column_index = 0
            cells = list(line)
            while column_index < len(cells):
                value = cells[column_index]
                span = spans.get((row_index, column_index), 1)
                attributes: dict[str, object] = {}
                if span > 1:
                    attributes["numbercolumnsspanned"] = span
                if value is None:
                    cell = TableCell(**attributes)
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **attributes)
                    cell.addElement(P(text="VRAI" if value else "FAUX"))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value, **attributes)
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, datetime.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), **attributes)
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                else:
                    cell = TableCell(valuetype="string", **attributes)
                    cell.addElement(P(text=str(value)))
                row.addElement(cell)
                for _ in range(span - 1):
                    row.addElement(CoveredTableCell())
                column_index += span
            table.addElement(row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def csv_bytes(
    lines: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ";", errors: str = "replace"
) -> bytes:
    """A CSV as a French spreadsheet program writes it: dates as dd/mm/yyyy, "\\r\\n" line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in lines:
        writer.writerow(["" if value is None else _csv_text(value) for value in line])
    return buffer.getvalue().encode(encoding, errors=errors)


def _csv_text(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def comparable(value: object) -> str | None:
    """A cell as a string that is the same in XLSX, ODS and CSV: ``date(1990, 3, 4)`` and
    ``"04/03/1990"`` both give ``"1990-03-04"``, ``612345678.0`` and ``"612345678"`` give ``"612345678"``."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if match := _DMY.match(text):
        return f"{match.group(3)}-{match.group(2)}-{match.group(1)}"
    return text or None
