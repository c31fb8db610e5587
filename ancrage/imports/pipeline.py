"""From a spreadsheet's table to records: parse and check every line, find duplicates, write.

The steps (shared by the pages, the background task and the ``import_persons`` command):

1. ``read_run_table``: the stored file read by ``imports.readers`` (header line found, footers skipped).
2. ``unknown_values``: the values of mapped columns that no code list recognises, with suggestions,
   for the value-mapping step.
3. ``check_run`` (dry run) / ``execute_run`` (wet run): every line parsed (``parse_line``) into the
   person, pathway and items it would create, each model ``full_clean``-ed before anything is written;
   a line with any error writes nothing. Idempotent through a fingerprint per organisation.

Names in one column ("nom et prénom") are split on the capitalised family name: the words written
wholly in capitals are the family name (``HAIDARI Farid``, ``Farid HAIDARI``); without such words, the
first word is. The other spelling of a name (an ``Identity`` in its original script) is split the
same way, and its ``Script`` is read from its letters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.access.sections import section_of_item
from ancrage.core.enums import AssessmentKind, DatePrecision
from ancrage.core.inserts import insert_many
from ancrage.core.text import fold
from ancrage.linkage.records import LinkageRecord, Match
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership, Role
from ancrage.pathways.models import Pathway, Programme
from ancrage.persons import models as pm
from ancrage.territory.models import Commune

from .errors import CellError, ReadError
from .fields import BY_CODE, NAME_FIELDS
from .models import DuplicatePolicy, ImportedLine, ImportRun, ImportStatus, LineStatus

logger = logging.getLogger(__name__)

# How many lines are written per database transaction; each line is its own savepoint inside it, so a
# failing line rolls back alone, and the progress is committed every chunk.
CHUNK = 500
MAX_REPORT_LINES = 5000

_SCRIPT_RANGES = (
    (pm.Script.ARABIC, ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    (pm.Script.CYRILLIC, ((0x0400, 0x052F),)),
    (pm.Script.ETHIOPIC, ((0x1200, 0x139F), (0x2D80, 0x2DDF))),
)


def script_of(text: str) -> str:
    """The ``Script`` of a name, from its letters (the most frequent script wins)."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        found = pm.Script.LATIN if code < 0x0250 or 0x1E00 <= code <= 0x1EFF else pm.Script.OTHER
        for script, ranges in _SCRIPT_RANGES:
            if any(low <= code <= high for low, high in ranges):
                found = script
                break
        counts[found] = counts.get(found, 0) + 1
    if not counts:
        return pm.Script.LATIN
    return max(counts.items(), key=lambda item: item[1])[0]


def split_full_name(text: str) -> tuple[str, str]:
    """(family name, first names) from one cell: the words in capitals, else the first word."""
    words = text.split()
    if not words:
        return "", ""
    capitals = [w for w in words if sum(c.isalpha() for c in w) > 1 and w.upper() == w and w.lower() != w]
    if capitals and len(capitals) < len(words):
        return " ".join(capitals), " ".join(w for w in words if w not in capitals)
    return words[0], " ".join(words[1:])


def split_other_name(text: str, latin_last_name: str) -> tuple[str, str]:
    """(family name, first names) of the name written in its own script, guided by the line's Latin spelling.

    Arabic, Persian or Ge'ez script has no capitals, and the order of the words varies ("محمد احمدی" is
    Mohammad AHMADI): the family name is the word whose consonant skeleton matches the Latin family name's;
    without such a word, the rule of ``split_full_name`` applies.
    """
    from ancrage.linkage.features import fold, skeleton_word

    words = text.split()
    if len(words) > 1 and latin_last_name:
        wanted = {skeleton_word(w) for w in fold(latin_last_name).split()} - {""}
        matching = [w for w in words if skeleton_word(fold(w)) in wanted]
        if matching and len(matching) < len(words):
            return " ".join(matching), " ".join(w for w in words if w not in matching)
    return split_full_name(text)


# --- the modules of the reading layer, imported where used -----------------------------------------------


def _readers():
    from . import readers

    return readers


def _dates():
    from . import dates

    return dates


def _values():
    from . import values

    return values


def _sanitise():
    from . import sanitise

    return sanitise


# --- the linkage engine, called here only -----------------------------------------------------------------


