"""Realistic duplicates in the demo territory, for the linkage engine and the review queue (issue 11).

A few persons get a second record, as real files hold them: registered again by the same association
(a pair its référents review), or followed by another partner (a pair nobody is shown: it only feeds
the clusters the contract counts once). The second record spells the name another way (another
transliteration, given and family names swapped, a given name dropped, a typo, the original script
only), gives the birth date as a conventional 01/01 or a year, or swaps day and month, and may lack the
phone. Seeded: the same seed gives the same duplicates.
"""

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS
from ancrage.core.text import search_keys
from ancrage.pathways.models import Pathway, PathwayTransition
from ancrage.persons.models import Identity, Nationality, Person, Script

from . import names as name_lists

# Share of the demo's records that are second records (from 1,000 persons: small demos, as the tests
# make, have none, so that ``--persons N`` keeps giving exactly the same N persons there).
DUPLICATE_SHARE = 0.03
MIN_PERSONS = 1000
# Pairs inside Amina's organisation, so that her review queue is never empty in the demo.
AMINA_PAIRS = 6


def duplicate_count(persons: int) -> int:
    """How many of ``persons`` records are second records (``seed_demo --persons`` counts them in)."""
    return int(persons * DUPLICATE_SHARE) if persons >= MIN_PERSONS else 0


def _variants() -> dict[str, tuple[str, ...]]:
    """Every spelling of the demo's name lists → all the spellings of that name."""
    table: dict[str, tuple[str, ...]] = {}
    for value in vars(name_lists).values():
        if isinstance(value, tuple) and value and isinstance(value[0], name_lists.Name):
            for name in value:
                for spelling in name.variants:
                    table.setdefault(spelling.lower(), name.variants)
    return table


def _respell(rng: random.Random, text: str, variants: dict[str, tuple[str, ...]]) -> str:
    words = []
    for word in text.split():
        choices = [v for v in variants.get(word.lower(), ()) if v.lower() != word.lower()]
        if choices and rng.random() < 0.7:
            replacement = rng.choice(choices)
            word = replacement.upper() if word.isupper() else replacement
        words.append(word)
    return " ".join(words)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _birth(rng: random.Random, born: date | None, precision: str, conventional: bool) -> tuple[Any, str, bool]:
    if born is None:
        return None, precision, conventional
    roll = rng.random()
    if roll < 0.2 and not conventional:
        return date(born.year, 1, 1), "day", True
    if roll < 0.35:
        return date(born.year, 1, 1), "year", False
    if roll < 0.43 and precision == "day" and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month), precision, conventional
    return born, precision, conventional


