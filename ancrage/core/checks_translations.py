"""`make check` step: the English catalogue must translate every French message, none fuzzy."""

import gettext
import sys
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    """Yield (flags, msgid, msgstr) for each entry of a .po file (plural forms: first msgstr)."""
    for block in text.split("\n\n"):
        flags, current = "", None
        msgid: list[str] = []
        msgstr: list[str] = []
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith("msgid "):
                current = msgid
                current.append(line[6:].strip('"'))
            elif line.startswith("msgid_plural"):
                current = None
            elif line.startswith("msgstr"):
                current = msgstr if not msgstr else None
                if current is not None:
                    current.append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"') and current is not None:
                current.append(line.strip('"'))
        if msgid and "".join(msgid):
            yield flags, "".join(msgid), "".join(msgstr)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        out.append(_ESCAPES.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)


def main() -> int:
    if not CATALOGUE.exists():
        print(f"missing {CATALOGUE}")
        return 1
    problems = []
    for flags, msgid, msgstr in _entries(CATALOGUE.read_text(encoding="utf-8")):
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid[:80]}")
        elif not msgstr:
            problems.append(f"untranslated: {msgid[:80]}")
    mo = CATALOGUE.with_suffix(".mo")
    if not mo.exists():
        problems.append("django.mo is missing: run `make messages`")
    else:
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        stale = [
            msgid
            for flags, msgid, msgstr in _entries(CATALOGUE.read_text(encoding="utf-8"))
            if msgstr and "fuzzy" not in flags and compiled.gettext(_unescape(msgid)) != _unescape(msgstr)
        ]
        if stale:
            problems.append(f"django.mo is older than django.po ({len(stale)} messages differ): run `make messages`")
    for problem in problems[:50]:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s) in {CATALOGUE}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