def find_duplicates(records: Sequence[LinkageRecord], *, among: models.QuerySet[pm.Person]) -> list[list[Match]]:
    """Probable duplicates of each record among ``among`` (the adapter to ``linkage.engine``).

    Until the engine exists (ImportError), a plain fallback: same folded family name, first names
    and birth year.
    """
    try:
        from ancrage.linkage.engine import candidates_for_records
    except ImportError:
        return _fallback_candidates(records, among=among)
    return candidates_for_records(records, among=among, limit=3)


def propose_duplicates(pairs: Iterable[tuple[int, int, Match]]) -> int:
    """Send (new record, existing record, match) pairs to the review queue (``linkage.services``)."""
    pairs = list(pairs)
    if not pairs:
        return 0
    try:
        from ancrage.linkage.services import candidate_pairs_record
    except ImportError:
        return _fallback_record_pairs(pairs)
    return candidate_pairs_record(pairs, source="import")


def _fallback_candidates(records: Sequence[LinkageRecord], *, among) -> list[list[Match]]:
    wanted = {fold(r.last_name) for r in records if r.last_name}
    if not wanted:
        return [[] for _r in records]
    found: dict[tuple[str, str, int | None], list[int]] = {}
    rows = (
        pm.Identity.objects.filter(person__in=among)
        .values_list("person_id", "last_name", "first_names", "person__birth_date")
        .order_by("person_id")
    )
    for person_id, last, first, born in rows.iterator():
        if fold(last) in wanted:
            found.setdefault((fold(last), fold(first), born.year if born else None), []).append(person_id)
    answers = []
    for record in records:
        key = (fold(record.last_name), fold(record.first_names), record.birth_date.year if record.birth_date else None)
        ids = sorted(set(found.get(key, [])))[:3]
        answers.append([Match(person_id=pk, match_probability=0.9, match_weight=3.2) for pk in ids])
    return answers


def _fallback_record_pairs(pairs: list[tuple[int, int, Match]]) -> int:
    from ancrage.linkage.models import CandidateSource, DuplicateCandidate

    made = 0
    for new_id, existing_id, match in pairs:
        a, b = sorted((new_id, existing_id))
        _obj, created = DuplicateCandidate.objects.get_or_create(
            person_a_id=a,
            person_b_id=b,
            defaults={
                "match_probability": match.match_probability,
                "match_weight": match.match_weight,
                "evidence": match.evidence,
                "source": CandidateSource.IMPORT,
            },
        )
        made += created
    return made


# --- what the line holds ---------------------------------------------------------------------------------


@dataclass
class ParsedLine:
    line: int
    person: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    other_identity: dict[str, str] | None = None
    nationality: str = ""
    languages: list[str] = field(default_factory=list)
    protection: dict[str, Any] | None = None
    french: dict[str, Any] | None = None
    housing: dict[str, Any] | None = None
    programme: str = Programme.OTHER
    entry_date: dt.date | None = None
    referent_id: int | None = None
    external_id: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def display_name(self) -> str:
        last, first = self.identity.get("last_name", ""), self.identity.get("first_names", "")
        return f"{last.upper()} {first}".strip()

    def linkage_record(self) -> LinkageRecord:
        person = self.person
        return LinkageRecord(
            last_name=self.identity.get("last_name", ""),
            first_names=self.identity.get("first_names", ""),
            birth_date=person.get("birth_date"),
            birth_date_precision=person.get("birth_date_precision", DatePrecision.EXACT),
            birth_date_conventional=bool(person.get("birth_date_conventional")),
            sex=person.get("sex", ""),
            nationality=self.nationality,
            phone=person.get("phone", ""),
            ofpra_number=(self.protection or {}).get("ofpra_number", ""),
            agdref_number=person.get("agdref_number", ""),
            commune=person["commune"].pk if person.get("commune") else "",
            other_names=(
                ((self.other_identity["last_name"], self.other_identity.get("first_names", "")),)
                if self.other_identity
                else ()
            ),
        )


