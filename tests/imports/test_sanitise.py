"""Text from partners' files is stored clean: no hidden reordering, no invisible characters, bounded."""

import pytest

from ancrage.imports.errors import CellError
from ancrage.imports.sanitise import clean_phone, clean_text, column_lost_script, lost_script


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ahmadi  ", "Ahmadi"),
        ("Mohammad\u00a0 Ali\tKhan\n", "Mohammad Ali Khan"),
        ("Ahmadi\u202e", "Ahmadi"),  # right-to-left override
        ("\u2067محمد\u2069 Ahmadi", "محمد Ahmadi"),  # isolates
        ("\u202aAster\u202c", "Aster"),  # embedding
        ("Ali\u200b\u200c\u200d\u2060\ufeff", "Ali"),  # zero-width characters and BOM
        ("\u200fيوسف\u200e", "يوسف"),  # direction marks
        ("Ah\x00ma\x07di\x1b", "Ahmadi"),  # control characters
        ("Hélène", "Hélène"),
        ("He\u0301le\u0300ne", "Hélène"),  # decomposed accents composed (NFC)
        (None, ""),
        (12.0, "12"),
        (42, "42"),
    ],
)
def test_clean_text_removes_what_hides_or_reorders_text(raw, expected):
    assert clean_text(raw, max_length=150) == expected


def test_clean_text_keeps_the_nfc_form_of_arabic_and_cyrillic_names():
    assert clean_text("Олена Коваленко", max_length=150) == "Олена Коваленко"
    assert clean_text("يوسف الحسن", max_length=150) == "يوسف الحسن"


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x","Cliquez")', "+33 6 12", "-2+3", "@SUM(A1)"])
def test_formula_looking_text_is_kept_as_typed(formula):
    # Stored as text; the exports neutralise it.
    assert clean_text(formula, max_length=150) == formula


def test_text_longer_than_the_limit_after_cleaning_is_refused_with_its_length():
    with pytest.raises(CellError) as error:
        clean_text("a" * 212, max_length=150)
    assert error.value.message == "Le texte dépasse 150 caractères (212)"


def test_the_limit_counts_the_cleaned_text_not_the_invisible_characters():
    assert clean_text("a" * 150 + "\u200b" * 20 + "   ", max_length=150) == "a" * 150


def test_the_length_message_names_the_field_when_given():
    with pytest.raises(CellError) as error:
        clean_text("x" * 31, max_length=30, label="Prénom")
    assert error.value.message == "Prénom : le texte dépasse 30 caractères (31)"


@pytest.mark.parametrize("value", ["????", "???? ?????", "Ahm?d", "Mo??mmad", "Ali \ufffd", "\ufffd\ufffd"])
def test_lost_script_is_detected(value):
    assert lost_script(value)


@pytest.mark.parametrize("value", ["Ahmadi", "Ali ?", "محمد", "Олена", "", "O'Brien", "Né ?"])
def test_names_with_their_script_are_not_flagged(value):
    assert not lost_script(value)


def test_a_column_is_lost_when_several_values_lost_their_script():
    assert column_lost_script(["???? ?????", "Ahmadi", "???? ????", "", None])
    assert column_lost_script(["????"])
    assert not column_lost_script(["Ahmadi", "Mohammad", "Ali ?"])
    assert not column_lost_script(["Ahm?d"] + ["Ahmadi"] * 60)  # one typo in sixty names is not an encoding
    assert not column_lost_script([])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("06-12-34-56-78", "06 12 34 56 78"),
        (612345678.0, "06 12 34 56 78"),  # the leading 0 eaten by the spreadsheet
        (612345678, "06 12 34 56 78"),
        ("612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033 6 12 34 56 78", "06 12 34 56 78"),
        ("33612345678", "06 12 34 56 78"),
        ("02 99 12 34 56", "02 99 12 34 56"),
        ("+44 7911 123456", "+447911123456"),
        ("00 93 70 123 4567", "+93701234567"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("pas de téléphone", "« pas de téléphone » n'est pas un numéro de téléphone"),
        ("06 12 34", "« 06 12 34 » n'est pas un numéro de téléphone (10 chiffres attendus, ou +indicatif)"),
        ("00 12 34 56 78", "« 00 12 34 56 78 » n'est pas un numéro de téléphone"),
        ("+1 23", "« +1 23 » n'est pas un numéro de téléphone"),
        (6.5, "« 6.5 » n'est pas un numéro de téléphone"),
    ],
)
def test_what_is_not_a_phone_number_is_refused(raw, message):
    with pytest.raises(CellError) as error:
        clean_phone(raw)
    assert error.value.message.startswith(message)
