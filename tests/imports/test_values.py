"""Free text mapped to the project's code lists: what is taken automatically, what is asked, and why."""

import pycountry
import pytest

from ancrage.core.enums import CEFRLevel, Sex
from ancrage.imports import values
from ancrage.imports.errors import CellError
from ancrage.imports.values import KINDS, Suggestion, choices, key, normalise, normalise_many, suggest
from ancrage.pathways.models import Programme
from ancrage.persons.models import SITUATION_STATUSES, ProtectionType, SituationDomain


@pytest.fixture
def communes(territory):
    """The commune vocabulary read from the test database (and forgotten afterwards)."""
    values.clear_cache()
    yield
    values.clear_cache()


def refused(kind, raw, **kwargs) -> CellError:
    with pytest.raises(CellError) as error:
        normalise(kind, raw, **kwargs)
    return error.value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("afghane", "AF"),
        ("Afghan", "AF"),
        ("AFGHANE", "AF"),
        ("Afghanistan", "AF"),
        ("afghanistan (afghane)", "AF"),
        ("Afgane", "AF"),  # a common misspelling
        ("AF", "AF"),
        ("AFG", "AF"),
        ("érythréen", "ER"),
        ("Erythreenne", "ER"),
        ("Eritrean", "ER"),
        ("Érythrée", "ER"),
        ("soudanais", "SD"),
        ("Soudanaise", "SD"),
        ("sud-soudanais", "SS"),
        ("syrienne", "SY"),
        ("Syria", "SY"),
        ("SYR", "SY"),
        ("ukrainien", "UA"),
        ("UKR", "UA"),
        ("guinéen", "GN"),
        ("guinéenne", "GN"),
        ("ivoirienne", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("RDC", "CD"),
        ("congolais RDC", "CD"),
        ("bangladais", "BD"),
        ("Turquie", "TR"),
        ("Türkiye", "TR"),
        ("russe", "RU"),
        ("tchétchène", "RU"),
        ("géorgienne", "GE"),
        ("albanais", "AL"),
        ("pakistanais", "PK"),
        ("somalienne", "SO"),
        ("éthiopien", "ET"),
        ("irakien", "IQ"),
        ("Iran", "IR"),
        ("iranienne", "IR"),
        ("nigérian", "NG"),
        ("nigérien", "NE"),
        ("malienne", "ML"),
        ("sénégalais", "SN"),
        ("camerounaise", "CM"),
        ("tchadien", "TD"),
        ("centrafricain", "CF"),
        ("haïtienne", "HT"),
        ("vénézuélien", "VE"),
        ("palestinien", "PS"),
        ("libyen", "LY"),
        ("yéménite", "YE"),
        ("marocain", "MA"),
        ("algérienne", "DZ"),
        ("birmane", "MM"),
        ("arménien", "AM"),
        ("Burkinabè", "BF"),
        ("française", "FR"),
        ("apatride", "XXA"),
        ("Stateless", "XXA"),
        ("inconnue", "XXX"),
        ("indéterminée", "XXX"),
    ],
)
def test_nationalities_in_french_english_and_iso_codes(raw, code):
    assert normalise("nationality", raw) == code


@pytest.mark.parametrize("people", ["kurde", "rohingya", "tibétain", "sahraoui"])
def test_a_people_is_never_taken_for_a_nationality(people):
    refused("nationality", people)


def test_an_ambiguous_nationality_is_asked_with_both_countries():
    error = refused("nationality", "congolais")
    assert error.message == (
        "« congolais » peut désigner plusieurs valeurs : République démocratique du Congo, République du Congo"
    )
    assert error.suggestions == ["République démocratique du Congo", "République du Congo"]


def test_an_unknown_nationality_is_refused_with_suggestions():
    error = refused("nationality", "Afghanais")
    assert error.message == "« Afghanais » n'est pas une nationalité reconnue"
    assert error.suggestions[0] == "Afghanistan"
    assert refused("nationality", "Wakanda").suggestions == []