@dataclass
class Context:
    """What every line needs, fetched once per run (communes, référents, today)."""

    organisation_id: int
    columns: list[str]
    mapping: dict[int, str]
    value_map: dict[str, dict[str, str]]
    today: dt.date
    communes: dict[str, Commune]
    referents: dict[str, int]
    refused_columns: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, run: ImportRun, columns: list[str], *, today: dt.date | None = None) -> Context:
        mapping = {int(k): v for k, v in (run.column_mapping or {}).items() if str(k).isdigit() and v}
        referents: dict[str, int] = {}
        if "referent" in mapping.values():
            memberships = Membership.objects.active().filter(
                organisation_id=run.organisation_id, role__in=[Role.REFERENT, Role.ORG_ADMIN]
            )
            for user_id, email, first, last in memberships.values_list(
                "user_id", "user__email", "user__first_name", "user__last_name"
            ):
                for key in (email.lower(), fold(f"{first} {last}"), fold(f"{last} {first}")):
                    if key:
                        referents.setdefault(key, user_id)
        communes = {c.pk: c for c in Commune.objects.all()} if "commune" in mapping.values() else {}
        return cls(
            organisation_id=run.organisation_id,
            columns=columns,
            mapping=mapping,
            value_map=run.value_mapping or {},
            today=today or timezone.localdate(),
            communes=communes,
            referents=referents,
        )

    def column_label(self, index: int) -> str:
        return (
            str(self.columns[index])
            if index < len(self.columns) and self.columns[index]
            else _("colonne %(n)s") % {"n": index + 1}
        )


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length or 255  # type: ignore[union-attr]


def _model_errors(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(name, str(message)) for name, errors in error.message_dict.items() for message in errors]
    return [("", str(message)) for message in error.messages]


# The field of each model that a column fills: model validation errors are reported on that column.
_MODEL_FIELD_TO_TARGET = {
    "birth_date": "birth_date",
    "birth_country": "birth_country",
    "phone": "phone",
    "email": "email",
    "agdref_number": "agdref_number",
    "address": "address",
    "commune": "commune",
    "cir_signed_on": "cir_signed_on",
    "interpreting_language": "interpreting_language",
    "sex": "sex",
    "last_name": "last_name",
    "first_names": "first_names",
    "ofpra_number": "ofpra_number",
    "decision_date": "protection_date",
    "type": "protection_type",
    "level": "french_level",
    "assessed_on": "french_level_date",
    "status": "housing",
    "start_date": "housing_since",
    "entry_date": "entry_date",
    "programme": "programme",
    "referent": "referent",
    "code": "nationality",
}


def split_many(raw: str) -> list[str]:
    """The values of a cell holding several (« arabe, français / dari et anglais »)."""
    return [part.strip() for part in re.split(r"[,;/+|\n]|\s+et\s+|\s+-\s+|\s+&\s+", raw) if part.strip()]


