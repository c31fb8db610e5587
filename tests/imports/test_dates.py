"""Dates as partners type them: every accepted form with its precision, every bad one with its message."""

import datetime

import pytest

from ancrage.imports.dates import ParsedDate, parse_date
from ancrage.imports.errors import CellError

TODAY = datetime.date(2026, 12, 3)
D = datetime.date


def parsed(raw, **kwargs):
    return parse_date(raw, today=TODAY, **kwargs)


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        (D(1985, 3, 12), D(1985, 3, 12), "day"),
        (datetime.datetime(1985, 3, 12, 14, 30), D(1985, 3, 12), "day"),
        (31118, D(1985, 3, 12), "day"),  # Excel serial (1900 system)
        (31118.0, D(1985, 3, 12), "day"),
        (31118.75, D(1985, 3, 12), "day"),  # a serial with a time of day
        ("31118", D(1985, 3, 12), "day"),  # a serial exported as text
        ("12/03/1985", D(1985, 3, 12), "day"),
        ("2/3/1985", D(1985, 3, 2), "day"),
        ("12-03-1985", D(1985, 3, 12), "day"),
        ("12.03.1985", D(1985, 3, 12), "day"),
        (" 12 / 03 / 1985 ", D(1985, 3, 12), "day"),
        ("12/03/1985 00:00", D(1985, 3, 12), "day"),
        ("12/03/85", D(1985, 3, 12), "day"),
        ("1985-03-12", D(1985, 3, 12), "day"),
        ("1985-03-12T00:00:00", D(1985, 3, 12), "day"),
        ("1985-03-12 10:15:00", D(1985, 3, 12), "day"),
        ("1985-03-12T10:15:00+01:00", D(1985, 3, 12), "day"),
        ("12031985", D(1985, 3, 12), "day"),
        ("19850312", D(1985, 3, 12), "day"),
        ("12 mars 1985", D(1985, 3, 12), "day"),
        ("1er janvier 1990", D(1990, 1, 1), "day"),
        ("12 Février 1985", D(1985, 2, 12), "day"),
        ("3 août 2001", D(2001, 8, 3), "day"),
        ("03/1985", D(1985, 3, 1), "month"),
        ("3/1985", D(1985, 3, 1), "month"),
        ("1985-03", D(1985, 3, 1), "month"),
        ("mars 1985", D(1985, 3, 1), "month"),
        ("Décembre 2001", D(2001, 12, 1), "month"),
        ("1985", D(1985, 1, 1), "year"),
        (1985, D(1985, 1, 1), "year"),  # a year in a number cell, not the serial of 1905
        (1985.0, D(1985, 1, 1), "year"),
        ("vers 1980", D(1980, 1, 1), "circa"),
        ("Vers 1980", D(1980, 1, 1), "circa"),
        ("env. 1980", D(1980, 1, 1), "circa"),
        ("environ 1980", D(1980, 1, 1), "circa"),
        ("~1980", D(1980, 1, 1), "circa"),
        ("~ 1980", D(1980, 1, 1), "circa"),
        ("1980 ?", D(1980, 1, 1), "circa"),
        ("1980?", D(1980, 1, 1), "circa"),
        ("vers 03/1980", D(1980, 3, 1), "circa"),
        ("00/00/1985", D(1985, 1, 1), "year"),  # the administrative "unknown day and month"
        ("XX/XX/1985", D(1985, 1, 1), "year"),
        ("00/03/1985", D(1985, 3, 1), "month"),
        ("xx/03/1985", D(1985, 3, 1), "month"),
    ],
)
def test_accepted_forms(raw, value, precision):
    result = parsed(raw)
    assert (result.value, result.precision) == (value, precision)


def test_two_digit_years_are_never_in_the_future():
    assert parsed("4/5/12").value == D(2012, 5, 4)
    assert parsed("4/5/26").value == D(2026, 5, 4)
    assert parsed("4/5/27").value == D(1927, 5, 4)
    assert parsed("4/5/85").value == D(1985, 5, 4)


