"""The keys the linkage model compares, on the hard variants of refugees' names."""

import datetime as dt

import pytest

from ancrage.linkage.features import features_of, name_key, normalise_phone
from ancrage.linkage.records import LinkageRecord


def _features(last: str, first: str, **extra) -> dict:
    return features_of(LinkageRecord(last_name=last, first_names=first, **extra), 1)


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohammad", "Mohammed", "Muhammad", "Mohamed"),
        ("Yousef", "Youssef", "Yusuf"),
        ("Tesfay", "Tesfaye", "Tesfai"),
        ("Oleksandr", "Aleksandr", "Alexandre", "Олександр", "Александр"),
        ("Hossein", "Hussein", "Husayn"),
        ("Fatima", "Fatimah"),
        ("Diallo", "Jalloh", "Jallo"),
        ("Kadyrov", "Kadirov", "Kadyrow"),
    ],
)
def test_transliterations_of_one_name_share_a_key(variants):
    keys = {_features("X", name)["first_key"] for name in variants}
    assert len(keys) == 1, keys


def test_mahmoud_is_not_mohammad():
    # The consonant skeleton of the search (mhmd) joins them: the linkage key keeps them apart.
    assert name_key("mahmoud") != name_key("mohammad")
    assert _features("X", "Mahmoud")["first_skel"] == _features("X", "Mohammad")["first_skel"]


def test_arabic_script_shares_the_skeleton_of_the_transliteration():
    arabic, latin = _features("حداد", "محمد"), _features("Haddad", "Mohammed")
    assert set(arabic["first_skels"]) & set(latin["first_skels"])
    assert set(arabic["last_skels"]) & set(latin["last_skels"])


def test_split_and_joined_given_names_compare():
    joined, split = _features("Haddad", "Abdulrahman"), _features("Haddad", "Abdel Rahman")
    assert set(joined["first_keys"]) & set(split["first_keys"])


def test_arabic_article_is_not_part_of_the_family_name():
    assert _features("Al Khatib", "Omar")["last_fold"] == "khatib"
    assert name_key("khatib") in _features("Alkhatib", "Omar")["last_keys"]
    assert name_key("khatib") in _features("Al Khatib", "Omar")["last_keys"]


def test_every_identity_spelling_is_compared():
    row = _features("Haddad", "Omar", other_names=(("حداد", "عمر"), ("Hadad", "Umar")))
    assert {"hd", "mr"} <= set(row["last_skels"]) | set(row["first_skels"])
    assert "hadad" in row["last_keys"]


def test_conventional_and_year_only_dates_are_weak_and_real_dates_are_not():
    real = _features("X", "Y", birth_date=dt.date(1990, 3, 12))
    unflagged_first_of_january = _features("X", "Y", birth_date=dt.date(1990, 1, 1))
    conventional = _features("X", "Y", birth_date=dt.date(1990, 1, 1), birth_date_conventional=True)
    year_only = _features("X", "Y", birth_date=dt.date(1990, 1, 1), birth_date_precision="year")
    assert real["birth_weak"] is False
    assert unflagged_first_of_january["birth_weak"] is True
    assert conventional["birth_weak"] is True and year_only["birth_weak"] is True
    assert year_only["birth_day"] is None and year_only["birth_month"] is None


def test_phone_numbers_compare_in_any_format():
    assert normalise_phone("+33 6 12 34 56 78") == normalise_phone("06.12.34.56.78") == "612345678"
    assert normalise_phone("12") is None


def test_missing_values_are_null():
    row = _features("X", "")
    assert row["first_fold"] is None and row["phone"] is None and row["birth_date"] is None
    assert row["nationality"] is None and row["ofpra"] is None
