"""Partners' spreadsheets (XLSX, ODS, XLS, CSV in any common encoding) read into plain tables.

``read_workbook`` turns the bytes of a file into sheets of typed cell values; ``find_table`` finds,
in a sheet, the header row (under titles, "confidential" lines and merged title cells), the data rows
and what to skip (blank lines, "Total" footers, notes); ``data_sheets`` ranks the sheets that hold a
table of persons; ``read_table`` does all three for the import. The format is decided from the
content, not from the name: a ``.xls`` that is really a CSV, or an ``.csv`` that is an XLSX, is read
for what it is. Nothing here touches the database.
"""

import codecs
import csv
import datetime
import io
import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ancrage.core.text import fold
from ancrage.imports.errors import ReadError

MAX_BYTES = 20 * 1024 * 1024
MAX_LINES = 100_000
HEADER_SEARCH_LINES = 30  # the header row is looked for in the first lines of a sheet
MAX_TITLE_LENGTH = 80  # a longer text is a sentence (a note, a title), not a column title

Cell = str | int | float | bool | datetime.date | datetime.datetime | None

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
_NOT_SPREADSHEETS = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\x1f\x8b": "gzip",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
}


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    hidden: bool = False


@dataclass
class Table:
    sheet: str
    header_line: int  # 1-based line number of the header row in the sheet
    columns: list[str]  # header titles, stripped, unique ("Nom", "Nom (2)"), never empty ("Colonne F")
    rows: list[tuple[int, list[Cell]]]  # (1-based line number in the sheet, cells aligned with columns)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, French reason)


# --- Reading files -------------------------------------------------------------------------------


