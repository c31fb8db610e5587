"""A synthetic set of refugees' records with known truth, for the linkage benchmark (seeded).

Persons of six origin groups (``names.GROUPS``) each get one record, and some get one or two more —
the duplicates a territory really holds, made with the variations of real files:

* another transliteration of the given or family name (Mohammad/Mohammed/Muhammad, Tesfay/Tesfaye,
  Oleksandr/Aleksandr/Alexandre), or the name in its original script (Arabic, Persian, Cyrillic);
* given and family names swapped; a second given name added or dropped; a typo;
* a conventional 01/01 date instead of the real one, a year only, day and month swapped, a typo;
* the phone missing on one side, a number (OFPRA, AGDREF) known on one side only.
"""

import random
from dataclasses import dataclass, replace
from datetime import date

from ..records import LinkageRecord
from .names import GROUPS, SCRIPTS

COMMUNES = ("35238", "35051", "35281", "35047", "35024", "35206", "35210", "35055", "35353", "35334")


@dataclass(frozen=True)
class Pool:
    male: list[list[str]]
    female: list[list[str]]
    family: list[list[str]]
    countries: tuple[str, ...]


def _parse(text: str) -> list[list[str]]:
    return [[v.strip() for v in entry.split("/")] for entry in text.split(",") if entry.strip()]


POOLS = {
    name: Pool(
        male=_parse(str(spec["male"])),
        female=_parse(str(spec["female"])),
        family=_parse(str(spec["family"])),
        countries=tuple(spec["countries"]),  # type: ignore[arg-type]
    )
    for name, spec in GROUPS.items()
}