def parse_line(ctx: Context, line: int, cells: Sequence[object], *, validate: bool = True) -> ParsedLine:
    """Everything one line would create, or its errors (on their column, in French)."""
    parsed = ParsedLine(line=line)
    values, dates, sanitise = _values(), _dates(), _sanitise()
    columns_of: dict[str, int] = {f: i for i, f in ctx.mapping.items()}

    def error(target: str, message: str, raw: object = "") -> None:
        index = columns_of.get(target)
        column = (
            ctx.column_label(index) if index is not None else str(BY_CODE[target].label if target in BY_CODE else "")
        )
        parsed.errors.append({"column": column, "value": "" if raw is None else str(raw), "message": message})

    raw: dict[str, object] = {}
    for index, target in ctx.mapping.items():
        value = cells[index] if index < len(cells) else None
        if index in ctx.refused_columns or _is_blank(value):
            continue
        raw[target] = value

    def text(target: str, model: type[models.Model], name: str) -> str:
        if target not in raw:
            return ""
        try:
            return sanitise.clean_text(
                raw[target], max_length=_max_length(model, name), label=str(BY_CODE[target].label)
            )
        except CellError as exc:
            error(target, exc.message, raw[target])
            return ""

    def code(target: str) -> str:
        if target not in raw:
            return ""
        kind = BY_CODE[target].kind
        try:
            return values.normalise(kind, raw[target], value_map=ctx.value_map.get(kind)) or ""
        except CellError as exc:
            error(target, exc.message, raw[target])
            return ""

    def date_of(target: str, *, allow_future: bool = False):
        if target not in raw:
            return None
        try:
            return dates.parse_date(raw[target], today=ctx.today, allow_future=allow_future)
        except CellError as exc:
            error(target, exc.message, raw[target])
            return None

    # Names.
    last, first = text("last_name", pm.Identity, "last_name"), text("first_names", pm.Identity, "first_names")
    if "full_name" in raw:
        full = text("full_name", pm.Identity, "first_names")
        if full:
            split_last, split_first = split_full_name(full)
            last, first = last or split_last, first or split_first
    for target, value in (("last_name", last), ("first_names", first), ("full_name", last)):
        if target in raw and value and sanitise.lost_script(value):
            error(
                target,
                _("Des lettres de ce nom ont été perdues (« ? ») : corrigez l'encodage du fichier."),
                raw[target],
            )
    name_columns = {ctx.column_label(columns_of[t]) for t in NAME_FIELDS if t in columns_of}
    if not last and not any(e["column"] in name_columns for e in parsed.errors):
        error("last_name", _("Le nom est obligatoire."))
    parsed.identity = {"last_name": last, "first_names": first, "script": script_of(f"{last} {first}")}
    other = text("other_name", pm.Identity, "last_name")
    if other:
        if sanitise.lost_script(other):
            error(
                "other_name",
                _("Des lettres de ce nom ont été perdues (« ? ») : corrigez l'encodage du fichier."),
                other,
            )
        else:
            other_last, other_first = split_other_name(other, last)
            parsed.other_identity = {"last_name": other_last, "first_names": other_first, "script": script_of(other)}

    person: dict[str, Any] = {"sex": code("sex") or "X"}
    born = date_of("birth_date")
    if born is not None:
        person.update(
            birth_date=born.value, birth_date_precision=born.precision, birth_date_conventional=born.conventional
        )
    person["birth_country"] = code("birth_country")
    if "phone" in raw:
        try:
            person["phone"] = sanitise.clean_phone(raw["phone"])
        except CellError as exc:
            error("phone", exc.message, raw["phone"])
    person["email"] = text("email", pm.Person, "email")
    person["address"] = text("address", pm.Person, "address")
    agdref = text("agdref_number", pm.Person, "agdref_number")
    person["agdref_number"] = re.sub(r"\s", "", agdref)
    commune = code("commune")
    if commune:
        found = ctx.communes.get(commune)
        if found is None:
            error("commune", _("Commune inconnue : « %(value)s ».") % {"value": raw["commune"]}, raw["commune"])
        person["commune"] = found
    cir = date_of("cir_signed_on")
    if cir is not None:
        person["cir_signed_on"] = cir.value
    interpreting = code("interpreting_language")
    if interpreting:
        person.update(interpreting_language=interpreting, interpreting_needed=True)
    parsed.person = {k: v for k, v in person.items() if v not in ("", None)}
    parsed.person.setdefault("sex", "X")

    parsed.nationality = code("nationality")
    if "languages" in raw:
        kind = BY_CODE["languages"].kind
        try:
            parsed.languages = list(
                dict.fromkeys(values.normalise_many(kind, raw["languages"], value_map=ctx.value_map.get(kind)))
            )
        except CellError as exc:
            error("languages", exc.message, raw["languages"])

    # Protection.
    ofpra = re.sub(r"\s", "", text("ofpra_number", pm.Protection, "ofpra_number"))
    protection_type = code("protection_type")
    decided = date_of("protection_date")
    if protection_type:
        body = pm.DecidingBody.CNDA if "cnda" in fold(str(raw.get("protection_type", ""))) else pm.DecidingBody.OFPRA
        parsed.protection = {
            "type": protection_type,
            "deciding_body": body,
            "decision_date": decided.value if decided else None,
            "ofpra_number": ofpra,
        }
    elif ofpra or decided:
        error(
            "protection_type" if "protection_type" in columns_of else ("ofpra_number" if ofpra else "protection_date"),
            _("Indiquez le statut de protection pour enregistrer le numéro OFPRA ou la date de décision."),
            raw.get("protection_type", ""),
        )

    # Pathway.
    if "programme" in raw:
        parsed.programme = code("programme") or Programme.OTHER
    entry = date_of("entry_date")
    parsed.entry_date = entry.value if entry else (parsed.person.get("cir_signed_on") or ctx.today)
    if "referent" in raw:
        wanted = str(raw["referent"]).strip()
        referent = ctx.referents.get(wanted.lower()) or ctx.referents.get(fold(wanted))
        if referent is None:
            error(
                "referent",
                _("Référent inconnu dans votre organisation : « %(value)s » (indiquez son adresse ou son nom).")
                % {"value": wanted},
                wanted,
            )
        parsed.referent_id = referent

    # French level.
    level = code("french_level")
    level_date = date_of("french_level_date")
    if level:
        raw_level = fold(str(raw["french_level"]))
        kind = (
            AssessmentKind.CERTIFIED
            if re.search(r"\b(delf|dalf|tcf|tef|certif)", raw_level)
            else AssessmentKind.SELF
            if "auto" in raw_level
            else AssessmentKind.TESTED
        )
        parsed.french = {
            "level": level,
            "assessed_on": level_date.value if level_date else parsed.entry_date,
            "kind": kind,
        }

    housing = code("housing")
    since = date_of("housing_since")
    if housing:
        parsed.housing = {
            "domain": pm.SituationDomain.HOUSING,
            "status": housing,
            "start_date": since.value if since else parsed.entry_date,
            "commune": parsed.person.get("commune"),
        }

    parsed.external_id = text("external_id", ImportedLine, "fingerprint")[:64]

    if last and not (parsed.person.get("birth_date") or agdref or ofpra or parsed.external_id):
        error(
            "birth_date",
            _(
                "Pas assez pour identifier la personne : indiquez sa date ou son année de naissance, ou un numéro "
                "(AGDREF, OFPRA, dossier)."
            ),
        )
    if validate and not parsed.errors:
        _validate_models(parsed, error)
    parsed.fingerprint = fingerprint(ctx.organisation_id, parsed)
    return parsed