def test_a_country_is_not_stateless():
    assert normalise("country", "Afghanistan") == "AF"
    assert normalise("country", "inconnu") == "XXX"
    assert refused("country", "apatride").message == "« apatride » n'est pas un pays reconnu"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("réfugié", ProtectionType.REFUGEE),
        ("Réfugiée", ProtectionType.REFUGEE),
        ("statut de réfugié", ProtectionType.REFUGEE),
        ("BPI réfugié", ProtectionType.REFUGEE),
        ("refugie", ProtectionType.REFUGEE),
        ("Réfugié (Convention de Genève)", ProtectionType.REFUGEE),
        ("PS", ProtectionType.SUBSIDIARY),
        ("protection subsidiaire", ProtectionType.SUBSIDIARY),
        ("Protection Subsidiaire (PS)", ProtectionType.SUBSIDIARY),
        ("subsidiaire", ProtectionType.SUBSIDIARY),
        ("protection subsidaire", ProtectionType.SUBSIDIARY),  # misspelt
        ("apatride", ProtectionType.STATELESS),
        ("PT", ProtectionType.TEMPORARY),
        ("protection temporaire", ProtectionType.TEMPORARY),
        ("demandeur d'asile", ProtectionType.ASYLUM_SEEKER),
        ("demandeuse d'asile", ProtectionType.ASYLUM_SEEKER),
        ("DA", ProtectionType.ASYLUM_SEEKER),
        ("dubliné", ProtectionType.ASYLUM_SEEKER),
        ("autre titre", ProtectionType.OTHER),
    ],
)
def test_protection_spellings(raw, code):
    assert normalise("protection", raw) == code


def test_bpi_alone_does_not_say_which_protection():
    error = refused("protection", "BPI")
    assert error.message == "« BPI » n'est pas un type de protection reconnu"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("F", Sex.FEMALE),
        ("f", Sex.FEMALE),
        ("Femme", Sex.FEMALE),
        ("féminin", Sex.FEMALE),
        ("2", Sex.FEMALE),
        (2, Sex.FEMALE),
        (2.0, Sex.FEMALE),
        ("2.0", Sex.FEMALE),
        ("Mme", Sex.FEMALE),
        ("M", Sex.MALE),
        ("H", Sex.MALE),
        ("Homme", Sex.MALE),
        ("masculin", Sex.MALE),
        ("1", Sex.MALE),
        ("M.", Sex.MALE),
        ("X", Sex.OTHER),
    ],
)
def test_sex_codes(raw, code):
    assert normalise("sex", raw) == code


def test_an_unknown_sex_code_is_refused():
    assert refused("sex", "3").message == "« 3 » n'est pas un sexe reconnu (F, M ou X)"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A1", CEFRLevel.A1),
        ("a1", CEFRLevel.A1),
        ("A1+", CEFRLevel.A1),
        ("a2 oral", CEFRLevel.A2),
        ("A2 écrit", CEFRLevel.A2),
        ("DELF B1", CEFRLevel.B1),
        ("niveau B2", CEFRLevel.B2),
        ("C1", CEFRLevel.C1),
        ("C2", CEFRLevel.C2),
        ("A1.1", CEFRLevel.PRE_A1),
        ("infra A1", CEFRLevel.PRE_A1),
        ("débutant", CEFRLevel.PRE_A1),
        ("A0", CEFRLevel.PRE_A1),
        ("non scolarisé", CEFRLevel.NON_READER),
        ("Non scolarisée", CEFRLevel.NON_READER),
        ("non lecteur non scripteur", CEFRLevel.NON_READER),
        ("Non lecteur, non scripteur", CEFRLevel.NON_READER),
        ("NLNS", CEFRLevel.NON_READER),
        ("alpha", CEFRLevel.NON_READER),
    ],
)
def test_french_levels(raw, code):
    assert normalise("cefr", raw) == code


def test_an_unknown_level_is_refused():
    error = refused("cefr", "D4")
    assert error.message == "« D4 » n'est pas un niveau de français reconnu (A1 à C2, infra A1, non lecteur)"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("arabe", "ara"),
        ("Arabic", "ara"),
        ("ara", "ara"),
        ("dari", "prs"),
        ("persan afghan", "prs"),  # Afghan Persian is Dari, not Persian
        ("pachto", "pus"),
        ("pashto", "pus"),
        ("pachtou", "pus"),
        ("farsi", "fas"),
        ("persan", "fas"),
        ("tigrigna", "tir"),
        ("tigrinya", "tir"),
        ("somali", "som"),
        ("peul", "ful"),
        ("poular", "ful"),
        ("soussou", "sus"),
        ("ukrainien", "ukr"),
        ("russe", "rus"),
        ("anglais", "eng"),
        ("français", "fra"),
        ("Francais", "fra"),
        ("amharique", "amh"),
        ("lingala", "lin"),
        ("sorani", "ckb"),
    ],
)
def test_languages(raw, code):
    assert normalise("language", raw) == code


