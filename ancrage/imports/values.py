"""Free text from partners' spreadsheets mapped to the project's code lists, with suggestions.

Each *kind* of value has a vocabulary: the codes of one code list of the project (never new ones),
their French labels, and aliases — the spellings partners use ("BPI réfugié", "hébergée chez un tiers",
"afghane", "pachto"). A raw value is *folded* (``ancrage.core.text.fold``: ASCII, lower case, words)
and matched:

1. exactly on a code, a label or an alias: score 1.0 (several codes for one alias, as "congolais",
   is an ambiguity that a person resolves);
2. otherwise by similarity — the mean of Jaro-Winkler and normalised Damerau-Levenshtein on the
   folded text, or the share of the text an alias covers ("Afghanistan (afghane)"), or for communes
   the share of the name its first words cover ("Cesson"). Numbers (codes, postcodes) are only
   taken exactly.

``normalise`` takes the best match when it scores at least ``AUTO_THRESHOLD`` and is clearly ahead
of any other code; otherwise it raises ``CellError`` with the labels to suggest, for the value-mapping
step of the import. A saved ``value_map`` (keys made with ``key``) always comes first.
"""

import functools
import gettext as gettext_module
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jellyfish
import pycountry
from django.utils import translation
from django.utils.translation import gettext as _

from ancrage.core.text import fold
from ancrage.imports.errors import CellError

AUTO_THRESHOLD = 0.9  # the score from which a value is mapped without asking
SUGGEST_THRESHOLD = 0.7  # the score from which a code is suggested
AUTO_MARGIN = 0.03  # how far ahead of the next code the best one must be to be taken automatically
MIN_FUZZY_LENGTH = 4  # shorter values ("ps", "hu", "a2") are only taken exactly

KINDS = ("nationality", "country", "protection", "sex", "commune", "cefr", "language", "housing", "programme")


@dataclass(frozen=True)
class Suggestion:
    code: str
    label: str  # the French label of the code
    score: float  # 1.0 = certain (exact code, label or known alias)