def seed_duplicates(*, seed: int, count: int, amina_id: int | None = None, log=None) -> dict[str, int]:
    """Add ``count`` second records; returns the counts (``linkage.duplicates``, ``…same_organisation``)."""
    rng = random.Random(f"ancrage-demo-duplicates:{seed}")
    variants = _variants()
    now = timezone.now()
    pathways = list(
        Pathway.objects.open()
        .filter(person__merged_into__isnull=True)
        .order_by("pk")
        .values_list("person_id", "operator_id", "programme", "referent_id")
    )
    if not pathways or count <= 0:
        return {"linkage.duplicates": 0}
    operators = sorted({(operator, programme) for _, operator, programme, _ in pathways})
    referents: dict[int, int | None] = {}
    for _, operator, _, referent in pathways:
        if referent:
            referents.setdefault(operator, referent)
    amina_rows = [row for row in pathways if amina_id and row[3] == amina_id]
    chosen: list[tuple[tuple[Any, ...], bool]] = [
        (row, True) for row in rng.sample(amina_rows, min(AMINA_PAIRS, len(amina_rows), count))
    ]
    taken = {row[0] for row, _ in chosen}
    others = list({row[0]: row for row in pathways if row[0] not in taken}.values())
    for row in rng.sample(others, min(len(others), count - len(chosen))):
        chosen.append((row, rng.random() < 0.4))
    person_ids = [row[0] for row, _ in chosen]
    persons = Person.objects.in_bulk(person_ids)
    identities: dict[int, list[Identity]] = {}
    for identity in Identity.objects.filter(person_id__in=person_ids).order_by("-is_reference", "pk"):
        identities.setdefault(identity.person_id, []).append(identity)
    nationalities: dict[int, list[str]] = {}
    for person_id, code in Nationality.objects.filter(person_id__in=person_ids).values_list("person_id", "code"):
        nationalities.setdefault(person_id, []).append(code)
    same_org = made = 0
    with transaction.atomic():
        for (person_id, operator, programme, referent), chosen_same in chosen:
            same = chosen_same
            original = persons[person_id]
            spellings = identities.get(person_id, [])
            if not spellings:
                continue
            reference = spellings[0]
            last, first = _respell(rng, reference.last_name, variants), _respell(rng, reference.first_names, variants)
            roll = rng.random()
            if roll < 0.15 and first:
                last, first = first, last
            elif roll < 0.25 and len(first.split()) > 1:
                first = first.split()[0]
            elif roll < 0.35:
                last = _typo(rng, last)
            script_only = next((i for i in spellings if i.script != Script.LATIN), None)
            born, precision, conventional = _birth(
                rng, original.birth_date, original.birth_date_precision, original.birth_date_conventional
            )
            elsewhere = [pair for pair in operators if pair[0] != operator]
            if same or not elsewhere:
                org_id, programme_id = operator, programme
                same, same_org = True, same_org + 1
            else:
                org_id, programme_id = rng.choice(elsewhere)
            copy = Person.objects.create(
                sex=original.sex,
                birth_date=born,
                birth_date_precision=precision,
                birth_date_conventional=conventional,
                birth_country=original.birth_country,
                birth_place=original.birth_place,
                cir_signed_on=original.cir_signed_on,
                cir_ofii_directorate=original.cir_ofii_directorate,
                interpreting_needed=original.interpreting_needed,
                interpreting_language=original.interpreting_language,
                phone=original.phone if rng.random() < 0.5 else "",
                agdref_number=original.agdref_number if rng.random() < 0.5 else "",
                commune=original.commune if rng.random() < 0.7 else None,
                created_by_organisation_id=org_id,
            )
            new_identities = []
            if script_only and rng.random() < 0.15:
                # The record was typed from a document in the original script only.
                new_identities.append(
                    Identity(
                        person=copy,
                        last_name=script_only.last_name,
                        first_names=script_only.first_names,
                        script=script_only.script,
                        is_reference=True,
                    )
                )
            else:
                new_identities.append(Identity(person=copy, last_name=last, first_names=first, is_reference=True))
                if script_only:
                    new_identities.append(
                        Identity(
                            person=copy,
                            last_name=script_only.last_name,
                            first_names=script_only.first_names,
                            script=script_only.script,
                        )
                    )
            Identity.objects.bulk_create(new_identities)
            Nationality.objects.bulk_create(
                [Nationality(person=copy, code=code) for code in nationalities.get(person_id, [])]
            )
            folded, skel = search_keys(*[n for i in new_identities for n in (i.last_name, i.first_names)])
            display = next(i.full_name for i in new_identities if i.is_reference)
            Person.objects.filter(pk=copy.pk).update(search_folded=folded, search_skeleton=skel, display_name=display)
            entry = timezone.localdate() - timedelta(days=rng.randint(3, 60))
            pathway = Pathway.objects.create(
                person=copy,
                programme=programme_id,
                operator_id=org_id,
                referent_id=referent if same else referents.get(org_id),
                entry_date=entry,
            )
            PathwayTransition.objects.create(pathway=pathway, name="orient", from_status="", to_status=pathway.status)
            AccessGrant.objects.create(
                person=copy,
                organisation_id=org_id,
                sections=sorted(ALL_SECTIONS),
                origin=GrantOrigin.PATHWAY,
                pathway=pathway,
                starts_at=datetime.combine(entry, datetime.min.time(), tzinfo=now.tzinfo),
            )
            made += 1
    if log:
        log(f"  {made} doublons réalistes ajoutés ({same_org} dans la même organisation).")
    return {"linkage.duplicates": made, "linkage.duplicates.same_organisation": same_org}
