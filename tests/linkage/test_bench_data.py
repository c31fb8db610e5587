"""The benchmark data: the synthetic generator's truth, FEBRL4's shipped files, and a fast F1 floor."""

import csv

from ancrage.linkage import engine
from ancrage.linkage.bench import DATA, _scores, bench_synthetic, febrl_rows
from ancrage.linkage.bench.synthetic import generate, true_pairs
from ancrage.linkage.features import features_of


def test_the_generator_is_seeded_and_knows_its_truth():
    first, again = generate(600, seed=3), generate(600, seed=3)
    assert first == again
    assert generate(600, seed=4) != first
    truth = true_pairs(first)
    assert truth and all(first[i].person == first[j].person and i < j for i, j in truth)
    groups = {item.group for item in first}
    assert groups == {"arabic", "persian", "pashto", "tigrinya", "cyrillic", "west_african"}
    # The variations of real files are there: original script, year-only and conventional dates.
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in item.record.last_name) for item in first)
    assert any(item.record.birth_date_precision == "year" for item in first)
    assert any(item.record.birth_date_conventional for item in first)


def test_a_small_synthetic_set_reaches_a_minimal_f1():
    figures = bench_synthetic(lambda line: None, records=2500, seed=5)
    assert figures["f1"] >= 0.88, figures
    assert all(group["f1"] >= 0.8 for group in figures["groups"].values()), figures["groups"]


def test_the_untrained_model_already_separates_a_small_set():
    data = generate(800, seed=9)
    rows = [features_of(item.record, index) for index, item in enumerate(data)]
    scored = engine.score_within(rows, engine.default_settings(), threshold=engine.DEFAULT_REVIEW_THRESHOLD)
    predicted = {(min(p["unique_id_l"], p["unique_id_r"]), max(p["unique_id_l"], p["unique_id_r"])) for p in scored}
    assert _scores(predicted, true_pairs(data))["f1"] >= 0.8


def test_febrl4_files_are_shipped_whole():
    for name, count in (("febrl4a.csv", 5000), ("febrl4b.csv", 5000)):
        with (DATA / name).open(encoding="utf-8") as handle:
            assert sum(1 for _ in csv.DictReader(handle)) == count
    rows, keys = febrl_rows(DATA / "febrl4a.csv", 0)
    assert len(rows) == 5000 and len(set(keys)) == 5000
    assert rows[0]["last_fold"] and rows[0]["ofpra"]
    assert (DATA / "README.md").exists()