def key(raw: object) -> str:
    """The normalised form of a raw value, used as the key of a saved value mapping."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if re.fullmatch(r"\d+[.,]0+", text):
        text = re.split(r"[.,]", text)[0]  # "2.0": a code that went through a number cell
    return fold(text)


_Preparer = Callable[[str], str]  # folded text -> the form it is matched in (aliases and raw values alike)


@dataclass
class _Vocabulary:
    labels: dict[str, str]  # code -> French label, in display order
    exact: dict[str, set[str]]  # folded alias -> codes
    fuzzy: list[tuple[str, str]]  # (folded alias, code) for similarity
    prepare: _Preparer | None = None
    prefixes: bool = False  # whether the first words of a name stand for it ("Cesson", "St Jacques")
    never_auto: tuple[str, ...] = ()  # words that make a value too vague to be taken without asking

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[str, str, Iterable[str]]],
        prepare: _Preparer | None = None,
        *,
        prefixes: bool = False,
        never_auto: tuple[str, ...] = (),
    ) -> "_Vocabulary":
        labels: dict[str, str] = {}
        exact: dict[str, set[str]] = {}
        for code, label, aliases in entries:
            labels.setdefault(code, label)
            for alias in (code, label, *aliases):
                folded = fold(alias)
                if prepare is not None:
                    folded = prepare(folded)
                if folded:
                    exact.setdefault(folded, set()).add(code)
        fuzzy = [(alias, code) for alias, codes in exact.items() if len(alias) >= MIN_FUZZY_LENGTH for code in codes]
        return cls(labels=labels, exact=exact, fuzzy=fuzzy, prepare=prepare, prefixes=prefixes, never_auto=never_auto)


# --- Vocabularies -------------------------------------------------------------------------------


@functools.cache
def _iso_catalogue(domain: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(domain, pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def _name_variants(name: str) -> list[str]:
    """ "Iran, Islamic Republic of" -> "Iran"; "Bolivia (Plurinational State of)" -> "Bolivia"."""
    variants = [name]
    if "," in name:
        variants.append(name.split(",", 1)[0])
    if "(" in name:
        variants.append(re.sub(r"\s*\(.*?\)", "", name))
    return variants


# Demonyms (French masculine and feminine, English) and everyday names of the countries most of the
# persons accompanied come from, beyond the ISO names pycountry gives in French and English.
# Peoples are left out on purpose ("kurde", "tibétain", "rohingya": several states, or none — many
# Rohingya are stateless): a person chooses their nationality when mapping the values.
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "AF": ("afghan", "afghane", "afgan", "afgane", "afghanne"),
    "ER": ("érythréen", "érythréenne", "erythreen", "eritreen", "eritrean", "erythree", "eritrea"),
    "SD": ("soudanais", "soudanaise", "sudanese"),
    "SS": ("sud-soudanais", "sud-soudanaise", "south sudanese"),
    "SY": ("syrien", "syrienne", "syrie", "syrian"),
    "UA": ("ukrainien", "ukrainienne", "ukrainian"),
    "GN": ("guinéen", "guinéenne", "guinea conakry", "guinée conakry", "guinean"),
    "GW": ("bissau-guinéen", "bissau-guinéenne", "guinée bissau"),
    "CI": ("ivoirien", "ivoirienne", "ivorian", "cote d'ivoire"),
    "CD": ("rdc", "rd congo", "congo rdc", "congolais rdc", "congolaise rdc", "congo kinshasa", "zaïre", "zaïrois"),
    "CG": ("congo brazzaville", "congolais brazzaville", "congolaise brazzaville"),
    "BD": ("bangladais", "bangladaise", "bangladeshi"),
    "TR": ("turc", "turque", "turkish", "turquie", "turkey"),
    "RU": ("russe", "russie", "russian", "tchétchène", "tchetchenie"),
    "GE": ("géorgien", "géorgienne", "georgian"),
    "AL": ("albanais", "albanaise", "albanian"),
    "PK": ("pakistanais", "pakistanaise", "pakistani"),
    "SO": ("somalien", "somalienne", "somali", "somalie"),
    "ET": ("éthiopien", "éthiopienne", "ethiopian"),
    "IQ": ("irakien", "irakienne", "iraqi", "irak", "iraq"),
    "IR": ("iranien", "iranienne", "iranian", "iran"),
    "NG": ("nigérian", "nigériane", "nigerian", "nigeria"),
    "NE": ("nigérien", "nigérienne", "nigerien"),
    "ML": ("malien", "malienne", "malian"),
    "SN": ("sénégalais", "sénégalaise", "senegalese"),
    "CM": ("camerounais", "camerounaise", "cameroonian"),
    "TD": ("tchadien", "tchadienne", "chadian"),
    "CF": ("centrafricain", "centrafricaine", "centrafrique", "rca"),
    "BI": ("burundais", "burundaise", "burundian"),
    "RW": ("rwandais", "rwandaise", "rwandan"),
    "HT": ("haïtien", "haïtienne", "haitian"),
    "VE": ("vénézuélien", "vénézuélienne", "venezuelan", "venezuela"),
    "CO": ("colombien", "colombienne", "colombian"),
    "PS": ("palestinien", "palestinienne", "palestinian", "palestine"),
    "LY": ("libyen", "libyenne", "libyan"),
    "YE": ("yéménite", "yemeni"),
    "EG": ("égyptien", "égyptienne", "egyptian"),
    "MA": ("marocain", "marocaine", "moroccan"),
    "DZ": ("algérien", "algérienne", "algerian"),
    "TN": ("tunisien", "tunisienne", "tunisian"),
    "MR": ("mauritanien", "mauritanienne", "mauritanian"),
    "LK": ("sri-lankais", "sri-lankaise", "sri lankan"),
    "MM": ("birman", "birmane", "burmese", "myanmar"),
    "CN": ("chinois", "chinoise", "chinese"),
    "AM": ("arménien", "arménienne", "armenian"),
    "AZ": ("azerbaïdjanais", "azerbaïdjanaise", "azerbaijani"),
    "BY": ("biélorusse", "bélarusse", "belarusian", "biélorussie"),
    "MD": ("moldave", "moldavie", "moldovan"),
    "RS": ("serbe", "serbian"),
    "BA": ("bosnien", "bosnienne", "bosnie"),
    "MN": ("mongol", "mongole", "mongolian"),
    "TJ": ("tadjik", "tadjike"),
    "UZ": ("ouzbek", "ouzbèke", "uzbek"),
    "KZ": ("kazakh", "kazakhe"),
    "KG": ("kirghize", "kirghiz"),
    "AO": ("angolais", "angolaise", "angolan"),
    "GM": ("gambien", "gambienne", "gambian"),
    "SL": ("sierra-léonais", "sierra-léonaise", "sierra leonean"),
    "LR": ("libérien", "libérienne", "liberian"),
    "BF": ("burkinabè", "burkinabé", "burkinabe"),
    "BJ": ("béninois", "béninoise", "beninese"),
    "TG": ("togolais", "togolaise", "togolese"),
    "GH": ("ghanéen", "ghanéenne", "ghanaian"),
    "KM": ("comorien", "comorienne", "comorian"),
    "MG": ("malgache", "malagasy"),
    "UG": ("ougandais", "ougandaise", "ugandan"),
    "KE": ("kényan", "kényane", "kenyan"),
    "TZ": ("tanzanien", "tanzanienne", "tanzanie"),
    "CU": ("cubain", "cubaine", "cuban"),
    "NI": ("nicaraguayen", "nicaraguayenne"),
    "LB": ("libanais", "libanaise", "lebanese"),
    "JO": ("jordanien", "jordanienne", "jordanian"),
    "NP": ("népalais", "népalaise", "nepali"),
    "IN": ("indien", "indienne", "indian"),
    "VN": ("vietnamien", "vietnamienne", "vietnamese", "vietnam"),
    "FR": ("français", "française", "french"),
    "GB": ("britannique", "british", "angleterre", "grande-bretagne", "uk"),
    "US": ("américain", "américaine", "american", "usa", "états-unis d'amérique"),
    "DE": ("allemand", "allemande", "german"),
    "BO": ("bolivien", "bolivienne"),
    "LA": ("laos", "laotien", "laotienne"),
    "MK": ("macédonien", "macédonienne", "macédoine"),
}
# "Congolais" alone, "Corée": one of two countries — asked, never guessed.
_AMBIGUOUS_COUNTRY_ALIASES = {"congolais": ("CD", "CG"), "congolaise": ("CD", "CG"), "congolese": ("CD", "CG")}


def _country_entries(with_stateless: bool) -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.persons.models import STATELESS, UNKNOWN_NATIONALITY, nationality_choices

    with translation.override("fr"):
        labels = dict(nationality_choices())
    entries: list[tuple[str, str, Iterable[str]]] = []
    if with_stateless:
        entries.append((STATELESS, labels[STATELESS], ("apatride", "stateless", "sans nationalité", "apatridie")))
    entries.append(
        (
            UNKNOWN_NATIONALITY,
            labels[UNKNOWN_NATIONALITY],
            ("inconnue", "inconnu", "indéterminée", "indéterminé", "non renseignée", "non déterminée", "unknown"),
        )
    )
    catalogue = _iso_catalogue("iso3166-1")
    for country in pycountry.countries:
        names = [country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")]
        french = catalogue.gettext(country.name)
        aliases = [alias for name in (*names, french) if name for alias in _name_variants(name)]
        aliases += [country.alpha_3, *_COUNTRY_ALIASES.get(country.alpha_2, ())]
        entries.append((country.alpha_2, labels.get(country.alpha_2, french), aliases))
    for alias, codes in _AMBIGUOUS_COUNTRY_ALIASES.items():
        entries += [(code, labels[code], (alias,)) for code in codes]
    return entries


# French and English names of the languages most spoken by the persons accompanied, and their
# spelling variants, beyond the ISO 639-3 names.
_LANGUAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "ara": ("arabe", "arabe dialectal", "arabe littéraire", "arabe soudanais", "arabe syrien", "arabic"),
    "prs": ("dari", "persan dari", "dari persan", "persan afghan", "persan d'Afghanistan", "afghan persian"),
    "pus": ("pachto", "pashto", "pachtou", "pashtou", "pachtoune", "pashtun", "pushto", "pachtu"),
    "fas": ("farsi", "persan", "perse", "persian", "iranien"),
    "tir": ("tigrigna", "tigrinya", "tigrinia", "tigrinien", "tigrina", "tigrigne"),
    "amh": ("amharique", "amharic", "amhara"),
    "som": ("somali", "somalien"),
    "ful": ("peul", "peulh", "poular", "pular", "pulaar", "fulfulde", "fula", "fulani"),
    "sus": ("soussou", "susu", "sosso"),
    "bam": ("bambara",),
    "lin": ("lingala",),
    "ukr": ("ukrainien", "ukrainian"),
    "rus": ("russe", "russian"),
    "tur": ("turc", "turkish"),
    "kmr": ("kurmandji", "kurmanji", "kurde kurmandji"),  # "kurde" alone is the macrolanguage (kur)
    "ckb": ("sorani", "kurde sorani"),
    "eng": ("anglais", "english"),
    "fra": ("français", "francais", "french"),
    "urd": ("ourdou", "urdu"),
    "ben": ("bengali", "bangla", "bengalais"),
    "sqi": ("albanais", "albanian"),
    "kat": ("géorgien", "georgian"),
    "hye": ("arménien", "armenian"),
    "tam": ("tamoul", "tamil"),
    "swa": ("swahili", "kiswahili"),
    "mnk": ("malinké", "mandinka", "mandingue"),
    "spa": ("espagnol", "spanish", "castillan"),
    "por": ("portugais", "portuguese"),
    "deu": ("allemand", "german"),
    "ita": ("italien", "italian"),
    "zho": ("chinois", "mandarin", "chinese"),
    "wol": ("wolof",),
    "che": ("tchétchène", "chechen"),
    "tgk": ("tadjik", "tajik"),
    "uzb": ("ouzbek", "uzbek"),
    "hin": ("hindi",),
    "orm": ("oromo", "afaan oromo"),
    "kin": ("kinyarwanda",),
    "run": ("kirundi",),
    "hau": ("haoussa", "hausa"),
    "sag": ("sango",),
    "mon": ("mongol",),
    "aze": ("azéri", "azerbaïdjanais"),
    "srp": ("serbe",),
    "ron": ("roumain",),
    "bul": ("bulgare",),
    "pol": ("polonais",),
    "nep": ("népalais", "nepali"),
    "vie": ("vietnamien",),
    "mya": ("birman",),
    "hat": ("créole haïtien",),
}


def _language_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.persons.models import language_choices

    with translation.override("fr"):
        groups = language_choices()
    catalogue = _iso_catalogue("iso639-3")
    entries: list[tuple[str, str, Iterable[str]]] = []
    for _group, items in groups:
        for code, label in items:
            language = pycountry.languages.get(alpha_3=code)
            aliases = list(_LANGUAGE_ALIASES.get(code, ()))
            if language is not None:
                aliases += _name_variants(language.name) + _name_variants(catalogue.gettext(language.name))
                if getattr(language, "alpha_2", None):
                    aliases.append(language.alpha_2)
            entries.append((code, str(label), aliases))
    return entries


def _protection_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.persons.models import ProtectionType as P

    aliases: dict[str, tuple[str, ...]] = {
        P.REFUGEE: (
            "réfugié",
            "réfugiée",
            "refugie e",
            "statut de réfugié",
            "statut réfugié",
            "réfugié statutaire",
            "BPI réfugié",
            "BPI statut de réfugié",
            "convention de Genève",
            "refugee",
            "refugee status",
            "RS",
        ),
        P.SUBSIDIARY: (
            "PS",
            "protection subsidiaire",
            "subsidiaire",
            "BPI PS",
            "BPI protection subsidiaire",
            "BPI subsidiaire",
            "bénéficiaire de la protection subsidiaire",
            "subsidiary protection",
        ),
        P.STATELESS: ("apatride", "statut d'apatride", "apatridie", "stateless"),
        P.TEMPORARY: (
            "PT",
            "protection temporaire",
            "temporaire",
            "BPT",
            "bénéficiaire de la protection temporaire",
            "APS protection temporaire",
            "temporary protection",
        ),
        P.ASYLUM_SEEKER: (
            "DA",
            "demandeur d'asile",
            "demandeuse d'asile",
            "demande d'asile",
            "demande d'asile en cours",
            "asile en cours",
            "en demande d'asile",
            "procédure Dublin",
            "dubliné",
            "dublinée",
            "asylum seeker",
        ),
        P.OTHER: ("autre", "autre titre", "primo-arrivant", "primo-arrivante", "titre de séjour", "carte de séjour"),
    }
    return [(code, str(label), aliases.get(code, ())) for code, label in P.choices]


def _sex_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.core.enums import Sex

    aliases: dict[str, tuple[str, ...]] = {
        Sex.FEMALE: ("femme", "féminin", "féminine", "fem", "female", "woman", "2", "Mme", "madame", "Mlle", "fille"),
        Sex.MALE: ("H", "homme", "masculin", "masc", "male", "man", "1", "M.", "Mr", "monsieur", "garçon"),
        Sex.OTHER: ("autre", "non précisé", "non binaire", "other"),
    }
    return [(code, str(label), aliases.get(code, ())) for code, label in Sex.choices]


class _CEFRPreparer:
    """ "a2 oral", "delf a1", "niveau b1", "A1+" -> the level; "a1 1" (A1.1) is below A1."""

    _LEVEL = re.compile(
        r"^(?:delf |dalf |niveau |cecrl |cecr )?([abc]) ?([12])( 1)?"
        r"(?: (?:oral|ecrit|acquis|atteint|valide|en cours))*$"
    )

    def __call__(self, folded: str) -> str:
        match = self._LEVEL.match(folded)
        if not match:
            return folded
        letter, number, sub = match.groups()
        if (letter, number, sub) == ("a", "1", " 1"):
            return "a0"
        return f"{letter}{number}"


def _cefr_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.core.enums import CEFRLevel as L

    aliases: dict[str, tuple[str, ...]] = {
        L.NON_READER: (
            "NLNS",
            "non lecteur",
            "non lectrice",
            "non lecteur non scripteur",
            "non lectrice non scriptrice",
            "non scolarisé",
            "non scolarisée",
            "jamais scolarisé",
            "jamais scolarisée",
            "alpha",
            "alphabétisation",
            "analphabète",
            "illettré",
            "illettrée",
        ),
        L.PRE_A1: (
            "infra A1",
            "pré-A1",
            "pre A1",
            "A1.1",
            "débutant",
            "débutante",
            "grand débutant",
            "grande débutante",
        ),
        L.A1: ("faux débutant", "fausse débutante"),
    }
    return [(code, str(label), aliases.get(code, ())) for code, label in L.choices]


def _housing_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.persons.models import SITUATION_STATUSES, SituationDomain

    aliases: dict[str, tuple[str, ...]] = {
        "cada": ("centre d'accueil de demandeurs d'asile", "centre d'accueil pour demandeurs d'asile"),
        "huda": ("hébergement d'urgence pour demandeurs d'asile", "PRAHDA", "AT-SA", "ATSA", "CAO"),
        "cph": ("centre provisoire d'hébergement",),
        "emergency": (
            "115",
            "hôtel 115",
            "hôtel",
            "hôtel social",
            "HU",
            "CHU",
            "urgence",
            "hébergement d'urgence",
            "centre d'hébergement d'urgence",
            "mise à l'abri",
            "SAS",
        ),
        "chrs": ("centre d'hébergement et de réinsertion sociale",),
        "third_party": (
            "hébergé chez un tiers",
            "hébergée chez un tiers",
            "hébergé(e) chez un tiers",
            "hébergé par un tiers",
            "hébergée par un tiers",
            "chez un tiers",
            "tiers",
            "hébergement chez un tiers",
            "chez des amis",
            "chez un ami",
            "chez une amie",
            "chez la famille",
            "hébergé par la famille",
            "hébergée par la famille",
            "hébergement familial",
            "famille",
            "hébergement citoyen",
            "hébergement solidaire",
        ),
        "iml": ("intermédiation locative", "Solibail", "sous-location", "bail glissant"),
        "residence_sociale": ("résidence sociale", "pension de famille", "maison relais"),
        "fjt": ("foyer de jeunes travailleurs", "foyer jeunes travailleurs", "habitat jeunes"),
        "social_rental": (
            "logement social",
            "bailleur social",
            "HLM",
            "logement HLM",
            "parc social",
            "Archipel Habitat",
            "Néotoa",
            "Espacil",
            "Aiguillon",
        ),
        "private_rental": (
            "location privée",
            "logement privé",
            "parc privé",
            "bail privé",
            "locataire privé",
            "colocation",
        ),
        "none": (
            "rue",
            "à la rue",
            "SDF",
            "sans domicile",
            "sans domicile fixe",
            "sans abri",
            "sans-abri",
            "squat",
            "campement",
        ),
    }
    return [(code, str(label), aliases.get(code, ())) for code, label in SITUATION_STATUSES[SituationDomain.HOUSING]]


def _programme_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.pathways.models import Programme as P

    aliases: dict[str, tuple[str, ...]] = {
        P.AGIR: ("programme AGIR", "accompagnement global et individualisé des réfugiés", "plateforme AGIR"),
        P.CTAIR: ("CTAIR", "action CTAIR", "contrat territorial d'accueil et d'intégration des réfugiés"),
        P.CPH: ("centre provisoire d'hébergement",),
        P.OTHER: ("autre", "autre accompagnement", "other"),
    }
    return [(code, str(label), aliases.get(code, ())) for code, label in P.choices]


class _CommunePreparer:
    """ "St Jacques" = "Saint-Jacques"; "35000 Rennes", "Rennes Cedex 9" = "Rennes"; "Hermitage (L')"."""

    _POSTCODE = re.compile(r"^\d{5} (?=\D)|(?<=\D) \d{5}$")
    _CEDEX = re.compile(r" cedex(?: \d+)?$")
    _WORDS = {"st": "saint", "ste": "sainte"}

    def __call__(self, folded: str) -> str:
        folded = self._CEDEX.sub("", self._POSTCODE.sub("", folded)).strip()
        words = [self._WORDS.get(word, word) for word in folded.split()]
        if len(words) > 1 and words[-1] in {"la", "le", "les", "l"}:
            words = [words[-1], *words[:-1]]  # "chapelle des fougeretz la"
        return " ".join(words)


# Postcodes that belong to one commune only, read when a cell holds just the postcode.
# Rennes has three; other communes are matched by name (with or without their postcode).
UNAMBIGUOUS_POSTCODES = {"35000": "35238", "35200": "35238", "35700": "35238"}


def _commune_entries() -> list[tuple[str, str, Iterable[str]]]:
    from ancrage.territory.models import Commune

    communes = list(Commune.objects.order_by("name").values_list("insee_code", "name"))
    postcodes: dict[str, list[str]] = {}
    for postcode, insee in UNAMBIGUOUS_POSTCODES.items():
        postcodes.setdefault(insee, []).append(postcode)
    entries: list[tuple[str, str, Iterable[str]]] = []
    for insee, name in communes:
        aliases = [*postcodes.get(insee, ())]
        words = fold(name).split()
        if words and words[0] in {"la", "le", "les", "l"}:
            aliases.append(" ".join(words[1:]))  # "Hermitage" for L'Hermitage
        entries.append((insee, name, aliases))
    return entries


_BUILDERS = {
    "nationality": lambda: _Vocabulary.build(_country_entries(with_stateless=True)),
    "country": lambda: _Vocabulary.build(_country_entries(with_stateless=False)),
    "protection": lambda: _Vocabulary.build(_protection_entries()),
    "sex": lambda: _Vocabulary.build(_sex_entries()),
    "commune": lambda: _Vocabulary.build(
        _commune_entries(), prepare=_CommunePreparer(), prefixes=True, never_auto=("metropole", "agglomeration")
    ),
    "cefr": lambda: _Vocabulary.build(_cefr_entries(), prepare=_CEFRPreparer()),
    "language": lambda: _Vocabulary.build(_language_entries()),
    "housing": lambda: _Vocabulary.build(_housing_entries()),
    "programme": lambda: _Vocabulary.build(_programme_entries()),
}
_CACHE: dict[str, _Vocabulary] = {}


def clear_cache() -> None:
    """Forget the vocabularies (the communes come from the database: call it when they change)."""
    _CACHE.clear()
    _automatic.cache_clear()


def _vocabulary(kind: str) -> _Vocabulary:
    if kind not in _BUILDERS:
        raise ValueError(f"unknown kind of value: {kind!r}")
    if kind not in _CACHE:
        _CACHE[kind] = _BUILDERS[kind]()
    return _CACHE[kind]


# --- Matching -----------------------------------------------------------------------------------


def _similarity(text: str, alias: str, *, prefixes: bool = False) -> float:
    longest = max(len(text), len(alias))
    edit = 1 - jellyfish.damerau_levenshtein_distance(text, alias) / longest
    score = (jellyfish.jaro_winkler_similarity(text, alias) + edit) / 2
    if len(alias) >= MIN_FUZZY_LENGTH and f" {alias} " in f" {text} ":
        score = max(score, 0.85 + 0.15 * len(alias) / len(text))  # "afghanistan afghane", "rue (squat)"
    if prefixes and alias.startswith(text + " "):
        score = max(score, 0.85 + 0.15 * len(text) / len(alias))  # "cesson" for Cesson-Sévigné
    return score


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, French label) of every code of ``kind``, for a value-mapping form."""
    return list(_vocabulary(kind).labels.items())


