"""The appellation search (accents, case, ranking) and the proximity of two ROME fiches."""

import pytest

from ancrage.rome.models import RomeAppellation, RomeOccupation
from ancrage.rome.selectors import Proximity, occupation_proximity, rome_parents, search_appellations


def labels(query: str, limit: int = 20) -> list[str]:
    return [appellation.label for appellation in search_appellations(query, limit)]


@pytest.mark.parametrize(
    ("query", "first", "rome_code"),
    [
        ("cariste", "Cariste", "N1101"),
        ("CARISTE", "Cariste", "N1101"),
        ("menage", "Employé / Employée de ménage", "K1304"),
        ("ménage", "Employé / Employée de ménage", "K1304"),
        ("aide soignant", "Aide-soignant / Aide-soignante", "J1501"),
        ("Aide-Soignante", "Aide-soignant / Aide-soignante", "J1501"),
        ("aide soign", "Aide-soignant / Aide-soignante", "J1501"),
        ("boulanger", "Boulanger / Boulangère", "D1102"),
        ("boulangere", "Boulanger / Boulangère", "D1102"),
        ("  Boulangère !", "Boulanger / Boulangère", "D1102"),
    ],
)
def test_the_obvious_appellation_comes_first(rome, query, first, rome_code):
    [best, *_] = search_appellations(query)
    assert (best.label, best.occupation.code) == (first, rome_code)


def test_every_word_must_match(rome):
    found = labels("aide soignant domicile")
    assert found == ["Aide-soignant / Aide-soignante à domicile"]


def test_whole_words_and_word_starts_come_before_mere_contains(rome):
    found = labels("menage", 100)
    # "ménage" as a word, then starting a word (ménagère, even rarely used), then inside one (déménageur).
    assert found.index("Employé / Employée de ménage") < found.index("Ramasseur / Ramasseuse d'ordures ménagères")
    assert found.index("Ramasseur / Ramasseuse d'ordures ménagères") < found.index("Déménageur / Déménageuse")
    assert found.index("Aide ménager / Aide ménagère à domicile") < found.index("Déménageur / Déménageuse")
    assert found.index("Aide ménager / Aide ménagère à domicile") < 20  # in the default page


def test_the_generic_title_comes_before_its_specialisations(rome):
    found = labels("cariste", 100)
    assert found[0] == "Cariste"
    assert found.index("Cariste d'entrepôt") < found.index("Agent / Agente de quai cariste")


def test_rarely_used_appellations_come_last_among_equal_matches(rome):
    found = search_appellations("aide soignant")  # every one matches both words whole
    flags = [appellation.rarely_used for appellation in found]
    assert True in flags
    assert flags == sorted(flags)  # every common one before the first rarely used one
    menage = labels("menage", 100)
    # Rarely used, a word start: after the common word starts, before the mere contains.
    assert menage.index("Responsable du service collecte ménagère et encombrants") < menage.index(
        "Aide ménager / Aide ménagère à domicile"
    )


def test_no_query_and_no_match_give_nothing(rome):
    assert search_appellations("") == []
    assert search_appellations("  -- ") == []
    assert search_appellations("xyzzyqwerty") == []


def test_the_limit_is_honoured_and_bounded(rome, django_assert_num_queries):
    with django_assert_num_queries(1):  # the fiche comes with its appellation
        found = search_appellations("agent", 5)
        assert [a.occupation.code for a in found]
    assert len(found) == 5
    assert search_appellations("agent", 0) == []
    assert len(search_appellations("agent", 10_000)) == 100
    assert RomeAppellation.objects.filter(search_key__contains="agent").count() > 100


# --- proximity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code_a", "code_b", "expected"),
    [
        ("F1703", "F1703", "same_code"),
        ("F1707", "F1708", "same_parent"),  # both hang under F1703 (Maçon)
        ("F1703", "F1707", "same_parent"),  # F1703 is F1707's parent
        ("A1206", "F1101", "same_parent"),  # a parent in another family still counts
        ("F1703", "F1704", "same_domain"),  # F17, neither under the other
        ("F1703", "F1101", "same_family"),  # F
        ("F1703", "N1101", "none"),
    ],
)
def test_proximity(rome, code_a, code_b, expected):
    assert occupation_proximity(code_a, code_b) == expected
    assert occupation_proximity(code_b, code_a) == expected
    assert isinstance(occupation_proximity(code_a, code_b), str)


def test_proximity_from_preloaded_parents_makes_no_query(rome, django_assert_num_queries):
    parents = rome_parents()
    assert len(parents) == 1584
    with django_assert_num_queries(0):
        assert occupation_proximity("F1707", "F1708", parents=parents) is Proximity.SAME_PARENT
        assert occupation_proximity("F1703", "N1101", parents=parents) is Proximity.NONE


def test_codes_not_loaded_count_as_their_own_parent(db):
    RomeAppellation.objects.all().delete()
    RomeOccupation.objects.all().delete()
    assert occupation_proximity("F1707", "F1708") == "same_domain"


@pytest.mark.parametrize("code", ["", "f1703", "Z1234", "F170", "F17033"])
def test_a_malformed_code_is_refused(db, code):
    with pytest.raises(ValueError, match="Not a ROME code"):
        occupation_proximity(code, "F1703")
