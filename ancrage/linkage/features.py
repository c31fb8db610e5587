"""What the linkage model compares: keys made for refugees' names, dates and identifiers (ADR 8).

Every record becomes one flat row of *features* (``features_of``), the columns the Splink comparisons
and blocking rules read:

* names, from every identity (every script: Arabic, Cyrillic, Ethiopic identities are folded by
  Unidecode with the project's pre-map, ``core.text.fold``):

  - ``last_fold`` / ``first_fold``: the folded reference family name and first given name (exact
    agreement, with term frequencies: agreeing on *Mohammad* is worth less than on *Tesfamariam*);
  - ``last_key`` / ``first_key``: a transliteration key that keeps the shape of the vowels
    (``name_key``: Mohammad, Mohammed, Muhammad, Mohamed → ``mahamad``; Yousef, Youssef, Yusuf →
    ``asaf``; Oleksandr, Aleksandr, Alexandre → ``alaksandr``; Tesfay, Tesfaye → ``tasf``) — it does
    not join Mahmoud (``mahmad``) with Mohammad, which the consonant skeleton does;
  - ``last_skel`` / ``first_skel``: the consonant skeleton of ``core.text`` (``mhmd``), the only key an
    Arabic-script spelling without short vowels shares with its Latin transliteration;
  - ``last_keys``, ``last_skels``, ``first_keys``, ``first_skels``: the sets of keys of every
    identity's family names and given names — each word, and the words joined (*Abdel Rahman* =
    *Abdulrahman*) — so that other spellings, extra or missing given names and given/family swaps
    compare (a swap is ``last_skels`` of one meeting ``first_skels`` of the other);

* the birth date as ``birth_date`` (ISO), ``birth_year``, ``birth_month``, ``birth_day`` and
  ``birth_weak`` (a conventional 01/01 — or any 1st of January, often a conventional date left
  unflagged — or a year-only / month-only / approximate date: worth the year only);
* ``phone`` (national number, last nine digits), ``ofpra``, ``agdref`` (digits), ``sex``,
  ``nationality``, ``commune``. Missing values are ``None`` (Splink's null level).
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from ancrage.core.text import fold, skeleton_word

from .records import LinkageRecord

# The columns of a feature row, in order (``unique_id`` first).
COLUMNS: tuple[str, ...] = (
    "unique_id",
    "last_fold",
    "first_fold",
    "full_fold",
    "last_key",
    "first_key",
    "last_skel",
    "first_skel",
    "last_keys",
    "first_keys",
    "last_skels",
    "first_skels",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_weak",
    "sex",
    "nationality",
    "phone",
    "ofpra",
    "agdref",
    "commune",
)
LIST_COLUMNS = frozenset({"last_keys", "first_keys", "last_skels", "first_skels"})
INT_COLUMNS = frozenset({"unique_id", "birth_year", "birth_month", "birth_day"})
BOOL_COLUMNS = frozenset({"birth_weak"})

# Words that are not names: Arabic articles and kinship particles written apart ("El Hadi", "Ould Ahmed"
# keep "ould" since it is part of the name in Mauritanian records; only bare articles are dropped).
_ARTICLES = frozenset({"al", "el", "ul", "ad", "ed", "ar", "as", "at", "ash", "an", "de", "du"})
_KEY_SUBSTITUTIONS = (
    ("x", "ks"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("dj", "j"),
    ("zh", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("y", "i"),
)
_DI_VOWEL = re.compile(r"^d[ij](?=[aeou])")
_VOWEL_RUN = re.compile(r"[aeiou]+")
_DOUBLES = re.compile(r"(.)\1+")
_DIGITS = re.compile(r"\D+")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def name_key(word: str) -> str:
    """A transliteration key of one folded word that keeps where the vowels are, not which they are.

    Transliterations of Arabic, Persian, Pashto, Tigrinya and Cyrillic names mostly differ by their
    vowels (o/u/ou, e/a/i, a final e) and by digraphs (kh/h, x/ks, ph/f, w/v, y/i): the key keeps
    the consonants, merges each run of vowels into one ``a`` and drops a final vowel.
    """
    word = word.replace("ch", "sh").replace("sh", "s")  # ch / sh / sch: one sound in these languages
    word = _DI_VOWEL.sub("j", word)  # Diallo / Jalloh, Djenabou / Jenabu
    if len(word) > 3 and word.endswith("h") and word[-2] in "aeiou":
        word = word[:-1]  # Fatimah / Fatima, Jalloh / Jallo
    for old, new in _KEY_SUBSTITUTIONS:
        word = word.replace(old, new)
    word = _DOUBLES.sub(r"\1", word)
    word = _VOWEL_RUN.sub("a", word)
    if len(word) > 2 and word.endswith("a"):
        word = word[:-1]
    return word


def name_words(text: str) -> list[str]:
    """Folded words of a name, without bare Arabic articles (``Al Hassan`` = ``Hassan``)."""
    words = fold(text).split()
    kept = [w for w in words if w not in _ARTICLES]
    return kept or words


def _keys(words: list[str]) -> tuple[list[str], list[str]]:
    """The name keys and skeletons of each word and of the words joined, without repeats."""
    variants = list(words)
    if len(words) > 1:
        variants.append("".join(words))
    for word in words:
        # A fused Arabic article: "Alahmad" = "Al Ahmad"; "lkhtyb" (الخطيب, no vowels written) = "Khatib".
        if len(word) > 4 and word[:2] in ("al", "el"):
            variants.append(word[2:])
        elif len(word) > 3 and word[0] == "l" and not _VOWEL_RUN.search(word[:3]):
            variants.append(word[1:])
    keys = list(dict.fromkeys(name_key(w) for w in variants))
    skels = list(dict.fromkeys(skeleton_word(w) for w in variants))
    return keys, skels


def normalise_phone(phone: str) -> str | None:
    """The national significant number (last nine digits): +33 6 12…, 0033 6 12… and 06 12… agree."""
    digits = _DIGITS.sub("", phone or "")
    if len(digits) < 8:
        return None
    return digits[-9:]


def _digits_or_none(value: str) -> str | None:
    digits = _DIGITS.sub("", value or "")
    return digits or None


def _number_or_none(value: str) -> str | None:
    cleaned = _NOT_ALNUM.sub("", value or "").upper()
    return cleaned or None


def features_of(record: LinkageRecord, unique_id: int) -> dict[str, Any]:
    """The feature row of one record (see the module docstring)."""
    identities = [(record.last_name, record.first_names), *record.other_names]
    last_words = name_words(record.last_name)
    first_words = name_words(record.first_names)
    last_keys: list[str] = []
    last_skels: list[str] = []
    first_keys: list[str] = []
    first_skels: list[str] = []
    for last, first in identities:
        keys, skels = _keys(name_words(last))
        last_keys += keys
        last_skels += skels
        keys, skels = _keys(name_words(first))
        first_keys += keys
        first_skels += skels
    last_joined = "".join(last_words)
    first_token = first_words[0] if first_words else ""
    born: date | None = record.birth_date
    # A 1st of January is weak even when not flagged: files often carry a conventional date unmarked.
    weak = bool(born) and (
        record.birth_date_conventional
        or record.birth_date_precision != "day"
        or (born is not None and born.month == 1 and born.day == 1)
    )
    full = " ".join(last_words + first_words)
    return {
        "unique_id": unique_id,
        "last_fold": last_joined or None,
        "first_fold": first_token or None,
        "full_fold": full or None,
        "last_key": name_key(last_joined) if last_joined else None,
        "first_key": name_key(first_token) if first_token else None,
        "last_skel": skeleton_word(last_joined) if last_joined else None,
        "first_skel": skeleton_word(first_token) if first_token else None,
        "last_keys": list(dict.fromkeys(last_keys)) or None,
        "first_keys": list(dict.fromkeys(first_keys)) or None,
        "last_skels": list(dict.fromkeys(last_skels)) or None,
        "first_skels": list(dict.fromkeys(first_skels)) or None,
        "birth_date": born.isoformat() if born else None,
        "birth_year": born.year if born else None,
        "birth_month": born.month if born and record.birth_date_precision in ("day", "month") else None,
        "birth_day": born.day if born and record.birth_date_precision == "day" else None,
        "birth_weak": weak if born else None,
        "sex": record.sex if record.sex in ("F", "M") else None,
        "nationality": record.nationality if record.nationality and record.nationality != "XXX" else None,
        "phone": normalise_phone(record.phone),
        "ofpra": _number_or_none(record.ofpra_number),
        "agdref": _digits_or_none(record.agdref_number),
        "commune": record.commune or None,
    }


def features_table(rows: Iterable[dict[str, Any]]):  # -> pyarrow.Table
    """The feature rows as an Arrow table with explicit types (DuckDB and Splink read it directly)."""
    import pyarrow as pa

    rows = list(rows)
    fields = []
    for name in COLUMNS:
        if name in LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif name in INT_COLUMNS:
            kind = pa.int64()
        elif name in BOOL_COLUMNS:
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    schema = pa.schema(fields)
    return pa.table({name: [row[name] for row in rows] for name in COLUMNS}, schema=schema)
