"""Loading the ROME from France Travail's open-data CSV files (UTF-8, comma separated, quoted)."""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Model

from .models import RomeAppellation, RomeOccupation, appellation_search_key

DEFAULT_DIR = Path(__file__).parent / "data"
BATCH_SIZE = 1000

ROME_CODE = re.compile(r"[A-N]\d{4}")
OGR_CODE = re.compile(r"\d{1,9}")
_OCCUPATIONS_FILE = re.compile(r"referentiel_code_rome_v(\d)(\d+)\.csv")
_OCCUPATION_COLUMNS = {"code_rome", "libelle_rome", "code_rome_parent", "code_ogr"}
_APPELLATION_COLUMNS = {
    "code_ogr",
    "libelle_appellation_long",
    "libelle_appellation_court",
    "code_rome",
    "code_rome_parent",
    "peu_usite",
}


class RomeFilesError(Exception):
    """The directory does not hold a usable pair of ROME files: nothing is loaded."""


@dataclass
class RomeLoadReport:
    """What a load did; ``problems`` name the file and line of every row left out."""

    version: str
    occupations: int = 0
    appellations: int = 0
    created_occupations: int = 0
    created_appellations: int = 0
    updated_occupations: int = 0
    updated_appellations: int = 0
    stale_occupations: int = 0
    stale_appellations: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RomeFiles:
    version: str
    occupations: Path
    appellations: Path


def rome_files(directory: Path) -> RomeFiles:
    """The newest pair of files in ``directory``; the version is read off their names (v460 = 4.60)."""
    found = []
    for path in Path(directory).glob("referentiel_code_rome_v*.csv"):
        match = _OCCUPATIONS_FILE.fullmatch(path.name)
        if match:
            found.append(((int(match[1]), int(match[2])), match, path))
    if not found:
        raise RomeFilesError(f"{directory}: no referentiel_code_rome_v<version>.csv file.")
    _, match, occupations = max(found)
    appellations = occupations.with_name(f"referentiel_appellation_v{match[1]}{match[2]}.csv")
    if not appellations.is_file():
        raise RomeFilesError(f"{appellations}: missing (it must come with {occupations.name}).")
    return RomeFiles(version=f"{match[1]}.{match[2]}", occupations=occupations, appellations=appellations)


def _rows(path: Path, columns: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row with stripped values); the line is the file's, header included, as an editor shows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = columns - set(reader.fieldnames or ())
        if missing:
            raise RomeFilesError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}.")
        start = reader.line_num + 1
        for row in reader:
            yield start, {key: (value or "").strip() for key, value in row.items() if key}
            start = reader.line_num + 1


def _read_occupations(files: RomeFiles, problems: list[str]) -> dict[str, RomeOccupation]:
    occupations: dict[str, RomeOccupation] = {}
    parents: dict[str, tuple[int, str]] = {}
    name = files.occupations.name
    for line, row in _rows(files.occupations, _OCCUPATION_COLUMNS):
        code, parent, label = row["code_rome"], row["code_rome_parent"] or row["code_rome"], row["libelle_rome"]
        if not ROME_CODE.fullmatch(code):
            problems.append(f"{name}, line {line}: invalid ROME code {code!r}.")
        elif not ROME_CODE.fullmatch(parent):
            problems.append(f"{name}, line {line}: invalid parent ROME code {parent!r}.")
        elif not label:
            problems.append(f"{name}, line {line}: {code} has no label.")
        elif code in occupations:
            problems.append(f"{name}, line {line}: {code} appears twice.")
        else:
            ogr = row["code_ogr"]
            occupation = RomeOccupation(
                code=code,
                label=label,
                parent_code=parent,
                ogr_code=int(ogr) if OGR_CODE.fullmatch(ogr) else None,
                version=files.version,
            )
            occupation.derive_fields()
            occupations[code] = occupation
            parents[code] = (line, parent)
    # A parent must be a fiche kept from the same file: checked once every fiche is known, until no
    # fiche is left out (leaving out a parent leaves out its children).
    while orphans := [code for code, (_line, parent) in parents.items() if parent not in occupations]:
        for code in orphans:
            line, parent = parents.pop(code)
            problems.append(f"{name}, line {line}: {code} hangs under unknown ROME code {parent}.")
            del occupations[code]
    return occupations


