"""Text coming from partners' spreadsheets, made safe and tidy before it is stored.

* ``clean_text``: NFC, no invisible or direction-changing characters, no control characters, one space
  between words, a length limit with a French message. Formula-looking text (``=``, ``+``, ``-``, ``@``)
  is kept as typed: it is data here, and every export of the project neutralises it.
* ``lost_script`` / ``column_lost_script``: a name whose letters were replaced by ``?`` (or U+FFFD) when
  the file went through the wrong encoding; such a column is refused rather than imported as names.
* ``clean_phone``: the usual French and international spellings of a phone number, to one form.
"""

import math
import re
import unicodedata

from django.utils.translation import gettext as _

from ancrage.imports.errors import CellError

# Bidirectional embeddings, overrides and isolates: they reorder what is displayed (a name that reads
# differently from what it is) and are never needed in a name or a short text field.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Zero-width space, non-joiner, joiner, word joiner, byte-order mark / zero-width no-break space.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, Arabic letter mark
_REMOVED = str.maketrans(dict.fromkeys(_BIDI_CONTROLS + _ZERO_WIDTH + _MARKS))
_SPACES = re.compile(r"\s+")


def _is_control(char: str) -> bool:
    # Cc (C0/C1 controls, tabs and newlines are turned into spaces first), Cf left after the table above
    # (soft hyphen, invisible operators...), Co/Cn (private use, unassigned).
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn"}


def _as_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return _("oui") if raw else _("non")
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return str(int(raw))  # 12.0 read from a spreadsheet is the 12 that was typed
    return str(raw)


def clean_text(raw: object, *, max_length: int, label: str = "") -> str:
    """The text of a cell, cleaned; ``CellError`` when it is longer than ``max_length`` once cleaned.

    Direction marks (U+200E/U+200F) are removed too: the text is stored without them and the
    interface isolates every value with ``dir="auto"``, so they are never needed to display it.
    """
    text = unicodedata.normalize("NFC", _as_text(raw))
    text = text.translate(_REMOVED)
    text = "".join(" " if char in "\t\n\r\v\f\x85\u2028\u2029" else char for char in text)
    text = "".join(char for char in text if not _is_control(char))
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_length:
        if label:
            message = _("%(label)s : le texte dépasse %(max)d caractères (%(length)d)") % {
                "label": label,
                "max": max_length,
                "length": len(text),
            }
        else:
            message = _("Le texte dépasse %(max)d caractères (%(length)d)") % {"max": max_length, "length": len(text)}
        raise CellError(message)
    return text


_LOST = re.compile(r"[?\ufffd]")


def lost_script(value: str) -> bool:
    """Whether letters of ``value`` were replaced by ``?`` or U+FFFD on the way (``"????"``, ``"Ahm?d"``).

    A question mark at the end of a word (``"1980 ?"``, ``"Ali ?"``) is punctuation, not a lost letter;
    one inside a word, a run of them, or any U+FFFD is.
    """
    if "\ufffd" in value:
        return True
    for word in value.split():
        if "?" not in word:
            continue
        marks = len(_LOST.findall(word))
        letters = sum(char.isalpha() for char in word)
        if marks >= 2 and marks >= letters:
            return True  # "????", "??-???"
        if re.search(r"\w\?+\w", word):
            return True  # "Ahm?d"
        if marks >= 2 and re.search(r"\?\?", word):
            return True  # "Mo??mmad"
    return False


def column_lost_script(values: list[str]) -> bool:
    """Whether a column lost its script: several of its values did (at least two and 5 % of the filled
    ones), or its only value did."""
    filled = [str(v) for v in values if v is not None and str(v).strip()]
    lost = sum(lost_script(v) for v in filled)
    if len(filled) == 1:
        return lost == 1
    return lost >= 2 and lost >= len(filled) * 0.05


_PHONE_CHARS = re.compile(r"[\s.\-/()\u00a0\u202f]")


def clean_phone(raw: object) -> str:
    """A phone number as ``06 12 34 56 78`` (French numbers) or ``+44 7911123456`` (others).

    Accepts ``06.12.34.56.78``, ``0612345678``, ``612345678.0`` (a number whose leading 0 was eaten
    by the spreadsheet), ``+33 6 12 34 56 78``, ``0033 6...``, ``+33 (0)6...``; ``CellError`` otherwise.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    if isinstance(raw, bool):
        raise CellError(_("« %(value)s » n'est pas un numéro de téléphone") % {"value": raw})
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise CellError(_("« %(value)s » n'est pas un numéro de téléphone") % {"value": raw})
        text = str(int(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).translate(_REMOVED).strip()
    original = text
    text = text.replace("(0)", "")
    text = _PHONE_CHARS.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    if not re.fullmatch(r"\+?\d+", text):
        raise CellError(_("« %(value)s » n'est pas un numéro de téléphone") % {"value": original})
    if text.startswith("+33"):
        text = "0" + text[3:]
    elif text.startswith("33") and len(text) == 11:
        text = "0" + text[2:]
    elif not text.startswith(("0", "+")) and len(text) == 9:
        text = "0" + text  # 612345678: the spreadsheet ate the leading zero
    if text.startswith("+"):
        digits = text[1:]
        if not 9 <= len(digits) <= 15:  # E.164: country code and number
            raise CellError(_("« %(value)s » n'est pas un numéro de téléphone") % {"value": original})
        return f"+{digits}"
    if len(text) != 10 or text[1] == "0":
        raise CellError(
            _("« %(value)s » n'est pas un numéro de téléphone (10 chiffres attendus, ou +indicatif)")
            % {"value": original}
        )
    return " ".join(text[i : i + 2] for i in range(0, 10, 2))
