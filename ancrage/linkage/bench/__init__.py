"""Linkage benchmarks (issue 11, part 5): FEBRL4, the synthetic refugee-name set, 100,000 records.

The package holds the benchmark data beside the code: ``febrl4a.csv`` / ``febrl4b.csv`` (see
``README.md``), the synthetic generator (``synthetic.py``, ``names.py``).

    .venv/bin/python -m ancrage.linkage.bench            # all three
    .venv/bin/python -m ancrage.linkage.bench --only febrl

``run(report=print)`` prints its lines through ``report`` and returns the figures (``make bench``
calls it). Nothing here touches the database: the records are made in memory and scored with the
same features, comparisons and Splink calls as the territory's records.
"""

import argparse
import csv
import datetime as dt
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ancrage.core.text import fold

from .. import engine
from ..clustering import components
from ..features import features_of
from ..records import LinkageRecord
from .synthetic import generate, true_pairs

DATA = Path(__file__).parent
Report = Callable[[str], Any]


def _scores(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _line(label: str, scores: dict[str, float]) -> str:
    return f"{label:28} precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  F1 {scores['f1']:.4f}"


# -- FEBRL4 -----------------------------------------------------------------------------------------------


def _febrl_date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (TypeError, ValueError):
        return None


def febrl_rows(path: Path, offset: int) -> tuple[list[dict[str, Any]], list[str]]:
    """FEBRL records as feature rows: given name and surname, date of birth, soc_sec_id (in the
    identifier slot of the OFPRA number), postcode (the commune slot), plus the address."""
    rows, keys = [], []
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(csv.DictReader(handle, skipinitialspace=True)):
            record = LinkageRecord(
                last_name=line["surname"],
                first_names=line["given_name"],
                birth_date=_febrl_date(line["date_of_birth"]),
                ofpra_number=line["soc_sec_id"],
                commune=line["postcode"],
            )
            row = features_of(record, offset + index)
            row["address"] = fold(f"{line['street_number']} {line['address_1']}") or None
            row["suburb"] = fold(line["suburb"]) or None
            row["dob_raw"] = line["date_of_birth"] or None
            rows.append(row)
            keys.append(line["rec_id"].split("-")[1])
    return rows, keys


def febrl_settings() -> dict[str, Any]:
    """The refugee-name comparisons, with FEBRL's address and raw dates (its dates may be impossible)."""
    comparisons = [c for c in engine.default_settings()["comparisons"] if c["output_column_name"] not in ("agdref",)]
    for column in ("address", "suburb"):
        comparisons.append(
            {
                "output_column_name": column,
                "comparison_levels": [
                    engine._null(column),
                    engine._level(f"l.{column} = r.{column}", "exact", 0.8, 0.001),
                    engine._level(f"jaro_winkler_similarity(l.{column}, r.{column}) >= 0.88", "close", 0.12, 0.01),
                    engine._else(0.08, 0.989),
                ],
            }
        )
    for comparison in comparisons:
        if comparison["output_column_name"] == "birth_date":
            # An impossible date (month 13) has no ISO form: its raw digits still compare.
            comparison["comparison_levels"].insert(
                -1, engine._level("damerau_levenshtein(l.dob_raw, r.dob_raw) <= 1", "typo", 0.05, 0.001)
            )
    rules = [*engine.BLOCKING_RULES, "l.commune = r.commune AND l.first_skel = r.first_skel", "l.address = r.address"]
    return engine.default_settings(comparisons=comparisons, blocking_rules=rules)


def bench_febrl(report: Report = print) -> dict[str, Any]:
    left, left_keys = febrl_rows(DATA / "febrl4a.csv", 0)
    right, right_keys = febrl_rows(DATA / "febrl4b.csv", 100_000)
    extra = ("address", "suburb", "dob_raw")
    started = time.monotonic()
    settings = engine.train_settings(
        [*left, *right],
        settings=febrl_settings(),
        extra_columns=extra,
        em_rules=("l.birth_date = r.birth_date", "l.ofpra = r.ofpra", "l.last_fold = r.last_fold"),
    )
    trained = time.monotonic() - started
    scored = engine.score_between(left, right, settings, threshold=engine.DEFAULT_REVIEW_THRESHOLD, extra_columns=extra)
    seconds = time.monotonic() - started
    key_of = {row["unique_id"]: key for row, key in zip([*left, *right], [*left_keys, *right_keys], strict=True)}
    by_key = {key: row["unique_id"] for row, key in zip(right, right_keys, strict=True)}
    truth = {(row["unique_id"], by_key[key]) for row, key in zip(left, left_keys, strict=True) if key in by_key}
    predicted = {
        (min(p["unique_id_l"], p["unique_id_r"]), max(p["unique_id_l"], p["unique_id_r"]))
        for p in scored
        if key_of.get(p["unique_id_l"]) is not None
    }
    scores = _scores(predicted, truth)
    report(_line(f"FEBRL4 (p ≥ {engine.DEFAULT_REVIEW_THRESHOLD})", scores))
    report(f"{'':28} {len(truth)} true links, {len(predicted)} found; trained and scored in {seconds:.1f} s")
    return {**scores, "seconds": seconds, "training_seconds": trained}


# -- synthetic refugee names ---------------------------------------------------------------------------


def _pairs(scored: Iterable[dict[str, Any]], threshold: float) -> set[tuple[int, int]]:
    return {
        (min(p["unique_id_l"], p["unique_id_r"]), max(p["unique_id_l"], p["unique_id_r"]))
        for p in scored
        if p["match_probability"] >= threshold
    }


def bench_synthetic(report: Report = print, *, records: int = 10_000, seed: int = 7) -> dict[str, Any]:
    data = generate(records, seed=seed)
    rows = [features_of(item.record, index) for index, item in enumerate(data)]
    settings = engine.train_settings(rows)
    threshold = engine.DEFAULT_REVIEW_THRESHOLD
    scored = engine.score_within(rows, settings, threshold=threshold)
    truth = true_pairs(data)
    predicted = _pairs(scored, threshold)
    overall = _scores(predicted, truth)
    report(_line(f"synthetic {records:,} (p ≥ {threshold})", overall))
    groups: dict[str, dict[str, float]] = {}
    for group in sorted({item.group for item in data}):
        in_group = {i for i, item in enumerate(data) if item.group == group}
        groups[group] = _scores(
            {p for p in predicted if p[0] in in_group or p[1] in in_group}, {p for p in truth if p[0] in in_group}
        )
        report(_line(f"  {group}", groups[group]))
    mean = sum(g["f1"] for g in groups.values()) / len(groups)
    spread = max(abs(g["f1"] - mean) for g in groups.values())
    report(f"{'':28} mean group F1 {mean:.4f}, largest gap to the mean {spread * 100:.1f} points")
    return {**overall, "groups": groups, "group_gap": spread}


def bench_scale(report: Report = print, *, records: int = 100_000, training_sample: int = 20_000) -> dict[str, Any]:
    """De-duplicate ``records`` synthetic records end to end: features, predict, clusters (timed);
    the model is trained beforehand on a sample (timed apart)."""
    import random

    data = generate(records, seed=11)
    started = time.monotonic()
    rows = [features_of(item.record, index) for index, item in enumerate(data)]
    features_seconds = time.monotonic() - started
    sample = random.Random(1).sample(rows, min(training_sample, len(rows)))  # noqa: S311 - a sample
    training_started = time.monotonic()
    settings = engine.train_settings(sample)
    training_seconds = time.monotonic() - training_started
    started_dedupe = time.monotonic()
    scored = engine.score_within(rows, settings, threshold=engine.DEFAULT_REVIEW_THRESHOLD)
    predict_seconds = time.monotonic() - started_dedupe
    clusters = components(
        [
            (p["unique_id_l"], p["unique_id_r"], p["match_probability"])
            for p in scored
            if p["match_probability"] >= engine.DEFAULT_CLUSTER_THRESHOLD
        ]
    )
    dedupe_seconds = time.monotonic() - started_dedupe + features_seconds
    scores = _scores(_pairs(scored, engine.DEFAULT_REVIEW_THRESHOLD), true_pairs(data))
    report(
        f"{records:,} records de-duplicated in {dedupe_seconds:.1f} s (features {features_seconds:.1f} s, "
        f"predict {predict_seconds:.1f} s, {len(clusters):,} clusters); training on {len(sample):,}: "
        f"{training_seconds:.1f} s"
    )
    report(_line(f"  pairs at p ≥ {engine.DEFAULT_REVIEW_THRESHOLD}", scores))
    return {"seconds": dedupe_seconds, "training_seconds": training_seconds, "clusters": len(clusters), **scores}


def run(report: Report = print, *, only: str | None = None) -> dict[str, Any]:
    """Every benchmark (or ``only`` one of ``febrl``, ``synthetic``, ``scale``); returns the figures."""
    engine._quiet()
    figures: dict[str, Any] = {}
    report("record linkage (Splink, DuckDB)")
    if only in (None, "febrl"):
        figures["febrl"] = bench_febrl(report)
    if only in (None, "synthetic"):
        figures["synthetic"] = bench_synthetic(report)
    if only in (None, "scale"):
        figures["scale"] = bench_scale(report)
    return figures


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("febrl", "synthetic", "scale"))
    args = parser.parse_args()
    run(only=args.only)


if __name__ == "__main__":
    main()