def suggest(kind: str, raw: str, *, limit: int = 3) -> list[Suggestion]:
    """The codes ``raw`` may stand for, best first; ``[]`` when nothing is plausible."""
    vocabulary = _vocabulary(kind)
    text = key(raw)
    if vocabulary.prepare is not None:
        text = vocabulary.prepare(text)
    if not text:
        return []
    scores: dict[str, float] = dict.fromkeys(vocabulary.exact.get(text, ()), 1.0)
    # Numbers (codes, postcodes) are taken exactly or not at all: 35135 is not "close to" 35131.
    if len(text) >= MIN_FUZZY_LENGTH and not text.replace(" ", "").isdigit():
        for alias, code in vocabulary.fuzzy:
            if code in scores and scores[code] == 1.0:
                continue
            score = _similarity(text, alias, prefixes=vocabulary.prefixes)
            if score >= SUGGEST_THRESHOLD and score > scores.get(code, 0.0):
                scores[code] = score
    ranked = sorted(scores.items(), key=lambda item: (-item[1], vocabulary.labels[item[0]]))
    return [Suggestion(code, vocabulary.labels[code], round(score, 3)) for code, score in ranked[:limit]]


def _message(kind: str, raw: object) -> str:
    messages = {
        "nationality": _("« %(value)s » n'est pas une nationalité reconnue"),
        "country": _("« %(value)s » n'est pas un pays reconnu"),
        "protection": _("« %(value)s » n'est pas un type de protection reconnu"),
        "sex": _("« %(value)s » n'est pas un sexe reconnu (F, M ou X)"),
        "commune": _("« %(value)s » n'est pas une commune du territoire"),
        "cefr": _("« %(value)s » n'est pas un niveau de français reconnu (A1 à C2, infra A1, non lecteur)"),
        "language": _("« %(value)s » n'est pas une langue reconnue"),
        "housing": _("« %(value)s » n'est pas une situation de logement reconnue"),
        "programme": _("« %(value)s » n'est pas un programme reconnu"),
    }
    return messages[kind] % {"value": _shown(raw)}


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    text = re.sub(r"\s+", " ", str(raw)).strip()
    return text if len(text) <= 60 else text[:59] + "…"


