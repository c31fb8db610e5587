"""The linkage engine: a Splink model (DuckDB backend) over the features of ``linkage.features`` (ADR 8).

Two layers:

* plain functions over feature rows, with no Django in them (``default_settings``, ``train_settings``,
  ``score_within``, ``score_between``), which the benchmarks use too;
* the Django side: ``record_from_person``, ``records_for`` (a whole queryset in a few bulk queries) and
  ``candidates_for_records``, the contract the person form and the importer call.

The comparisons are SQL over DuckDB functions; the saved model (``save_model_to_json``) is the
settings dict with its m and u probabilities, stored in ``LinkageModel.settings``. For Spark, the same
levels are written with Spark's function names (``settings_for_dialect``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from .features import features_of, features_table
from .records import LinkageRecord, Match

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ancrage.persons.models import Person

    from .models import LinkageModel

logger = logging.getLogger(__name__)

DEFAULT_REVIEW_THRESHOLD = 0.8
DEFAULT_CLUSTER_THRESHOLD = 0.95
# Term-frequency columns: agreement on a common name is worth less.
TF_COLUMNS = ("last_fold", "first_fold", "last_key", "first_key")

# DuckDB function names; Spark's equivalents (``settings_for_dialect``).
_FUNCTIONS = {
    "duckdb": {"overlap": "list_has_any({a}, {b})", "jw": "jaro_winkler_similarity({a}, {b})"},
    "spark": {"overlap": "arrays_overlap({a}, {b})", "jw": "jaro_winkler({a}, {b})"},
}


_SIDES = re.compile(r"\b([lr])\.(\w+)")


def _level(sql: str, label: str, m: float, u: float, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    # Comparisons name the two sides ``col_l`` / ``col_r`` (blocking rules say ``l.col`` / ``r.col``).
    sql = _SIDES.sub(r"\2_\1", sql)
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    else:
        level["m_probability"] = m
        level["u_probability"] = u
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
        level["tf_minimum_u_value"] = 0.0005
        # The level's own u is the base of the adjustment (the key levels are not exact on their column).
        level["disable_tf_exact_match_detection"] = True
    return level


def _null(column: str) -> dict[str, Any]:
    return _level(f"l.{column} IS NULL OR r.{column} IS NULL", "null", 0, 0, null=True)


def _else(m: float, u: float) -> dict[str, Any]:
    return _level("ELSE", "else", m, u)


def _comparisons(dialect: str = "duckdb") -> list[dict[str, Any]]:
    f = _FUNCTIONS[dialect]

    def overlap(a: str, b: str) -> str:
        return f["overlap"].format(a=a, b=b)

    def jw(a: str, b: str) -> str:
        return f["jw"].format(a=a, b=b)

    precise = "NOT l.birth_weak AND NOT r.birth_weak"
    return [
        {
            "output_column_name": "last_name",
            "comparison_description": "family name",
            "comparison_levels": [
                _null("last_fold"),
                _level("l.last_fold = r.last_fold", "exact", 0.70, 0.002, tf="last_fold"),
                _level(overlap("l.last_keys", "r.last_keys"), "transliteration", 0.14, 0.003, tf="last_key"),
                _level(overlap("l.last_skels", "r.last_skels"), "skeleton", 0.05, 0.01),
                _level(f"{jw('l.last_fold', 'r.last_fold')} >= 0.88", "close", 0.04, 0.01),
                _level(overlap("l.last_skels", "r.first_skels"), "swapped", 0.05, 0.001),
                _else(0.02, 0.974),
            ],
        },
        {
            "output_column_name": "first_names",
            "comparison_description": "given names",
            "comparison_levels": [
                _null("first_fold"),
                _level("l.first_fold = r.first_fold", "exact", 0.65, 0.01, tf="first_fold"),
                _level("l.first_key = r.first_key", "transliteration", 0.12, 0.01, tf="first_key"),
                _level(overlap("l.first_keys", "r.first_keys"), "overlap", 0.08, 0.02),
                _level(overlap("l.first_skels", "r.first_skels"), "skeleton", 0.04, 0.03),
                _level(f"{jw('l.first_fold', 'r.first_fold')} >= 0.88", "close", 0.03, 0.02),
                _level(overlap("l.first_skels", "r.last_skels"), "swapped", 0.05, 0.001),
                _else(0.03, 0.909),
            ],
        },
        {
            "output_column_name": "birth_date",
            "comparison_description": "birth date",
            "comparison_levels": [
                _null("birth_date"),
                _level(f"l.birth_date = r.birth_date AND {precise}", "exact", 0.60, 0.0001),
                _level(
                    f"{precise} AND l.birth_year = r.birth_year AND l.birth_month = r.birth_day "
                    "AND l.birth_day = r.birth_month",
                    "day_month_swap",
                    0.03,
                    0.0001,
                ),
                _level(f"{precise} AND damerau_levenshtein(l.birth_date, r.birth_date) <= 1", "typo", 0.08, 0.002),
                _level("l.birth_year = r.birth_year AND (l.birth_weak OR r.birth_weak)", "year_weak", 0.20, 0.03),
                _level("l.birth_year = r.birth_year", "year", 0.03, 0.03),
                _level("abs(l.birth_year - r.birth_year) <= 1", "near_year", 0.04, 0.06),
                _else(0.02, 0.8788),
            ],
        },
        _identifier("phone", "phone", 0.85, 0.0001, typo=False),
        _identifier("ofpra", "ofpra", 0.95, 0.000001),
        _identifier("agdref", "agdref", 0.95, 0.000001),
        _exact("sex", 0.98, 0.5),
        _exact("nationality", 0.95, 0.3),
        _exact("commune", 0.6, 0.1),
    ]


def _identifier(name: str, column: str, m: float, u: float, *, typo: bool = True) -> dict[str, Any]:
    levels = [_null(column), _level(f"l.{column} = r.{column}", "exact", m, u)]
    if typo:
        levels.append(_level(f"damerau_levenshtein(l.{column}, r.{column}) <= 1", "typo", 0.03, u * 10))
    levels.append(_else(1 - m - (0.03 if typo else 0), 1 - u - (u * 10 if typo else 0)))
    return {"output_column_name": name, "comparison_description": name, "comparison_levels": levels}


def _exact(column: str, m: float, u: float) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": column,
        "comparison_levels": [_null(column), _level(f"l.{column} = r.{column}", "exact", m, u), _else(1 - m, 1 - u)],
    }


# Pairs scored: each rule is a cheap equi-join; a duplicate is found when any one holds.
BLOCKING_RULES = (
    "l.last_skel = r.last_skel AND l.birth_year = r.birth_year",
    "l.first_skel = r.first_skel AND l.birth_date = r.birth_date",
    "l.last_skel = r.first_skel AND l.first_skel = r.last_skel",
    "l.last_key = r.last_key AND l.first_key = r.first_key",
    "l.phone = r.phone",
    "l.ofpra = r.ofpra",
    "l.agdref = r.agdref",
)
# Expectation maximisation runs on pairs blocked by each rule in turn (each estimates the others' m).
# Blocking on a name would fill the sample with namesakes (many Mohammad Ahmadi are different persons)
# and teach the model that dates disagree among matches: the dates are estimated on pairs that share a
# phone or a number instead.
EM_RULES = (
    "l.birth_date = r.birth_date",
    "l.phone = r.phone",
    "l.ofpra = r.ofpra",
    "l.agdref = r.agdref",
)
# Pairs certainly the same, for the prior (the proportion of matching pairs).
DETERMINISTIC_RULES = (
    "l.agdref = r.agdref",
    "l.ofpra = r.ofpra",
    "l.last_fold = r.last_fold AND l.first_fold = r.first_fold AND l.birth_date = r.birth_date",
    "l.phone = r.phone AND l.first_key = r.first_key",
)


def default_settings(
    *,
    link_type: str = "dedupe_only",
    comparisons: list[dict[str, Any]] | None = None,
    blocking_rules: Sequence[str] = BLOCKING_RULES,
    prior: float = 0.0002,
    dialect: str = "duckdb",
) -> dict[str, Any]:
    """The untrained model: comparisons with prior m and u probabilities (usable as is on a few records)."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": dialect} for rule in blocking_rules
        ],
        "comparisons": comparisons if comparisons is not None else _comparisons(dialect),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "sql_dialect": dialect,
    }