def _read_appellations(files: RomeFiles, known: set[str], problems: list[str]) -> list[tuple[str, RomeAppellation]]:
    """(ROME code, unsaved appellation) for every valid row; the foreign key is set once fiches are saved."""
    appellations: list[tuple[str, RomeAppellation]] = []
    seen: set[int] = set()
    name = files.appellations.name
    for line, row in _rows(files.appellations, _APPELLATION_COLUMNS):
        ogr, code, label = row["code_ogr"], row["code_rome"], row["libelle_appellation_long"]
        parent = row["code_rome_parent"]
        if not OGR_CODE.fullmatch(ogr):
            problems.append(f"{name}, line {line}: invalid OGR code {ogr!r}.")
        elif not ROME_CODE.fullmatch(code):
            problems.append(f"{name}, line {line}: invalid ROME code {code!r}.")
        elif code not in known:
            problems.append(f"{name}, line {line}: unknown ROME code {code} (appellation {ogr}).")
        elif parent and not ROME_CODE.fullmatch(parent):
            problems.append(f"{name}, line {line}: invalid parent ROME code {parent!r}.")
        elif not label:
            problems.append(f"{name}, line {line}: appellation {ogr} has no label.")
        elif row["peu_usite"] not in ("", "O", "N"):
            problems.append(f"{name}, line {line}: peu_usite must be O or N, not {row['peu_usite']!r}.")
        elif int(ogr) in seen:
            problems.append(f"{name}, line {line}: appellation {ogr} appears twice.")
        else:
            seen.add(int(ogr))
            short = row["libelle_appellation_court"]
            appellation = RomeAppellation(
                code_ogr=int(ogr),
                label=label,
                short_label=short,
                parent_code=parent,
                rarely_used=row["peu_usite"] == "O",
                search_key=appellation_search_key(label, short),
                version=files.version,
            )
            appellations.append((code, appellation))
    return appellations


def _upsert(model: type[Model], key: str, fields: list[str], rows: list[Model]) -> tuple[int, int, int]:
    """Write the rows that are new or changed, in batches of upserts; (created, updated, stale) counts.

    Unchanged rows are not written: re-running the load on the same files (``make run`` does it every
    time) only reads.
    """
    attname = {field.name: field.attname for field in model._meta.concrete_fields}
    attnames = [attname[name] for name in fields]
    existing = {values[0]: values[1:] for values in model._default_manager.values_list(key, *attnames)}
    changed = [row for row in rows if existing.get(getattr(row, key)) != tuple(getattr(row, a) for a in attnames)]
    model._default_manager.bulk_create(
        changed, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=[key], update_fields=fields
    )
    created = sum(getattr(row, key) not in existing for row in changed)
    stale = len(existing.keys() - {getattr(row, key) for row in rows})
    return created, len(changed) - created, stale


@transaction.atomic
def rome_load(*, directory: Path = DEFAULT_DIR) -> RomeLoadReport:
    """Load (or refresh) the ROME from ``directory``: valid rows are upserted, invalid ones reported.

    Upserts on the codes (``bulk_create(update_conflicts=True)``), so a second run updates in place and
    nothing that points at a fiche or an appellation breaks. Rows absent from the files are kept (other
    records may refer to them) and counted as stale: their ``version`` stays the older one.
    """
    files = rome_files(directory)
    report = RomeLoadReport(version=files.version)
    occupations = _read_occupations(files, report.problems)
    appellations = _read_appellations(files, set(occupations), report.problems)

    report.created_occupations, report.updated_occupations, report.stale_occupations = _upsert(
        RomeOccupation,
        "code",
        ["label", "parent_code", "domain", "family", "ogr_code", "version"],
        list(occupations.values()),
    )
    ids = dict(RomeOccupation.objects.filter(code__in=occupations).values_list("code", "pk"))
    for code, appellation in appellations:
        appellation.occupation_id = ids[code]
    report.created_appellations, report.updated_appellations, report.stale_appellations = _upsert(
        RomeAppellation,
        "code_ogr",
        ["label", "short_label", "occupation", "parent_code", "rarely_used", "search_key", "version"],
        [appellation for _, appellation in appellations],
    )
    report.occupations, report.appellations = len(occupations), len(appellations)
    return report