def _validate_models(parsed: ParsedLine, error: Callable[..., None]) -> None:
    """``full_clean`` on every object the line would create, before anything is written.

    The commune and the référent were found among those fetched for the run: their foreign keys are
    not checked again (one query each per line).
    """
    person = pm.Person(**parsed.person)
    candidates: list[tuple[models.Model, list[str]]] = [
        (person, ["created_by_organisation", "commune", "household"]),
        (pm.Identity(**parsed.identity, is_reference=True), ["person"]),
    ]
    if parsed.other_identity:
        candidates.append((pm.Identity(**parsed.other_identity), ["person"]))
    if parsed.nationality:
        candidates.append((pm.Nationality(code=parsed.nationality), ["person"]))
    candidates += [(pm.PersonLanguage(code=c), ["person"]) for c in parsed.languages]
    if parsed.protection:
        candidates.append((pm.Protection(**parsed.protection), ["person"]))
    if parsed.french:
        candidates.append((pm.FrenchAssessment(**parsed.french), ["person"]))
    if parsed.housing:
        candidates.append((pm.Situation(**parsed.housing), ["person", "commune"]))
    candidates.append(
        (
            Pathway(
                programme=parsed.programme,
                entry_date=parsed.entry_date or timezone.localdate(),
                referent_id=parsed.referent_id,
            ),
            ["person", "operator", "referent"],
        )
    )
    for instance, exclude in candidates:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, message in _model_errors(exc):
                target = _MODEL_FIELD_TO_TARGET.get(name, "")
                if isinstance(instance, pm.Identity) and instance is not candidates[1][0]:
                    target = "other_name"
                error(target or "last_name", message, "")


def fingerprint(organisation_id: int, parsed: ParsedLine) -> str:
    """The line's identity within the organisation: its file number when mapped, else name + birth date."""
    if parsed.external_id:
        basis = f"{organisation_id}|file|{fold(parsed.external_id)}"
    else:
        born = parsed.person.get("birth_date")
        numbers = (
            ""
            if born
            else f"{parsed.person.get('agdref_number', '')}|{(parsed.protection or {}).get('ofpra_number', '')}"
        )
        basis = (
            f"{organisation_id}|person|{fold(parsed.identity.get('last_name', ''))}|"
            f"{fold(parsed.identity.get('first_names', ''))}|{born.isoformat() if born else ''}|{numbers}"
        )
    return hashlib.sha256(basis.encode()).hexdigest()


# --- reading the run's file ------------------------------------------------------------------------------


def read_run_table(run: ImportRun):
    """The run's table as ``imports.readers`` reads it (raises ``ReadError``)."""
    data = getattr(run, "_data", None)
    if data is not None:
        return _readers().read_table(data, run.file_name, sheet=run.sheet or None)[0]
    if not run.file:
        raise ReadError(_("Le fichier de cet import n'est plus disponible : déposez-le à nouveau."))
    try:
        with run.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise ReadError(_("Le fichier de cet import n'est plus disponible : déposez-le à nouveau.")) from None
    table, _warnings = _readers().read_table(data, run.file_name, sheet=run.sheet or None)
    return table


def refused_columns(ctx: Context, rows: Sequence[tuple[int, Sequence[object]]]) -> dict[int, str]:
    """Name columns that lost their script to the encoding ("????"): refused as a whole, with the message."""
    sanitise = _sanitise()
    refused: dict[int, str] = {}
    for index, target in ctx.mapping.items():
        if target not in NAME_FIELDS:
            continue
        column = [str(cells[index]) for _line, cells in rows if index < len(cells) and not _is_blank(cells[index])]
        if column and sanitise.column_lost_script(column):
            refused[index] = _(
                "La colonne « %(column)s » a perdu ses lettres à l'enregistrement du fichier (« ???? ») : elle n'est "
                "pas importée. Enregistrez le tableur en UTF-8 ou au format XLSX, puis déposez-le à nouveau."
            ) % {"column": ctx.column_label(index)}
    return refused