@dataclass(frozen=True)
class SyntheticRecord:
    record: LinkageRecord
    person: int  # the true person (entity) the record belongs to
    group: str


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        # Zipf-like frequencies: a few names are very common (Mohammad, Diallo), most are rare.
        self._weights: dict[int, list[float]] = {}

    def _pick(self, entries: list[list[str]]) -> list[str]:
        weights = self._weights.setdefault(len(entries), [1 / (rank + 1) ** 0.8 for rank in range(len(entries))])
        return self.rng.choices(entries, weights=weights)[0]

    def _spelling(self, variants: list[str]) -> str:
        return variants[0] if len(variants) == 1 or self.rng.random() < 0.6 else self.rng.choice(variants[1:])

    def _typo(self, word: str) -> str:
        if len(word) < 4:
            return word
        i = self.rng.randrange(1, len(word) - 1)
        kind = self.rng.random()
        if kind < 0.3:
            return word[:i] + word[i + 1 :]
        if kind < 0.6:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind < 0.8:
            return word[:i] + self.rng.choice("aeioun") + word[i:]
        return word[:i] + self.rng.choice("aeiourstn") + word[i + 1 :]

    def person(self, group: str) -> dict:
        pool = POOLS[group]
        rng = self.rng
        sex = rng.choice("MF")
        given = [self._pick(pool.male if sex == "M" else pool.female)]
        if rng.random() < 0.25:
            given.append(self._pick(pool.male if sex == "M" else pool.female))
        family = self._pick(pool.family)
        year = rng.randint(1955, 2007)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        kind = rng.random()
        return {
            "group": group,
            "sex": sex,
            "given": given,
            "family": family,
            "born": born,
            # How the date is known: real, conventional 01/01, or the year only.
            "date_kind": "real" if kind < 0.7 else ("conventional" if kind < 0.9 else "year"),
            "nationality": rng.choice(pool.countries),
            "phone": f"06{rng.randrange(10**8):08d}" if rng.random() < 0.6 else "",
            "ofpra": f"{rng.randrange(10**9):09d}" if rng.random() < 0.4 else "",
            "agdref": f"{rng.randrange(10**10):010d}" if rng.random() < 0.3 else "",
            "commune": rng.choice(COMMUNES),
        }

    def record(self, p: dict, *, duplicate: bool) -> LinkageRecord:
        rng = self.rng
        given = [self._spelling(v) for v in p["given"]] if duplicate else [v[0] for v in p["given"]]
        family = self._spelling(p["family"]) if duplicate else p["family"][0]
        born: date = p["born"]
        precision, conventional = "day", False
        date_kind = p["date_kind"]
        if duplicate:
            roll = rng.random()
            if roll < 0.15:
                date_kind = "conventional" if date_kind == "real" else "real"
            elif roll < 0.25:
                date_kind = "year"
            elif roll < 0.32 and date_kind == "real" and born.day <= 12 and born.day != born.month:
                born = date(born.year, born.day, born.month)
            elif roll < 0.36 and date_kind == "real":
                born = date(born.year, born.month, min(28, max(1, born.day + rng.choice((-1, 1, 10, -10)))))
        if date_kind == "conventional":
            born, conventional = date(born.year, 1, 1), True
        elif date_kind == "year":
            born, precision = date(born.year, 1, 1), "year"
        phone, ofpra, agdref = p["phone"], p["ofpra"], p["agdref"]
        other_names: tuple[tuple[str, str], ...] = ()
        if duplicate:
            if rng.random() < 0.12 and len(given) == 1:
                given.append(
                    self._spelling(self._pick(POOLS[p["group"]].male if p["sex"] == "M" else POOLS[p["group"]].female))
                )
            elif rng.random() < 0.12 and len(given) > 1:
                given = given[:1]
            if rng.random() < 0.15:
                words = family.split()
                j = rng.randrange(len(words))
                words[j] = self._typo(words[j])
                family = " ".join(words)
            elif rng.random() < 0.1:
                given[0] = self._typo(given[0])
            phone = phone if rng.random() < 0.6 else ""
            ofpra = ofpra if rng.random() < 0.5 else ""
            agdref = agdref if rng.random() < 0.5 else ""
        last, first = family, " ".join(given)
        if duplicate and rng.random() < 0.12:
            last, first = first, last
        # The name in its original script: as the only identity, or beside the Latin one.
        script_last, script_first = SCRIPTS.get(p["family"][0]), SCRIPTS.get(p["given"][0][0])
        if duplicate and script_last and script_first and rng.random() < 0.35:
            if rng.random() < 0.5:
                last, first = script_last, script_first
            else:
                other_names = ((script_last, script_first),)
        return LinkageRecord(
            last_name=last,
            first_names=first,
            birth_date=born,
            birth_date_precision=precision,
            birth_date_conventional=conventional,
            sex=p["sex"],
            nationality=p["nationality"],
            phone=phone,
            ofpra_number=ofpra,
            agdref_number=agdref,
            commune=p["commune"] if not duplicate or rng.random() < 0.7 else rng.choice(COMMUNES),
            other_names=other_names,
        )


def generate(records: int, *, seed: int = 7) -> list[SyntheticRecord]:
    """About ``records`` records: 70 % of persons once, 22 % twice, 8 % three times; groups balanced."""
    generator = Generator(seed)
    rng = generator.rng
    groups = list(POOLS)
    out: list[SyntheticRecord] = []
    person = 0
    while len(out) < records:
        group = groups[person % len(groups)]
        p = generator.person(group)
        out.append(SyntheticRecord(generator.record(p, duplicate=False), person, group))
        roll = rng.random()
        copies = 2 if roll < 0.08 else (1 if roll < 0.30 else 0)
        for _ in range(copies):
            out.append(SyntheticRecord(generator.record(p, duplicate=True), person, group))
        person += 1
    del out[records:]
    rng.shuffle(out)
    return out


def true_pairs(data: list[SyntheticRecord]) -> set[tuple[int, int]]:
    """Pairs of record indexes (i < j) that belong to one person."""
    by_person: dict[int, list[int]] = {}
    for index, item in enumerate(data):
        by_person.setdefault(item.person, []).append(index)
    pairs = set()
    for members in by_person.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = sorted((members[a], members[b]))
                pairs.add((i, j))
    return pairs


__all__ = ["SyntheticRecord", "generate", "replace", "true_pairs"]
