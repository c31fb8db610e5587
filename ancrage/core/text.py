"""Name folding for search that tolerates accents, case and transliteration variants.

Two keys are kept for every name:

* the *folded* form: transliterated to ASCII (any script), lower case, letters and digits only;
* the *skeleton*: the folded form reduced to its consonant frame, with common transliteration
  variants mapped together (``ou``/``u``, ``ph``/``f``, ``kh``/``h``, doubled letters...). Arabic
  ``محمد``, ``Mohammed``, ``Muhammad`` and ``Mohamed`` all give ``mhmd``.
"""

import re

from unidecode import unidecode

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLES = re.compile(r"(.)\1+")
_SUBSTITUTIONS = (
    ("sch", "s"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "h"),
    ("g", "h"),
    ("dj", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("sh", "s"),
    ("ch", "s"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
    ("y", "i"),
)
# Semi-vowels are written as vowels in one transliteration and consonants in another
# (یوسف "ywsf" / Yousef; Wahid / Vahid / Ouahid): the skeleton drops them like vowels.
_VOWELS = re.compile(r"[aeiouvw]")
# Letters Unidecode reads for another language: Persian kaf/gaf/yeh, Ukrainian he (Ганна = Hanna).
_PRE_MAP = str.maketrans({"ک": "k", "گ": "g", "ی": "y", "Г": "H", "г": "h"})


def fold(text: str) -> str:
    """ASCII, lower case, words separated by one space."""
    return _NON_ALNUM.sub(" ", unidecode((text or "").translate(_PRE_MAP)).lower()).strip()


def skeleton_word(word: str) -> str:
    for old, new in _SUBSTITUTIONS:
        word = word.replace(old, new)
    frame = _VOWELS.sub("", word)
    frame = _DOUBLES.sub(r"\1", frame)
    return frame or word[:1]


def skeleton(text: str) -> str:
    return " ".join(skeleton_word(w) for w in fold(text).split())


def search_keys(*names: str) -> tuple[str, str]:
    """The folded and skeleton keys of several names, each padded with spaces for word matching."""
    folded = " ".join(filter(None, (fold(n) for n in names)))
    skel = " ".join(filter(None, (skeleton(n) for n in names)))
    return f" {folded} ", f" {skel} "