def unknown_values(run: ImportRun, table=None) -> dict[str, list[dict[str, Any]]]:
    """Per kind, the distinct values of mapped columns not recognised (with suggestions and line count)."""
    values = _values()
    table = table or read_run_table(run)
    mapping = {int(k): v for k, v in (run.column_mapping or {}).items() if str(k).isdigit() and v}
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for index, target in mapping.items():
        spec = BY_CODE.get(target)
        if spec is None or not spec.kind:
            continue
        kind = spec.kind
        value_map = (run.value_mapping or {}).get(kind)
        for _line, cells in table.rows:
            raw = cells[index] if index < len(cells) else None
            if _is_blank(raw):
                continue
            parts: list[object] = list(split_many(str(raw))) if spec.many else [raw]
            for part in parts:
                value_key = values.key(part)
                seen = found.setdefault(kind, {})
                if value_key in seen:
                    seen[value_key]["count"] += 1
                    continue
                try:
                    values.normalise(kind, part, value_map=value_map)
                except CellError:
                    seen[value_key] = {
                        "key": value_key,
                        "raw": str(part),
                        "count": 1,
                        "suggestions": [
                            {"code": s.code, "label": str(s.label), "score": s.score}
                            for s in values.suggest(kind, part, limit=3)
                        ],
                    }
                else:
                    seen[value_key] = {"key": value_key, "known": True, "count": 1}
    return {
        kind: sorted((v for v in seen.values() if not v.get("known")), key=lambda v: (-v["count"], v["raw"]))
        for kind, seen in found.items()
        if any(not v.get("known") for v in seen.values())
    }


# --- dry and wet runs -----------------------------------------------------------------------------------


def visible_records(actor: Actor) -> models.QuerySet[pm.Person]:
    """The records a duplicate may be among: those the actor may open, never another partner's."""
    return pm.Person.objects.filter(perms.visible_persons_filter(actor), merged_into__isnull=True)


