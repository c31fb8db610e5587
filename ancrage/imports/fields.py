"""The fields of the record a spreadsheet column can fill, and how a column title suggests one."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ancrage.core.text import fold


@dataclass(frozen=True)
class TargetField:
    code: str
    label: str | Promise
    # The code list the values are mapped to (``imports.values`` kinds), if any.
    kind: str = ""
    # Several values in one cell (languages).
    many: bool = False
    # Folded column titles that suggest this field (the first exact match wins, then the longest contained).
    titles: tuple[str, ...] = ()


FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "external_id",
        _("Numéro de dossier chez vous (identifiant du partenaire)"),
        titles=(
            "n dossier",
            "no dossier",
            "numero de dossier",
            "num dossier",
            "dossier",
            "id",
            "identifiant",
            "ref",
            "reference",
        ),
    ),
    TargetField("last_name", _("Nom"), titles=("nom", "nom de famille", "nom d usage", "last name", "surname")),
    TargetField("first_names", _("Prénom(s)"), titles=("prenom", "prenoms", "first name", "first names")),
    TargetField(
        "full_name",
        _("Nom et prénom dans une même colonne"),
        titles=(
            "nom et prenom",
            "nom prenom",
            "nom prenoms",
            "nom et prenoms",
            "nom complet",
            "full name",
            "beneficiaire",
        ),
    ),
    TargetField(
        "other_name",
        _("Autre graphie du nom (écriture d'origine)"),
        titles=("nom en arabe", "nom arabe", "autre graphie", "ecriture d origine", "nom original", "nom d origine"),
    ),
    TargetField("sex", _("Sexe"), kind="sex", titles=("sexe", "genre", "sex", "h f", "f h", "civilite")),
    TargetField(
        "birth_date",
        _("Date de naissance"),
        titles=("date de naissance", "date naissance", "ddn", "ne le", "nee le", "ne e le", "naissance", "birth date"),
    ),
    TargetField("nationality", _("Nationalité"), kind="nationality", titles=("nationalite", "nationality")),
    TargetField(
        "birth_country", _("Pays de naissance"), kind="country", titles=("pays de naissance", "country of birth")
    ),
    TargetField("phone", _("Téléphone"), titles=("telephone", "tel", "portable", "mobile", "phone", "n tel")),
    TargetField(
        "email", _("Adresse électronique"), titles=("email", "e mail", "mail", "courriel", "adresse electronique")
    ),
    TargetField("address", _("Adresse"), titles=("adresse", "adresse postale", "address")),
    TargetField(
        "commune",
        _("Commune de résidence"),
        kind="commune",
        titles=("commune", "commune de residence", "ville", "city", "lieu de residence"),
    ),
    TargetField(
        "agdref_number",
        _("Numéro étranger (AGDREF)"),
        titles=("agdref", "n agdref", "numero agdref", "numero etranger", "n etranger", "no etranger"),
    ),
    TargetField("ofpra_number", _("Numéro OFPRA"), titles=("ofpra", "n ofpra", "numero ofpra", "no ofpra")),
    TargetField(
        "protection_type",
        _("Statut de protection"),
        kind="protection",
        titles=("statut", "protection", "type de protection", "statut administratif", "statut de protection"),
    ),
    TargetField(
        "protection_date",
        _("Date de la décision de protection"),
        titles=(
            "date de protection",
            "date decision",
            "date de decision",
            "date de la decision",
            "date obtention statut",
        ),
    ),
    TargetField(
        "cir_signed_on",
        _("Date de signature du CIR"),
        titles=("cir", "date cir", "signature cir", "date signature cir", "date de signature du cir"),
    ),
    TargetField(
        "languages",
        _("Langues parlées (plusieurs possibles)"),
        kind="language",
        many=True,
        titles=("langues", "langues parlees", "langue parlee", "langue", "languages"),
    ),
    TargetField(
        "interpreting_language",
        _("Langue d'interprétariat"),
        kind="language",
        titles=("langue d interpretariat", "interpretariat", "interprete", "langue interprete"),
    ),
    TargetField(
        "french_level",
        _("Niveau de français"),
        kind="cefr",
        titles=("niveau de francais", "niveau francais", "niveau fle", "niveau cecrl", "niveau", "francais"),
    ),
    TargetField(
        "french_level_date",
        _("Date du niveau de français"),
        titles=("date du niveau", "date niveau", "date positionnement", "date du test", "date evaluation"),
    ),
    TargetField(
        "housing",
        _("Situation de logement"),
        kind="housing",
        titles=("hebergement", "logement", "situation logement", "situation de logement", "type d hebergement"),
    ),
    TargetField(
        "housing_since",
        _("Logement : depuis le"),
        titles=("depuis", "hebergement depuis", "logement depuis", "date hebergement", "date d entree logement"),
    ),
    TargetField("programme", _("Programme"), kind="programme", titles=("programme", "dispositif")),
    TargetField(
        "entry_date",
        _("Date d'entrée dans le parcours"),
        titles=(
            "date d entree",
            "entree",
            "date entree",
            "date d entree dispositif",
            "date d orientation",
            "date debut",
        ),
    ),
    TargetField(
        "referent",
        _("Référent (adresse électronique ou nom)"),
        titles=("referent", "referente", "referent e", "travailleur social", "suivi par", "conseiller"),
    ),
)

BY_CODE: dict[str, TargetField] = {f.code: f for f in FIELDS}
NAME_FIELDS = ("last_name", "first_names", "full_name", "other_name")
# Kinds whose values are mapped in the value-mapping step, in the order the form shows them.
VALUE_KINDS: dict[str, str | Promise] = {
    "nationality": _("Nationalités"),
    "country": _("Pays de naissance"),
    "protection": _("Statuts de protection"),
    "sex": _("Sexe"),
    "commune": _("Communes"),
    "cefr": _("Niveaux de français"),
    "language": _("Langues"),
    "housing": _("Situations de logement"),
    "programme": _("Programmes"),
}


def header_key(title: object) -> str:
    """A column title as saved mappings key it: folded, words separated by one space."""
    return fold(str(title or ""))


def suggest_field(title: object) -> str:
    """The target field a column title suggests, or "" (the column is not imported)."""
    key = header_key(title)
    if not key:
        return ""
    for field in FIELDS:
        if key in field.titles:
            return field.code
    best, best_len = "", 0
    padded = f" {key} "
    for field in FIELDS:
        for title_key in field.titles:
            if len(title_key) > 3 and f" {title_key} " in padded and len(title_key) > best_len:
                best, best_len = field.code, len(title_key)
    return best


def suggest_mapping(columns: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """{"<column index>": field} from a saved mapping first, then the titles; a field is given once."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, title in enumerate(columns):
        key = header_key(title)
        if saved and key in saved:
            field = saved[key]
            if field in BY_CODE and field not in used:
                mapping[str(index)] = field
                used.add(field)
            else:
                mapping[str(index)] = ""
    for index, title in enumerate(columns):
        if str(index) in mapping:
            continue
        field = suggest_field(title)
        if field and field not in used:
            mapping[str(index)] = field
            used.add(field)
        else:
            mapping[str(index)] = ""
    return mapping