def _ambiguous(kind: str, raw: object, codes: list[str]) -> CellError:
    labels = [_vocabulary(kind).labels[code] for code in codes]
    return CellError(
        _("« %(value)s » peut désigner plusieurs valeurs : %(labels)s")
        % {"value": _shown(raw), "labels": ", ".join(labels)},
        suggestions=labels,
    )


@functools.lru_cache(maxsize=4096)
def _automatic(kind: str, text: str) -> tuple[str | None, tuple[Suggestion, ...]]:
    """(the code taken automatically or None, the suggestions), cached per process."""
    suggestions = suggest(kind, text, limit=3)
    if not suggestions:
        return None, ()
    best = suggestions[0]
    others = [s for s in suggestions[1:] if s.code != best.code]
    if best.score < 1.0 and any(word in text.split() for word in _vocabulary(kind).never_auto):
        return None, tuple(suggestions)  # "Rennes Métropole" is not the commune of Rennes
    if best.score >= AUTO_THRESHOLD and (not others or best.score - others[0].score >= AUTO_MARGIN):
        return best.code, tuple(suggestions)
    return None, tuple(suggestions)


def normalise(kind: str, raw: object, *, value_map: dict[str, str] | None = None) -> str | None:
    """The code of ``raw`` in ``kind``'s list, ``None`` for a blank cell; ``CellError`` otherwise.

    A saved ``value_map`` ({``key(raw)``: code}) is applied first; a code mapped to ``""`` means
    "leave blank". Then an automatic match, when certain enough.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = key(raw)
    if value_map:
        for candidate in (text, str(raw).strip()):
            if candidate in value_map:
                return value_map[candidate] or None
    if not text:
        return None  # "?", "-": nothing given
    code, suggestions = _automatic(kind, text)
    if code is not None:
        return code
    vocabulary = _vocabulary(kind)
    prepared = vocabulary.prepare(text) if vocabulary.prepare is not None else text
    exact = sorted(vocabulary.exact.get(prepared, ()))
    if len(exact) > 1:
        raise _ambiguous(kind, raw, exact)
    raise CellError(_message(kind, raw), suggestions=[s.label for s in suggestions])


_SEPARATORS = re.compile(r"\s*(?:[,;/+&|\n]|\s-\s|\bet\b|\band\b)\s*", re.IGNORECASE)


def split_values(raw: object) -> list[str]:
    """The parts of a cell holding several values: "arabe, dari / pachto", "peul et soussou"."""
    if raw is None:
        return []
    return [part.strip() for part in _SEPARATORS.split(str(raw)) if part.strip()]


def normalise_many(kind: str, raw: object, *, value_map: dict[str, str] | None = None) -> list[str]:
    """Several values in one cell ("arabe, dari / pachto"), each mapped; duplicates dropped."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return []
    if value_map and key(raw) in value_map:
        mapped = value_map[key(raw)]
        return [mapped] if mapped else []
    codes: list[str] = []
    for part in split_values(raw):
        code = normalise(kind, part, value_map=value_map)
        if code and code not in codes:
            codes.append(code)
    return codes
