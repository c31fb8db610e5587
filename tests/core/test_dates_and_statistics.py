"""Age and age bands, computed once for every figure (issue 17): birthdays, 29 February, unknown dates."""

import datetime as dt

from ancrage.core.dates import age_on
from ancrage.core.disclosure import Cell
from ancrage.core.statistics import UNKNOWN, age_band, median

D = dt.date


def test_age_turns_on_the_birthday_and_on_the_first_of_march_for_a_leap_day():
    assert age_on(D(1990, 5, 17), D(2026, 5, 16)) == 35
    assert age_on(D(1990, 5, 17), D(2026, 5, 17)) == 36
    assert age_on(D(2000, 2, 29), D(2026, 2, 28)) == 25
    assert age_on(D(2000, 2, 29), D(2026, 3, 1)) == 26
    assert age_on(D(2000, 2, 29), D(2028, 2, 29)) == 28
    assert age_on(None, D(2026, 1, 1)) is None


def test_age_bands_edges_and_unknown():
    assert [age_band(a) for a in (18, 25, 26, 35, 36, 45, 46, 80)] == [
        "lt26",
        "lt26",
        "26_35",
        "26_35",
        "36_45",
        "36_45",
        "46",
        "46",
    ]
    assert age_band(None) == UNKNOWN


def test_a_median_hides_with_the_count_of_persons_behind_it():
    assert median([10, 20, 40], Cell(3)) == 20.0
    assert median([10, 21], Cell(12)) == 15.5
    assert median([10, 20, 40], Cell(None)) is None
    assert median([], Cell(0)) is None
