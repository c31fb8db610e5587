"""Reads of the ROME: the appellation search behind job-title fields, and how close two fiches are."""

from collections.abc import Mapping
from enum import StrEnum

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

from ancrage.core.text import fold

from .models import RomeAppellation, RomeOccupation
from .services import ROME_CODE

MAX_RESULTS = 100


def search_appellations(query: str, limit: int = 20) -> list[RomeAppellation]:
    """Appellations whose labels contain every word of ``query``, accents and case folded, best first.

    Ranking, in order: every query word being a whole word of the label (« ménage » → « Employé de
    ménage »), then every word starting a word (« soign » → « Aide-soignant »), then mere contains
    (« Déménageur »); within each of these, common appellations before rarely used ones (*peu usité*:
    old or rare titles) — not after every other match, which would push « Aide ménagère à domicile »
    (rarely used) behind forty « déménageur » and « électroménager » for « menage »; then labels that
    start with the first word; then shorter labels (the generic title before its specialisations); then
    alphabetical order.

    The search reads the ~13,000 folded keys (a contains cannot use a B-tree index): a few
    milliseconds (measured on SQLite), enough for an autocomplete.
    """
    words = fold(query).split()
    limit = max(0, min(limit, MAX_RESULTS))
    if not words or not limit:
        return []
    appellations = RomeAppellation.objects.all()
    for word in words:
        appellations = appellations.filter(search_key__contains=word)
    whole_words = Q()
    word_starts = Q()
    for word in words:
        whole_words &= Q(search_key__contains=f" {word} ")
        word_starts &= Q(search_key__contains=f" {word}")
    ranked = appellations.annotate(
        match_rank=Case(
            When(whole_words, then=Value(0)),
            When(word_starts, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        start_rank=Case(
            When(search_key__startswith=f" {words[0]}", then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        label_length=Length("label"),
    ).order_by("match_rank", "rarely_used", "start_rank", "label_length", "label", "code_ogr")
    return list(ranked.select_related("occupation")[:limit])


class Proximity(StrEnum):
    """How close two ROME fiches are, from the closest to the farthest."""

    SAME_CODE = "same_code"
    SAME_PARENT = "same_parent"
    SAME_DOMAIN = "same_domain"
    SAME_FAMILY = "same_family"
    NONE = "none"


def rome_parents(codes: list[str] | None = None) -> dict[str, str]:
    """Parent code of each fiche (all fiches, or those of ``codes``): load once for many proximities."""
    occupations = RomeOccupation.objects.all() if codes is None else RomeOccupation.objects.filter(code__in=codes)
    return dict(occupations.values_list("code", "parent_code"))


def occupation_proximity(code_a: str, code_b: str, *, parents: Mapping[str, str] | None = None) -> Proximity:
    """The closest relation between two ROME fiches (a ``str``: "same_code" … "none").

    * ``same_code``: the same fiche;
    * ``same_parent``: the two fiches hang under the same parent fiche (ROME 4: the same trade in
      another specialisation), one of them being possibly that parent (a fiche without a parent is its
      own parent). This wins over the domain: 23 fiches of v4.60 hang under a parent in another domain;
    * ``same_domain``: the same *domaine professionnel*, the first three characters (F17);
    * ``same_family``: the same *grand domaine*, the letter (F);
    * ``none`` otherwise.

    The parents come from ``parents`` when given (see :func:`rome_parents`, to score many pairs without
    a query each), else from the database; a code not loaded counts as its own parent. A malformed code
    raises ``ValueError``: an empty or mistyped code is the caller's bug, not "no proximity".
    """
    for code in (code_a, code_b):
        if not ROME_CODE.fullmatch(code or ""):
            raise ValueError(f"Not a ROME code: {code!r}")
    if code_a == code_b:
        return Proximity.SAME_CODE
    if parents is None:
        parents = rome_parents([code_a, code_b])
    if parents.get(code_a, code_a) == parents.get(code_b, code_b):
        return Proximity.SAME_PARENT
    if code_a[:3] == code_b[:3]:
        return Proximity.SAME_DOMAIN
    if code_a[:1] == code_b[:1]:
        return Proximity.SAME_FAMILY
    return Proximity.NONE