def read_workbook(data: bytes, filename: str) -> list[Sheet]:
    """The sheets of a spreadsheet or CSV file; ``ReadError`` (French) when it cannot be read."""
    if not data:
        raise ReadError(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise ReadError(
            _("Le fichier dépasse la taille maximale de %(max)d Mo (%(size).1f Mo).")
            % {"max": MAX_BYTES // (1024 * 1024), "size": len(data) / (1024 * 1024)}
        )
    for signature, kind in _NOT_SPREADSHEETS.items():
        if data.startswith(signature):
            raise ReadError(
                _("Ce fichier est un %(kind)s, pas un tableur : importez un fichier XLSX, ODS, XLS ou CSV.")
                % {"kind": kind}
            )
    if data.startswith(_OLE2):
        if _ENCRYPTED_OOXML in data[:65536] or b"EncryptedPackage" in data[:65536]:
            raise ReadError(_password_message())
        return _read_calamine(data)
    if data.startswith(_ZIP):
        return _read_calamine(data)
    head = data[:1024].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        # Some software "exports to Excel" as a web page or as XML Spreadsheet 2003.
        raise ReadError(
            _(
                "Ce fichier est une page web ou un XML enregistré comme un tableur : ouvrez-le dans votre "
                "tableur et enregistrez-le au format XLSX ou CSV."
            )
        )
    return [_read_csv(data, filename)]


def _password_message() -> str:
    return _("Le fichier est protégé par un mot de passe : enregistrez-le sans mot de passe puis importez-le.")


def _read_calamine(data: bytes) -> list[Sheet]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise ReadError(_password_message())
    except Exception:  # noqa: BLE001 — calamine raises several kinds of errors for a broken file
        if _encrypted_opendocument(data):
            raise ReadError(_password_message())
        raise ReadError(
            _("Le fichier est illisible ou abîmé : ouvrez-le dans votre tableur et enregistrez-le au format XLSX.")
        )
    sheets = []
    try:
        for metadata in workbook.sheets_metadata:
            if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(metadata.name)
            if sheet.height > MAX_LINES:  # the height counts cells with a value, not formatted blanks
                raise ReadError(_too_many_lines())
            cells = sheet.to_python(skip_empty_area=False, nrows=MAX_LINES + 1)
            rows = [[_cell(value) for value in row] for row in cells]
            hidden = metadata.visible != python_calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(name=metadata.name, rows=rows, hidden=hidden))
    except ReadError:
        raise
    except Exception:  # noqa: BLE001
        raise ReadError(_("Une feuille du fichier est illisible : enregistrez-le à nouveau au format XLSX."))
    if not sheets:
        raise ReadError(_("Le fichier ne contient aucune feuille de calcul."))
    return sheets


def _encrypted_opendocument(data: bytes) -> bool:
    """An ODS saved with a password: its manifest describes how each part is encrypted."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"encryption-data" in archive.read("META-INF/manifest.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _too_many_lines() -> str:
    return _("Le fichier dépasse %(max)s lignes : découpez-le en plusieurs fichiers.") % {
        "max": f"{MAX_LINES:,}".replace(",", "\u202f")
    }


def _cell(value: object) -> Cell:
    if value is None or value == "":
        return None
    if isinstance(value, str | bool | int | datetime.date):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")
    return str(value)  # durations, error values


# --- CSV ----------------------------------------------------------------------------------------

_CP1252_PLAUSIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    BOMs first (UTF-8, UTF-16, UTF-32), then UTF-8, then Windows-1252 (the encoding Excel uses for
    "CSV" on a French Windows), then charset-normalizer for anything else.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise ReadError(_("Le fichier n'est pas un texte lisible dans l'encodage qu'il annonce."))
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of Latin text is zero.
        even_zeros = sample[0::2].count(0)
        encoding = "utf-16-be" if even_zeros > sample[1::2].count(0) else "utf-16-le"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise ReadError(_("Le fichier n'est pas un tableur lisible (contenu binaire)."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if "\ufffd" not in text and not _CP1252_PLAUSIBLE.search(text) and _reads_as_cp1252(text):
        return text, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


_CP1252_RARE = re.compile(r"[‚ƒ„†‡ˆ‰Š‹ŽšžŸ˜™›¤¦¨¯´¸¹¼½¾þðÞÐ]")
_CP1252_USUAL = re.compile(r"[À-ÖØ-öø-ÿœŒ’‘“”€…«»–—°²]")


def _reads_as_cp1252(text: str) -> bool:
    """Whether Windows-1252 gives French-looking text (accents, curly quotes) rather than the odd
    symbols another single-byte encoding (Mac Roman, DOS code pages) turns into."""
    return len(_CP1252_RARE.findall(text)) <= len(_CP1252_USUAL.findall(text)) // 20


def _binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def detect_delimiter(text: str) -> str:
    """``;``, ``,``, tab or ``|``: the one that splits the first lines into the most regular rows."""
    lines = [line for line in text[:65536].splitlines()[:60] if line.strip()]
    if not lines:
        return ";"
    best, best_score = ";", -1.0
    for delimiter in (";", ",", "\t", "|"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [n for n in counts if n > 1]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = widths.count(mode) * math.log2(mode + 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, filename: str) -> Sheet:
    text, _encoding = decode_text(data)
    if _binary(text):
        raise ReadError(_("Format non reconnu : importez un fichier XLSX, ODS, XLS ou CSV."))
    if text.startswith("\ufeff"):
        text = text[1:]
    hint = re.match(r'"?sep=(.)"?\r?\n', text[:12])  # "sep=;": the line Excel reads and hides
    if hint:
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = detect_delimiter(text)
    csv.field_size_limit(1_000_000)
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True):
            rows.append([value if value != "" else None for value in row])
            if len(rows) > MAX_LINES:
                raise ReadError(_too_many_lines())
    except csv.Error:
        raise ReadError(
            _("Le fichier CSV est mal formé à la ligne %(line)d (guillemets ou séparateurs).") % {"line": len(rows) + 1}
        )
    name = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) or "CSV"
    return Sheet(name=name, rows=rows)


# --- Finding the table --------------------------------------------------------------------------

_LABEL_VALUE = re.compile(r"\S\s*:\s*\S")  # "Structure : AGIR 35" — a line of metadata, not a title
_NOTE_START = re.compile(r"^(note|nb|n b|remarque|source|legende|mise a jour|attention|\*)")
_TOTAL = re.compile(r"^(sous total|total|totaux)\b")
_SUBTOTAL = re.compile(r"^sous total\b")
_FOOTER_INITIALS = set("sStT")  # the only first letters _TOTAL can match, checked before folding


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled(row: list[Cell]) -> list[int]:
    return [i for i, value in enumerate(row) if not _blank(value)]


def _title_like(value: Cell) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or len(text) > MAX_TITLE_LENGTH or not any(char.isalpha() for char in text):
        return False
    return not _LABEL_VALUE.search(text)


def _header_like(row: list[Cell]) -> tuple[int, int]:
    """(title-like cells, filled cells) of a row."""
    filled = _filled(row)
    return sum(_title_like(row[i]) for i in filled), len(filled)


def _is_candidate(row: list[Cell]) -> bool:
    titles, filled = _header_like(row)
    if titles < 2 or titles < 0.8 * filled:
        return False
    texts = [fold(str(row[i])) for i in _filled(row)]
    return len(set(texts)) >= 0.5 * len(texts)  # a few repeated titles ("Date", "Date") are common


def _followed_by_data(rows: list[list[Cell]], index: int) -> bool:
    header = _filled(rows[index])
    following = [r for r in rows[index + 1 : index + 11] if _filled(r)][:5]
    if not following:
        return False
    widest = max(len(_filled(r)) for r in following)
    if widest < 2 or len(header) < 0.5 * widest:
        return False
    # The data sit under the header, not far to the right of it.
    first, last = header[0], header[-1]
    inside = [len([i for i in _filled(r) if first - 1 <= i <= last + 1]) for r in following]
    return max(inside) >= 2


def _below_is_data(rows: list[list[Cell]], index: int) -> bool:
    """Whether the rows under ``rows[index]`` hold values that are not titles (dates, numbers, codes),
    which tells a lower header row from a first data row made only of text."""
    following = [r for r in rows[index + 1 : index + 11] if _filled(r)][:5]
    return any(_title_ratio(r) < 1.0 for r in following)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _title_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", " ", str(value)).strip()


def _group_row(rows: list[list[Cell]], index: int) -> list[Cell] | None:
    """The upper row of a two-level header above ``rows[index]``: a few titles over groups of columns
    (merged cells: the title in the first cell, blanks after it). A title above a blank lower cell is
    a title merged over both rows ("Téléphone")."""
    if index == 0:
        return None
    upper = rows[index - 1]
    upper_filled, lower_filled = _filled(upper), _filled(rows[index])
    if len(upper_filled) < 1 or not lower_filled or len(upper_filled) >= len(lower_filled):
        return None
    if not all(_title_like(upper[i]) for i in upper_filled):
        return None
    if len(upper_filled) == 1 and len(lower_filled) > 2:
        # One cell over the whole width is the sheet's title, not a group.
        return None
    # Under a merged group cell the lower titles follow each other: a blank-above column is filled
    # below only when the column before it is filled below too.
    lower_set = set(lower_filled)
    spans = [i for i in lower_filled if i not in set(upper_filled)]
    if not spans or any(i - 1 not in lower_set or i < upper_filled[0] for i in spans):
        return None
    # At least one group closes before the next one opens: titles over a gap, not just data running
    # on to the right of a row that is in fact the header.
    if not any(upper_filled[0] < i < upper_filled[-1] for i in spans):
        return None
    return upper


def _title_ratio(row: list[Cell]) -> float:
    titles, filled = _header_like(row)
    return titles / filled if filled else 0.0


def _locate_header(rows: list[list[Cell]]) -> int | None:
    """The index of the header row: the first row of titles followed by data, unless a clearly wider
    row of titles comes before any data, after a blank or one-cell line (the first one was then a
    line of metadata such as "Structure | AGIR 35 | Référente | Amina")."""
    limit = min(len(rows), HEADER_SEARCH_LINES)
    candidates = {i for i in range(limit) if _is_candidate(rows[i])}
    best: int | None = None
    for i in range(limit):
        if best is not None and i > best and _filled(rows[i]) and i not in candidates and len(_filled(rows[i])) > 1:
            break  # data rows started: the header is found
        if i not in candidates or not _followed_by_data(rows, i):
            continue
        header = i
        following = next((j for j in range(i + 1, min(len(rows), i + 3)) if _filled(rows[j])), None)
        # A sparse row of titles right above a fuller one is the upper level of a two-level header.
        if (
            following == i + 1
            and _title_ratio(rows[following]) == 1.0
            and _group_row(rows, following) is not None
            and _followed_by_data(rows, following)
            and _below_is_data(rows, following)
        ):
            header = following
        if best is None or (
            header > best
            and len(_filled(rows[header])) > 1.25 * len(_filled(rows[best]))
            and len(_filled(rows[best + 1])) <= 1  # metadata stands apart; a header has its data right below
        ):
            best = header
    if best is None and candidates:
        return min(candidates)  # a header with no data under it
    return best


def _header_titles(rows: list[list[Cell]], index: int, width: int) -> list[str]:
    lower = [_title_text(rows[index][i]) if i < len(rows[index]) else "" for i in range(width)]
    upper_row = _group_row(rows, index)
    groups = [""] * width
    if upper_row is not None:
        current = ""
        for i in range(width):
            value = _title_text(upper_row[i]) if i < len(upper_row) else ""
            if value:
                current = value  # a merged cell: its title in the first cell, blanks after it
            groups[i] = current
    titles = []
    for i in range(width):
        title = lower[i]
        if title and groups[i] and lower.count(title) > 1:
            title = f"{groups[i]} — {title}"  # "Entrée — Date", "Sortie — Date"
        elif not title and groups[i]:
            title = groups[i]
        titles.append(title)
    return titles


def _unique(titles: list[str], indexes: list[int]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for title, index in zip(titles, indexes, strict=True):
        title = title or _("Colonne %(letter)s") % {"letter": _column_letter(index)}
        key = title.casefold()
        if key in seen:
            seen[key] += 1
            candidate = f"{title} ({seen[key]})"
            while candidate.casefold() in seen:
                seen[key] += 1
                candidate = f"{title} ({seen[key]})"
            seen[candidate.casefold()] = 1
            title = candidate
        else:
            seen[key] = 1
        result.append(title)
    return result


def find_table(sheet: Sheet) -> Table:
    """The table of a sheet: its header row, columns, data rows and the lines skipped with why."""
    rows = sheet.rows
    if not any(_filled(row) for row in rows):
        raise ReadError(_("La feuille « %(sheet)s » est vide.") % {"sheet": sheet.name})
    index = _locate_header(rows)
    if index is None:
        raise ReadError(
            _(
                "Aucune ligne d'en-tête trouvée dans la feuille « %(sheet)s » : le tableau doit commencer, "
                "dans ses %(lines)d premières lignes, par une ligne de titres de colonnes (Nom, Prénom…)."
            )
            % {"sheet": sheet.name, "lines": HEADER_SEARCH_LINES}
        )
    body = [(line, row, _filled(row)) for line, row in _body(rows, index)]
    width = max([len(rows[index])] + [len(row) for _line, row, _f in body])
    raw_titles = _header_titles(rows, index, width)
    with_data = {i for _line, _row, filled in body for i in filled}
    used = [i for i in range(width) if raw_titles[i] or i in with_data]
    columns = _unique([raw_titles[i] for i in used], used)
    header_norm = [fold(t) for t in raw_titles]
    header_first = next((t.casefold() for t in raw_titles if t), "")
    table_rows: list[tuple[int, list[Cell]]] = []
    skipped: list[tuple[int, str]] = []
    last_data = max((line for line, _row, filled in body if len(filled) >= 2), default=0)
    ended = False
    for line, row, filled in body:
        if ended:
            if filled:
                skipped.append((line, _("Ligne sous le total du tableau")))
            continue
        if not filled:
            skipped.append((line, _("Ligne vide")))
            continue
        first_cell = row[filled[0]]
        first_text = _title_text(first_cell) if isinstance(first_cell, str) else ""
        if first_text[:1] in _FOOTER_INITIALS:
            first = fold(first_text)
            if _TOTAL.match(first):
                skipped.append((line, _("Ligne de total")))
                ended = not _SUBTOTAL.match(first)
                continue
        if (
            first_text.casefold() == header_first
            and [fold(_title_text(row[i])) if i < len(row) else "" for i in range(width)] == header_norm
        ):
            skipped.append((line, _("En-tête répété")))
            continue
        if len(filled) == 1 and first_text and (line > last_data or _NOTE_START.match(fold(first_text))):
            skipped.append((line, _("Note sous le tableau") if line > last_data else _("Ligne de note")))
            continue
        cells = [row[i] if i < len(row) else None for i in used]
        cells = [None if isinstance(value, str) and not value.strip() else value for value in cells]
        table_rows.append((line, cells))
    return Table(sheet=sheet.name, header_line=index + 1, columns=columns, rows=table_rows, skipped=skipped)


def _body(rows: list[list[Cell]], index: int) -> list[tuple[int, list[Cell]]]:
    body = [(n + 1, row) for n, row in enumerate(rows) if n > index]
    while body and not _filled(body[-1][1]):
        body.pop()  # the empty area below the table is not "blank lines"
    return body


# --- Choosing the sheet -------------------------------------------------------------------------

_PERSON_WORDS = (
    "nom",
    "prenom",
    "name",
    "naissance",
    "birth",
    "ne le",
    "nee le",
    "nationalite",
    "nationality",
    "sexe",
    "genre",
    "identite",
    "beneficiaire",
    "personne",
    "usager",
    "telephone",
    "agdref",
    "ofpra",
)


def _person_score(table: Table) -> int:
    titles = " ".join(f" {fold(c)} " for c in table.columns)
    return sum(1 for word in _PERSON_WORDS if f" {word} " in titles or f" {word}" in titles)


def _ranked(sheets: list[Sheet]) -> list[tuple[Sheet, Table]]:
    found = []
    for position, sheet in enumerate(sheets):
        try:
            table = find_table(sheet)
        except ReadError:
            continue
        if not table.rows or len(table.columns) < 2:
            continue
        found.append((position, sheet, table))
    with_persons = [item for item in found if _person_score(item[2]) > 0] or found
    with_persons.sort(key=lambda item: (item[1].hidden, -_person_score(item[2]), -len(item[2].rows), item[0]))
    return [(sheet, table) for _p, sheet, table in with_persons]


def data_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets that look like a table of persons, best first (visible, person-like titles, most rows)."""
    return [sheet for sheet, _table in _ranked(sheets)]


def read_table(data: bytes, filename: str, sheet: str | None = None) -> tuple[Table, list[str]]:
    """The table to import (of ``sheet``, or of the best data sheet) and the names of all data sheets."""
    sheets = read_workbook(data, filename)
    ranked = _ranked(sheets)
    names = [s.name for s, _table in ranked]
    if sheet is not None:
        chosen = next((s for s in sheets if s.name == sheet), None)
        if chosen is None:
            raise ReadError(_("Le fichier n'a pas de feuille « %(sheet)s ».") % {"sheet": sheet})
        table = next((t for s, t in ranked if s is chosen), None)
        return (table if table is not None else find_table(chosen)), names
    if not ranked:
        if len(sheets) == 1:
            return find_table(sheets[0]), names  # raises the precise reason, or an empty table
        raise ReadError(_("Aucune feuille du fichier ne contient un tableau de personnes avec une ligne d'en-tête."))
    return ranked[0][1], names