@pytest.mark.parametrize("raw", ["01/01/1985", D(1985, 1, 1), datetime.datetime(1985, 1, 1), "1985-01-01", 31048])
def test_first_of_january_is_kept_as_given_and_flagged_conventional(raw):
    assert parsed(raw) == ParsedDate(D(1985, 1, 1), "day", conventional=True)


def test_other_dates_and_year_only_are_not_conventional():
    assert not parsed("02/01/1985").conventional
    assert not parsed("1985").conventional  # the precision already says it
    assert not parsed("vers 1985").conventional


@pytest.mark.parametrize("raw", [None, "", "   ", "?", "-", "inconnue", "NC", "n/c"])
def test_blank_and_unknown_cells_are_no_date(raw):
    assert parsed(raw) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/1990", "Le 31/02/1990 n'existe pas"),
        ("29/02/2023", "Le 29/02/2023 n'existe pas"),
        ("32/01/1990", "Le 32/01/1990 n'existe pas"),
        ("1990-02-30", "Le 30/02/1990 n'existe pas"),
        ("31 avril 1990", "Le 31/04/1990 n'existe pas"),
        ("12/13/1990", "« 12/13/1990 » : le mois 13 n'existe pas ; les dates s'écrivent jour/mois/année"),
        ("05/00/1990", "« 05/00/1990 » : le mois 0 n'existe pas"),
        ("13/1990", "« 13/1990 » : le mois 13 n'existe pas"),
        ("15/40/1990", "« 15/40/1990 » : le mois 40 n'existe pas"),
        (
            "né en Afghanistan",
            "« né en Afghanistan » n'est pas une date lisible (attendu : jj/mm/aaaa, mm/aaaa ou aaaa)",
        ),
        ("12/03", "« 12/03 » n'est pas une date lisible"),
        (True, "« oui » n'est pas une date lisible"),
        (12, "« 12 » n'est pas une date lisible"),
        (-5, "« -5 » n'est pas une date lisible"),
        (10_000_000, "« 10000000 » n'est pas une date lisible"),
        ("0000", "« 0000 » n'est pas une date lisible"),
        ("00/00/0000", "« 00/00/0000 » n'est pas une date lisible"),
        ("12/03/0000", "« 12/03/0000 » n'est pas une date lisible"),
    ],
)
def test_impossible_or_unreadable_dates_are_refused(raw, message):
    with pytest.raises(CellError) as error:
        parsed(raw)
    assert error.value.message.startswith(message)


def test_an_american_date_is_refused_with_the_french_order_explained_never_swapped():
    with pytest.raises(CellError) as error:
        parsed("12/25/1990")
    assert error.value.message == (
        "« 12/25/1990 » : le mois 25 n'existe pas ; les dates s'écrivent jour/mois/année "
        "(vouliez-vous dire 25/12/1990 ?)"
    )
    assert error.value.suggestions == ["25/12/1990"]


def test_a_future_date_is_refused_unless_allowed():
    with pytest.raises(CellError) as error:
        parsed("04/12/2026")
    assert error.value.message == "La date 04/12/2026 est dans le futur"
    with pytest.raises(CellError) as error:
        parsed("2031")
    assert error.value.message == "La date 2031 est dans le futur"
    assert parsed("04/12/2026", allow_future=True).value == D(2026, 12, 4)
    assert parsed("03/12/2026").value == TODAY


def test_a_date_before_the_earliest_is_refused():
    with pytest.raises(CellError) as error:
        parsed("12/03/1890")
    assert error.value.message == "La date 12/03/1890 est antérieure au 01/01/1900"
    with pytest.raises(CellError) as error:
        parsed("12/03/2010", earliest=D(2015, 1, 1))
    assert error.value.message == "La date 12/03/2010 est antérieure au 01/01/2015"


def test_today_defaults_to_the_local_date():
    assert parse_date("01/01/2000").value == D(2000, 1, 1)