def test_several_languages_in_one_cell():
    assert normalise_many("language", "arabe, dari / pachto") == ["ara", "prs", "pus"]
    assert normalise_many("language", "peul; soussou et français") == ["ful", "sus", "fra"]
    assert normalise_many("language", "Arabe + arabe") == ["ara"]
    assert normalise_many("language", "ukrainien / russe") == ["ukr", "rus"]
    assert normalise_many("language", "") == []
    assert normalise_many("language", None) == []


def test_cells_with_several_values_are_split_on_the_usual_separators():
    assert values.split_values("arabe, dari / pachto") == ["arabe", "dari", "pachto"]
    assert values.split_values("peul et soussou; français + anglais") == ["peul", "soussou", "français", "anglais"]
    assert values.split_values("kurde - turc & arabe") == ["kurde", "turc", "arabe"]
    assert values.split_values("serbo-croate") == ["serbo-croate"]
    assert values.split_values(None) == []


def test_a_bad_language_among_several_is_named():
    with pytest.raises(CellError) as error:
        normalise_many("language", "arabe, klingon")
    assert error.value.message == "« klingon » n'est pas une langue reconnue"


def test_several_values_use_the_saved_mapping_for_each_part():
    assert normalise_many("language", "arabe, hazara", value_map={"hazara": "prs"}) == ["ara", "prs"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("CADA", "cada"),
        ("HUDA", "huda"),
        ("hébergé chez un tiers", "third_party"),
        ("Hébergée chez un tiers", "third_party"),
        ("Hébergé(e) par un tiers", "third_party"),
        ("chez des amis", "third_party"),
        ("115", "emergency"),
        (115, "emergency"),
        ("hôtel 115", "emergency"),
        ("HU", "emergency"),
        ("logement social", "social_rental"),
        ("bailleur social", "social_rental"),
        ("HLM", "social_rental"),
        ("rue", "none"),
        ("SDF", "none"),
        ("sans domicile fixe", "none"),
        ("FJT", "fjt"),
        ("intermédiation locative", "iml"),
        ("location privée", "private_rental"),
    ],
)
def test_housing_categories(raw, code):
    assert normalise("housing", raw) == code


def test_an_unknown_housing_is_refused():
    assert refused("housing", "caravane").message == "« caravane » n'est pas une situation de logement reconnue"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("AGIR", Programme.AGIR), ("agir", Programme.AGIR), ("CTAIR", Programme.CTAIR), ("CPH", Programme.CPH)],
)
def test_programmes(raw, code):
    assert normalise("programme", raw) == code


def test_a_misspelt_programme_is_suggested_not_taken():
    error = refused("programme", "AGRI")
    assert error.message == "« AGRI » n'est pas un programme reconnu"
    assert error.suggestions == ["AGIR"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Rennes", "35238"),
        ("RENNES", "35238"),
        ("rennes", "35238"),
        ("35238", "35238"),
        ("35000", "35238"),
        ("35000 Rennes", "35238"),
        ("Rennes 35200", "35238"),
        ("Rennes Cedex 9", "35238"),
        ("Cesson-Sévigné", "35051"),
        ("CESSON SEVIGNE", "35051"),
        ("Cesson Sevigne", "35051"),
        ("St Jacques de la Lande", "35281"),
        ("SAINT-JACQUES-DE-LA-LANDE", "35281"),
        ("St-Grégoire", "35278"),
        ("Noyal Chatillon sur Seiche", "35206"),
        ("L'Hermitage", "35131"),
        ("Hermitage (L')", "35131"),
        ("Rheu (Le)", "35240"),
        ("Chapelle-des-Fougeretz (La)", "35059"),
        ("Thorigne Fouillard", "35334"),
        ("Vezin le Coquet", "35353"),
        ("Cesson-Sévignée", "35051"),  # misspelt
        ("Cesson", "35051"),  # the first words of a name, when only one commune starts so
        ("St-Jacques", "35281"),
        ("Chartres", "35066"),
        ("Saint-Gilles 35590", "35275"),
    ],
)
def test_communes_of_the_territory(communes, raw, code):
    assert normalise("commune", raw) == code