def settings_for_dialect(settings: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The same trained model with its SQL written for another backend (``"spark"`` at national scale):
    every level keeps its m and u, only the function names change."""
    converted = {**settings, "sql_dialect": dialect}
    source = settings.get("sql_dialect", "duckdb")
    comparisons = []
    for comparison in settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            sql = level["sql_condition"]
            for key in ("overlap", "jw"):
                old, new = _FUNCTIONS[source][key].split("(")[0], _FUNCTIONS[dialect][key].split("(")[0]
                sql = sql.replace(old + "(", new + "(")
            levels.append({**level, "sql_condition": sql})
        comparisons.append({**comparison, "comparison_levels": levels})
    converted["comparisons"] = comparisons
    converted["blocking_rules_to_generate_predictions"] = [
        {**rule, "sql_dialect": dialect} if isinstance(rule, dict) else rule
        for rule in settings["blocking_rules_to_generate_predictions"]
    ]
    return converted


# -- term frequencies -------------------------------------------------------------------------------


# Below this many records, frequencies say nothing: no term-frequency adjustment.
MIN_TF_RECORDS = 200


def term_frequencies(rows: Sequence[dict[str, Any]], *, minimum: int = 2) -> dict[str, Any]:
    """Relative frequencies of the values of the name columns seen at least ``minimum`` times (a
    value seen less is rare: no adjustment beyond the level's own weight)."""
    total = len(rows)
    tables: dict[str, Any] = {"records": total}
    for column in TF_COLUMNS:
        if total < MIN_TF_RECORDS:
            tables[column] = {}
            continue
        counts = Counter(row[column] for row in rows if row[column])
        tables[column] = {value: count / total for value, count in counts.items() if count >= minimum}
    return tables


def _tf_lookups(rows: Sequence[dict[str, Any]], tables: dict[str, Any]):  # -> {column: pyarrow.Table}
    """One lookup table per term-frequency column, for the values of ``rows`` the tables know."""
    import pyarrow as pa

    lookups = {}
    for column in TF_COLUMNS:
        known = tables.get(column, {})
        values = sorted({row[column] for row in rows if row[column] in known})
        lookups[column] = pa.table(
            {
                column: pa.array(values, pa.string()),
                f"tf_{column}": pa.array([known[v] for v in values], pa.float64()),
            }
        )
    return lookups


def _arrow(rows: Sequence[dict[str, Any]], extra_columns: Sequence[str] = ()):  # -> pyarrow.Table
    import pyarrow as pa

    table = features_table(rows)
    for column in extra_columns:
        table = table.append_column(pa.field(column, pa.string()), pa.array([r.get(column) for r in rows], pa.string()))
    return table


# -- Splink -------------------------------------------------------------------------------------------


def _linker(settings: dict[str, Any], tables: list[Any], lookups: dict[str, Any] | None = None):
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI()
    frames = [db_api.register(table) for table in tables]
    # A dedupe model takes one input table; the other side of ``predict_between`` is registered beside it.
    single = settings.get("link_type") == "dedupe_only" or len(frames) == 1
    linker = Linker(frames[0] if single else frames, settings, log_level=logging.WARNING, validate_settings=False)
    for column, lookup in (lookups or {}).items():
        linker.table_management.register_term_frequency_lookup(db_api.register(lookup), column)
    return linker, frames


# One linker per model and process for the one-record path (a person being created): building a
# Linker costs more than scoring a few hundred pairs. Calls are serialised on it.
_LINKERS: dict[str, Any] = {}
_LINKERS_LOCK = threading.Lock()


def _reusable_linker(settings: dict[str, Any]):
    from splink import DuckDBAPI, Linker

    key = hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()
    if key not in _LINKERS:
        if len(_LINKERS) >= 4:
            _LINKERS.clear()
        db_api = DuckDBAPI()
        empty = db_api.register(_arrow([]))
        _LINKERS[key] = (Linker(empty, settings, log_level=logging.WARNING, validate_settings=False), db_api)
    return _LINKERS[key]


def _quiet() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def train_settings(
    rows: Sequence[dict[str, Any]],
    *,
    settings: dict[str, Any] | None = None,
    extra_columns: Sequence[str] = (),
    em_rules: Sequence[str] = EM_RULES,
    deterministic_rules: Sequence[str] = DETERMINISTIC_RULES,
    recall: float = 0.8,
    max_pairs: float = 2e6,
) -> dict[str, Any]:
    """Estimate the model unsupervised on ``rows``: the prior from deterministic rules, u by random
    sampling, m by expectation maximisation over ``em_rules``. Steps that find no pairs keep the
    prior values of ``default_settings``."""
    _quiet()
    settings = settings or default_settings()
    linker, _frames = _linker(settings, [_arrow(rows, extra_columns)], _tf_lookups(rows, term_frequencies(rows)))
    prior = settings.get("probability_two_random_records_match", 0.0001)
    try:
        linker.training.estimate_probability_two_random_records_match(list(deterministic_rules), recall=recall)
        prior = linker._settings_obj._probability_two_random_records_match
    except Exception as error:  # noqa: BLE001 — too few records: keep the prior
        logger.info("prior not estimated: %s", error)
    try:
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    except Exception as error:  # noqa: BLE001
        logger.info("u not estimated: %s", error)
    for rule in em_rules:
        pairs = _pairs_under(rows, rule)
        if pairs is not None and pairs < MIN_EM_PAIRS:
            logger.info("EM on %s skipped: %s pairs", rule, pairs)
            continue
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as error:  # noqa: BLE001 — no pair under this rule
            logger.info("EM on %s skipped: %s", rule, error)
    trained = linker.misc.save_model_to_json()
    # The prior is the deterministic estimate: an EM session must not leave its own (within-block) one.
    trained["probability_two_random_records_match"] = prior
    return _floored(trained)


# Expectation maximisation needs enough pairs under its blocking rule to separate two classes.
MIN_EM_PAIRS = 50
_EQUALITY_RULE = re.compile(r"^l\.(\w+) = r\.\1$")


def _pairs_under(rows: Sequence[dict[str, Any]], rule: str) -> int | None:
    """How many pairs a one-column equality rule blocks (``None`` for other rules)."""
    match = _EQUALITY_RULE.match(rule.strip())
    if not match:
        return None
    counts = Counter(row.get(match.group(1)) for row in rows)
    return sum(c * (c - 1) // 2 for value, c in counts.items() if value is not None)


def _floored(settings: dict[str, Any], floor: float = 0.005) -> dict[str, Any]:
    """No level may be impossible among matches (an m of 0 is an infinite penalty): a phone changes,
    a sex is mistyped. Each m is kept at ``floor`` at least, the others scaled down to sum to one."""
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        values = [lv.get("m_probability") for lv in levels]
        if not all(isinstance(v, (int, float)) for v in values):
            continue
        raised = [max(float(v), floor) for v in values]  # type: ignore[arg-type]
        total = sum(raised)
        for level, value in zip(levels, raised, strict=True):
            level["m_probability"] = value / total
    return settings


def _scored(predictions, threshold: float | None) -> list[dict[str, Any]]:
    relation = predictions.as_duckdbpyrelation()
    columns = [
        c
        for c in relation.columns
        if c in ("unique_id_l", "unique_id_r", "match_probability", "match_weight") or c.startswith("mw_")
    ]
    relation = relation.select(*columns)
    if threshold is not None:
        relation = relation.filter(f"match_probability >= {float(threshold)}")
    names = relation.columns
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def score_within(
    rows: Sequence[dict[str, Any]],
    settings: dict[str, Any],
    *,
    threshold: float | None = None,
    tf_tables: dict[str, Any] | None = None,
    extra_columns: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Every blocked pair of ``rows`` scored: dicts with ``unique_id_l``, ``unique_id_r``,
    ``match_probability``, ``match_weight`` and the ``gamma_*`` levels."""
    _quiet()
    lookups = _tf_lookups(rows, tf_tables or term_frequencies(rows))
    linker, frames = _linker(settings, [_arrow(rows, extra_columns)], lookups)
    predictions = linker.inference.predict_within(
        frames[0], threshold_match_probability=threshold, warning_mode="never"
    )
    return _scored(predictions, None)


def score_between(
    left: Sequence[dict[str, Any]],
    right: Sequence[dict[str, Any]],
    settings: dict[str, Any],
    *,
    threshold: float | None = None,
    tf_tables: dict[str, Any] | None = None,
    extra_columns: Sequence[str] = (),
    link_type: str | None = None,
) -> list[dict[str, Any]]:
    """Pairs of one record of ``left`` and one of ``right``, scored (as ``score_within``)."""
    _quiet()
    if not left or not right:
        return []
    lookups = _tf_lookups([*left, *right], tf_tables or term_frequencies([*left, *right]))
    tables = [_arrow(left, extra_columns), _arrow(right, extra_columns)]
    if settings.get("link_type") != "dedupe_only" or extra_columns:
        linker, frames = _linker(settings, tables, lookups)
        predictions = linker.inference.predict_between(
            frames[0], frames[1], threshold_match_probability=threshold, warning_mode="never", link_type=link_type
        )
        return _scored(predictions, None)
    with _LINKERS_LOCK:
        linker, db_api = _reusable_linker(settings)
        frames = [db_api.register(table) for table in tables]
        registered = list(frames)
        for column, lookup in lookups.items():
            frame = db_api.register(lookup)
            registered.append(frame)
            linker.table_management.register_term_frequency_lookup(frame, column)
        try:
            predictions = linker.inference.predict_between(
                frames[0], frames[1], threshold_match_probability=threshold, warning_mode="never", link_type=link_type
            )
            registered.append(predictions)
            return _scored(predictions, None)
        finally:
            for frame in registered:
                frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


# -- evidence -------------------------------------------------------------------------------------------


def _field_labels() -> dict[str, str]:
    return {
        "last_name": _("Nom de famille"),
        "first_names": _("Prénoms"),
        "birth_date": _("Date de naissance"),
        "phone": _("Téléphone"),
        "ofpra": _("Numéro OFPRA"),
        "agdref": _("Numéro étranger (AGDREF)"),
        "sex": _("Sexe"),
        "nationality": _("Nationalité"),
        "commune": _("Commune"),
    }


def _level_labels() -> dict[str, str]:
    return {
        "exact": _("identique"),
        "transliteration": _("même nom, autre translittération"),
        "skeleton": _("mêmes consonnes (translittération éloignée)"),
        "overlap": _("un prénom en commun (prénoms en plus ou en moins)"),
        "close": _("orthographe proche"),
        "swapped": _("nom et prénom inversés"),
        "day_month_swap": _("jour et mois inversés"),
        "typo": _("une faute de frappe"),
        "year_weak": _("même année (date conventionnelle ou imprécise)"),
        "year": _("même année, jour différent"),
        "near_year": _("année voisine"),
        "else": _("différent"),
    }


@functools.lru_cache(maxsize=16)
def _level_table(settings_key: str) -> dict[str, list[tuple[float, str]]]:
    """Per comparison, the match weight of each level and its code (Splink's output carries the
    weights, ``mw_*``: each level has its own)."""
    import json

    settings = json.loads(settings_key)
    table: dict[str, list[tuple[float, str]]] = {}
    for comparison in settings["comparisons"]:
        entries = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if isinstance(m, (int, float)) and isinstance(u, (int, float)) and m > 0 and u > 0:
                entries.append((math.log2(m / u), level.get("label_for_charts", "")))
        table[comparison["output_column_name"]] = entries
    return table


def evidence_for(scored: dict[str, Any], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per comparison that had values on both sides: field, French labels, level code and
    weight (with its term-frequency adjustment)."""
    import json

    table = _level_table(json.dumps(settings, sort_keys=True, default=str))
    fields, levels = _field_labels(), _level_labels()
    evidence = []
    for name, entries in table.items():
        weight = scored.get(f"mw_{name}")
        if weight is None:
            continue
        code = next((c for w, c in entries if abs(w - weight) < 1e-6), None)
        if code is None:
            continue  # the null level: a value missing on one side
        adjustment = scored.get(f"mw_tf_adj_{name}") or 0.0
        evidence.append(
            {
                "field": name,
                "label": fields.get(name, name),
                "code": code,
                "level": levels.get(code, code),
                "weight": round(float(weight) + float(adjustment), 2),
            }
        )
    return evidence


# -- Django side ------------------------------------------------------------------------------------------


def record_from_person(person: Person) -> LinkageRecord:
    """The record of a person with identities, nationalities and protections prefetched."""
    identities = list(person.identities.all())
    reference = next((i for i in identities if i.is_reference), identities[0] if identities else None)
    others = tuple((i.last_name, i.first_names) for i in identities if i is not reference)
    nationalities = sorted(n.code for n in person.nationalities.all())
    ofpra = next((p.ofpra_number for p in person.protections.all() if p.ofpra_number), "")
    return LinkageRecord(
        last_name=reference.last_name if reference else "",
        first_names=reference.first_names if reference else "",
        birth_date=person.birth_date,
        birth_date_precision=person.birth_date_precision,
        birth_date_conventional=person.birth_date_conventional,
        sex=person.sex,
        nationality=nationalities[0] if nationalities else "",
        phone=person.phone,
        ofpra_number=ofpra,
        agdref_number=person.agdref_number,
        commune=person.commune_id or "",
        other_names=others,
    )


def records_for(persons: QuerySet[Person]) -> dict[int, LinkageRecord]:
    """The records of a queryset of persons in four bulk queries (values lists, no model instances)."""
    from ancrage.persons.models import Identity, Nationality, Person, Protection

    if persons.query.is_sliced:  # a slice cannot be a subquery everywhere, nor be reordered
        persons = Person.objects.filter(pk__in=list(persons.values_list("pk", flat=True)))
    base: dict[int, tuple[Any, ...]] = {
        pk: tuple(row)
        for pk, *row in persons.values_list(
            "pk",
            "birth_date",
            "birth_date_precision",
            "birth_date_conventional",
            "sex",
            "phone",
            "agdref_number",
            "commune_id",
        ).order_by()
    }
    ids = persons.values("pk")
    names: dict[int, list[tuple[bool, int, str, str]]] = {}
    for person_id, is_reference, pk, last, first in Identity.objects.filter(person__in=ids).values_list(
        "person_id", "is_reference", "pk", "last_name", "first_names"
    ):
        names.setdefault(person_id, []).append((not is_reference, pk, last, first))
    nationalities: dict[int, str] = {}
    for person_id, code in Nationality.objects.filter(person__in=ids).values_list("person_id", "code").order_by("code"):
        nationalities.setdefault(person_id, code)
    ofpra: dict[int, str] = {}
    for person_id, number in (
        Protection.objects.filter(person__in=ids).exclude(ofpra_number="").values_list("person_id", "ofpra_number")
    ):
        ofpra.setdefault(person_id, number)
    records: dict[int, LinkageRecord] = {}
    for pk, (born, precision, conventional, sex, phone, agdref, commune) in base.items():
        spellings = sorted(names.get(pk, []))
        reference = spellings[0] if spellings else (False, 0, "", "")
        records[pk] = LinkageRecord(
            last_name=reference[2],
            first_names=reference[3],
            birth_date=born,
            birth_date_precision=precision,
            birth_date_conventional=conventional,
            sex=sex,
            nationality=nationalities.get(pk, ""),
            phone=phone,
            ofpra_number=ofpra.get(pk, ""),
            agdref_number=agdref,
            commune=commune or "",
            other_names=tuple((s[2], s[3]) for s in spellings[1:]),
        )
    return records


def active_model() -> LinkageModel | None:
    from .models import LinkageModel

    return LinkageModel.objects.filter(is_active=True).order_by("-trained_at", "-id").first()


def model_settings(model: LinkageModel | None) -> dict[str, Any]:
    return model.settings if model else default_settings()


# A single record is compared with the persons who share a name word, a phone or a number with it
# (SQL on the search keys); a larger batch with every person of ``among``.
_SMALL_BATCH = 20


def _prefilter(records: Sequence[LinkageRecord], among: QuerySet[Person]) -> QuerySet[Person]:
    from django.db.models import Q

    from ancrage.core.text import skeleton

    condition = Q()
    for record in records:
        for last, first in [(record.last_name, record.first_names), *record.other_names]:
            for word in skeleton(f"{last} {first}").split():
                if len(word) >= 2:
                    condition |= Q(search_skeleton__contains=f" {word} ")
        if record.phone:
            condition |= Q(phone=record.phone)
        if record.agdref_number:
            condition |= Q(agdref_number=record.agdref_number)
        if record.ofpra_number:
            condition |= Q(protections__ofpra_number=record.ofpra_number)
    if not condition:
        return among.none()
    return among.filter(condition).distinct()


def candidates_for_records(
    records: Sequence[LinkageRecord],
    *,
    among: QuerySet[Person],
    limit: int = 3,
    threshold: float | None = None,
) -> list[list[Match]]:
    """For each record, its best matches among ``among`` (the caller's visible, unmerged persons) with
    a probability of at least ``threshold`` (the active model's review threshold by default), best
    first, with the evidence in French."""
    if not records:
        return []
    model = active_model()
    settings = model_settings(model)
    if threshold is None:
        threshold = model.review_threshold if model else DEFAULT_REVIEW_THRESHOLD
    among = among.filter(merged_into__isnull=True)
    pool = _prefilter(records, among) if len(records) <= _SMALL_BATCH else among
    existing = records_for(pool)
    if not existing:
        return [[] for _ in records]
    tf_tables = (model.summary or {}).get("term_frequencies") if model else None
    left = [features_of(record, -(index + 1)) for index, record in enumerate(records)]
    right = [features_of(record, pk) for pk, record in existing.items()]
    if not tf_tables:
        # No trained model: frequencies within a pre-filtered pool would mislead, so none are used.
        tf_tables = term_frequencies([])
    scored = score_between(left, right, settings, threshold=threshold, tf_tables=tf_tables, link_type="dedupe_only")
    found: list[list[Match]] = [[] for _ in records]
    for pair in scored:
        if pair["match_probability"] < threshold:
            continue
        new_id, person_id = pair["unique_id_l"], pair["unique_id_r"]
        if new_id > 0:
            new_id, person_id = person_id, new_id
        found[-new_id - 1].append(
            Match(
                person_id=int(person_id),
                match_probability=float(pair["match_probability"]),
                match_weight=float(pair["match_weight"]),
                evidence=evidence_for(pair, settings),
            )
        )
    return [sorted(matches, key=lambda m: (-m.match_probability, m.person_id))[:limit] for matches in found]


def parameter_table(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's levels with their m, u and match weight, for the admin and the ADR's checks."""
    out = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            ok = isinstance(m, (int, float)) and isinstance(u, (int, float)) and m > 0 and u > 0
            out.append(
                {
                    "comparison": comparison["output_column_name"],
                    "level": level.get("label_for_charts", ""),
                    "m": m if ok else None,
                    "u": u if ok else None,
                    "weight": round(math.log2(m / u), 2) if ok else None,  # type: ignore[operator]
                }
            )
    return out