def _existing_fingerprints(organisation_id: int, fingerprints: list[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    statuses = [LineStatus.CREATED, LineStatus.DUPLICATE]
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        rows = ImportedLine.objects.filter(
            organisation_id=organisation_id, fingerprint__in=chunk, status__in=statuses, person__isnull=False
        ).values_list("fingerprint", "person_id")
        found.update(rows)
    return found


@dataclass
class Analysis:
    parsed: list[ParsedLine]
    existing: dict[int, int | None]  # line -> person id created before (or earlier in the file)
    duplicates: dict[int, list[Match]]  # line -> probable duplicates among visible records
    refused: dict[int, str]
    ignored_columns: list[str]
    names: dict[int, str]


def analyse(
    run: ImportRun, actor: Actor, *, table=None, today: dt.date | None = None, validate: bool = True
) -> Analysis:
    """Parse every line, find those imported before and the probable duplicates of the others."""
    table = table or read_run_table(run)
    ctx = Context.build(run, list(table.columns), today=today)
    refused = refused_columns(ctx, table.rows)
    ctx.refused_columns = set(refused)
    parsed = [parse_line(ctx, line, cells, validate=validate) for line, cells in table.rows]
    valid = [p for p in parsed if not p.errors]
    before = _existing_fingerprints(run.organisation_id, [p.fingerprint for p in valid])
    existing: dict[int, int | None] = {}
    seen_in_file: dict[str, int] = {}
    fresh: list[ParsedLine] = []
    for p in valid:
        if p.fingerprint in before:
            existing[p.line] = before[p.fingerprint]
        elif p.fingerprint in seen_in_file:
            existing[p.line] = None
        else:
            seen_in_file[p.fingerprint] = p.line
            fresh.append(p)
    duplicates: dict[int, list[Match]] = {}
    names: dict[int, str] = {}
    if fresh:
        among = visible_records(actor)
        answers = find_duplicates([p.linkage_record() for p in fresh], among=among)
        matched_ids = {m.person_id for matches in answers for m in matches}
        visible = dict(among.filter(pk__in=matched_ids).values_list("pk", "display_name")) if matched_ids else {}
        names = visible
        for p, matches in zip(fresh, answers, strict=True):
            shown = [m for m in matches if m.person_id in visible]
            if shown:
                duplicates[p.line] = shown
    ignored = [ctx.column_label(i) for i in range(len(table.columns)) if i not in ctx.mapping]
    return Analysis(parsed, existing, duplicates, refused, ignored, names)


def _report(analysis: Analysis, *, created: int = 0, skipped: int = 0, wet: bool = False) -> tuple[dict, dict]:
    rejected = [p for p in analysis.parsed if p.errors]
    counters = {
        "total": len(analysis.parsed),
        "valid": len(analysis.parsed) - len(rejected),
        "rejected": len(rejected),
        "existing": len(analysis.existing),
        "duplicates": len(analysis.duplicates),
        "new": len(analysis.parsed) - len(rejected) - len(analysis.existing),
    }
    if wet:
        counters.update(created=created, skipped=skipped)
    report = {
        "rejected": [{"line": p.line, "errors": p.errors} for p in rejected[:MAX_REPORT_LINES]],
        "rejected_lines": [p.line for p in rejected],
        "existing": sorted(analysis.existing)[:MAX_REPORT_LINES],
        "duplicates": [
            {
                "line": p.line,
                "name": p.display_name,
                "matches": [
                    {
                        "person_id": m.person_id,
                        "name": analysis.names.get(m.person_id, ""),
                        "probability": round(m.match_probability, 3),
                    }
                    for m in analysis.duplicates[p.line]
                ],
            }
            for p in analysis.parsed
            if p.line in analysis.duplicates
        ][:MAX_REPORT_LINES],
        "column_errors": list(analysis.refused.values()),
        "ignored_columns": analysis.ignored_columns,
    }
    return counters, report


def check_run(run: ImportRun, actor: Actor, *, today: dt.date | None = None) -> ImportRun:
    """The dry run: the report of what the import would do; nothing is written but the run's report."""
    analysis = analyse(run, actor, today=today)
    counters, report = _report(analysis)
    run.counters, run.report = counters, report
    run.lines_total = counters["total"]
    run.status = ImportStatus.CHECKED
    run.checked_at = timezone.now()
    if run.pk:
        run.save(update_fields=["counters", "report", "lines_total", "status", "checked_at", "updated_at"])
    return run


def _write_line(actor: Actor, parsed: ParsedLine) -> pm.Person:
    from ancrage.pathways.services import pathway_create
    from ancrage.persons.services import person_create, record_item_save

    person = person_create(
        actor=actor,
        identity={**parsed.identity, "source": pm.IdentitySource.DECLARED},
        **parsed.person,
    )
    pathway_create(
        actor=actor,
        person=person,
        programme=parsed.programme,
        entry_date=parsed.entry_date or timezone.localdate(),
        referent_id=parsed.referent_id,
    )
    items: list[models.Model] = []
    if parsed.other_identity:
        items.append(pm.Identity(**parsed.other_identity, source=pm.IdentitySource.DECLARED))
    if parsed.nationality:
        items.append(pm.Nationality(code=parsed.nationality))
    items += [pm.PersonLanguage(code=c) for c in parsed.languages]
    if parsed.protection:
        items.append(pm.Protection(**parsed.protection))
    if parsed.french:
        items.append(pm.FrenchAssessment(**parsed.french))
    if parsed.housing:
        items.append(pm.Situation(**parsed.housing))
    for item in items:
        # The section of each item comes from the table in ``access.sections`` (a housing situation:
        # the housing section).
        record_item_save(actor=actor, person=person, item=item, section=section_of_item(item))
    return person


def execute_run(
    run: ImportRun,
    actor: Actor,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """The wet run: every valid new line written (one savepoint each), duplicates proposed or skipped."""
    from django.core.exceptions import PermissionDenied

    from ancrage.audit.models import AuditAction
    from ancrage.audit.services import audit_record

    if not perms.can_import_persons(actor) or actor.organisation_id != run.organisation_id:
        raise PermissionDenied
    # Checked since its mapping last changed (the services clear ``checked_at``): the same file and
    # mappings gave the same model validation in the dry run, which is not run again.
    analysis = analyse(run, actor, today=today, validate=run.checked_at is None)
    total = len(analysis.parsed)
    run.lines_total = total
    if not run.pk:
        run.status = ImportStatus.RUNNING
        run.save()
    ImportRun.objects.filter(pk=run.pk).update(lines_total=total, lines_done=0)
    skip_duplicates = run.duplicate_policy == DuplicatePolicy.SKIP
    created = skipped = 0
    pairs: list[tuple[int, int, Match]] = []
    done = 0
    for start in range(0, total, CHUNK):
        chunk = analysis.parsed[start : start + CHUNK]
        outcome: dict[int, tuple[str, int | None]] = {}
        to_write: list[ParsedLine] = []
        for p in chunk:
            if p.errors:
                outcome[p.line] = (LineStatus.REJECTED, None)
            elif p.line in analysis.existing:
                outcome[p.line] = (LineStatus.EXISTING, analysis.existing[p.line])
            elif p.line in analysis.duplicates and skip_duplicates:
                outcome[p.line] = (LineStatus.SKIPPED, None)
            else:
                to_write.append(p)
        chunk_pairs: list[tuple[int, int, Match]] = []
        with transaction.atomic():
            written = _write_many(actor, to_write)
            for p in to_write:
                person_id = written.get(p.line)
                if person_id is None:
                    outcome[p.line] = (LineStatus.REJECTED, None)
                    continue
                has_duplicates = p.line in analysis.duplicates
                outcome[p.line] = (LineStatus.DUPLICATE if has_duplicates else LineStatus.CREATED, person_id)
                chunk_pairs += [(person_id, m.person_id, m) for m in analysis.duplicates.get(p.line, [])]
            lines = []
            for p in chunk:
                status, person_id = outcome[p.line]
                created += status in (LineStatus.CREATED, LineStatus.DUPLICATE)
                skipped += status == LineStatus.SKIPPED
                lines.append(
                    ImportedLine(
                        run_id=run.pk,
                        organisation_id=run.organisation_id,
                        line=p.line,
                        status=status,
                        errors=p.errors,
                        person_id=person_id,
                        fingerprint=p.fingerprint,
                    )
                )
            insert_many(lines)
            if chunk_pairs:
                propose_duplicates(chunk_pairs)
                pairs += chunk_pairs
            done += len(chunk)
            ImportRun.objects.filter(pk=run.pk).update(lines_done=done)
        if progress:
            progress(done, total)
    counters, report = _report(analysis, created=created, skipped=skipped, wet=True)
    counters["proposed_pairs"] = len(pairs)
    with transaction.atomic():
        run.counters, run.report = counters, report
        run.lines_done = total
        run.status = ImportStatus.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["counters", "report", "lines_done", "status", "finished_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            event="import.run",
            obj=run,
            details={"sha256": run.sha256, "file": run.file_name, **counters},
        )
    return run


def _write_many(actor: Actor, lines: list[ParsedLine]) -> dict[int, int]:
    """Write the lines of a chunk: {line: person id}; a line that fails gets its errors and no id.

    First all together (``bulk.write_lines``: the same rows, history and audit events as the services,
    every object ``full_clean``-ed before), in one savepoint; if that fails, line by line through the
    services, each line in its own savepoint, so that a failing line rolls back alone.
    """
    if not lines:
        return {}
    from .bulk import write_lines

    try:
        with transaction.atomic():
            return write_lines(actor, lines)
    except (IntegrityError, ValidationError, DatabaseError):
        logger.info("bulk write of %s lines failed: line by line", len(lines), exc_info=True)
    written: dict[int, int] = {}
    for p in lines:
        try:
            with transaction.atomic():
                written[p.line] = _write_line(actor, p).pk
        except ValidationError as exc:
            p.errors = [
                {
                    "column": str(BY_CODE[t].label) if (t := _MODEL_FIELD_TO_TARGET.get(n)) else "",
                    "value": "",
                    "message": m,
                }
                for n, m in _model_errors(exc)
            ]
        except IntegrityError:
            p.errors = [{"column": "", "value": "", "message": _("Cette ligne n'a pas pu être enregistrée.")}]
    return written


def rejected_rows(run: ImportRun) -> tuple[list[str], list[list[object]]]:
    """The original columns and cells of the rejected lines, with their errors (for the download)."""
    table = read_run_table(run)
    errors: dict[int, list[dict[str, str]]] = {}
    for entry in (run.report or {}).get("rejected", []):
        errors[entry["line"]] = entry["errors"]
    wanted = set((run.report or {}).get("rejected_lines", errors))
    header = [str(c) for c in table.columns] + [_("Ligne"), _("Erreurs")]
    rows = []
    for line, cells in table.rows:
        if line not in wanted:
            continue
        messages = "; ".join(
            f"{e['column']} : {e['message']}" if e.get("column") else e["message"] for e in errors.get(line, [])
        )
        padded = list(cells) + [None] * (len(table.columns) - len(cells))
        rows.append([*padded[: len(table.columns)], line, messages])
    return header, rows


__all__ = ["CHUNK", "analyse", "check_run", "execute_run", "find_duplicates", "parse_line", "propose_duplicates"]