def test_a_vague_commune_is_asked_not_guessed(communes):
    error = refused("commune", "La Chapelle")
    assert set(error.suggestions) == {"La Chapelle-Chaussée", "La Chapelle-Thouarault", "La Chapelle-des-Fougeretz"}
    error = refused("commune", "Rennes Métropole")  # the métropole, not its central commune
    assert error.suggestions == ["Rennes"]
    assert refused("commune", "35135").suggestions == []  # a postcode is never "close to" another


def test_a_commune_outside_the_territory_is_refused(communes):
    error = refused("commune", "Brest")
    assert error.message == "« Brest » n'est pas une commune du territoire"
    assert refused("commune", "35510").message == "« 35510 » n'est pas une commune du territoire"


def test_the_commune_list_comes_from_the_database_and_is_cached(communes, django_assert_num_queries):
    with django_assert_num_queries(1):
        normalise("commune", "Bruz")
        normalise("commune", "Pacé")
        assert len(choices("commune")) == 43
    values.clear_cache()
    with django_assert_num_queries(1):
        normalise("commune", "Bruz")


def test_a_saved_mapping_comes_first():
    assert normalise("nationality", "Afghanais", value_map={key("Afghanais"): "AF"}) == "AF"
    assert normalise("nationality", "russe", value_map={"russe": "UA"}) == "UA"  # the organisation's choice wins
    assert normalise("nationality", "Nationalité ?", value_map={key("Nationalité ?"): ""}) is None


def test_blank_cells_are_none():
    for kind in ("sex", "nationality", "protection", "housing"):
        assert normalise(kind, None) is None
        assert normalise(kind, "  ") is None
        assert normalise(kind, "?") is None


def test_key_is_the_folded_form():
    assert key("  Érythréenne ") == "erythreenne"
    assert key("Hébergé(e)  chez un TIERS") == "heberge e chez un tiers"
    assert key(2.0) == "2"
    assert key(None) == ""


def test_suggestions_are_ranked_and_exact_values_score_one():
    assert suggest("nationality", "afghane")[0] == Suggestion("AF", "Afghanistan", 1.0)
    ranked = suggest("nationality", "Soudanai")
    assert ranked[0].code == "SD"
    assert 0.7 <= ranked[0].score < 1.0
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert suggest("nationality", "zzzz") == []
    assert len(suggest("language", "arab", limit=2)) <= 2


def test_choices_are_the_project_code_lists():
    assert choices("sex") == [(c, str(label)) for c, label in Sex.choices]
    assert choices("protection") == [(c, str(label)) for c, label in ProtectionType.choices]
    assert choices("programme") == [(c, str(label)) for c, label in Programme.choices]
    assert [c for c, _l in choices("housing")] == [c for c, _l in SITUATION_STATUSES[SituationDomain.HOUSING]]
    assert [c for c, _l in choices("cefr")] == list(CEFRLevel.values)
    nationality_codes = {c for c, _l in choices("nationality")}
    assert nationality_codes == {c.alpha_2 for c in pycountry.countries} | {"XXA", "XXX"}
    assert ("AF", "Afghanistan") in choices("nationality")
    assert {"ara", "prs", "pus", "tir"} <= {c for c, _l in choices("language")}


def test_every_alias_maps_to_a_code_of_its_list(communes):
    for kind in KINDS:
        codes = {code for code, _label in choices(kind)}
        vocabulary = values._vocabulary(kind)
        assert set().union(*vocabulary.exact.values()) <= codes, kind


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind"):
        normalise("religion", "x")


def test_every_value_of_the_messy_file_maps_automatically(communes):
    from ancrage.imports.dates import parse_date
    from ancrage.imports.sanitise import clean_phone
    from tests.imports import spreadsheets as sheets

    kinds = {"sex", "nationality", "protection", "commune", "housing", "cefr", "programme"}
    for row, expected in zip(sheets.messy_rows(), sheets.MESSY_EXPECTED, strict=True):
        cell = dict(zip(sheets.COLUMNS, row, strict=True))
        for field, code in expected.items():
            raw = cell[sheets.MESSY_SOURCES[field]]
            if field in kinds:
                assert normalise(field, raw) == code, (field, raw)
            elif field == "languages":
                assert normalise_many("language", raw) == code, raw
            elif field == "phone":
                assert clean_phone(raw) == code, raw
            else:
                date = parse_date(raw)
                assert (date.value, date.precision, date.conventional) == code, raw
