"""What the linkage model compares, and what it answers (the contract between the importer, the
person form, the review queue and the engine)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class LinkageRecord:
    """One person as the model sees it; empty strings for what is not known."""

    last_name: str
    first_names: str
    birth_date: date | None = None
    birth_date_precision: str = "day"  # core.enums.DatePrecision
    birth_date_conventional: bool = False
    sex: str = ""
    nationality: str = ""  # ISO 3166 alpha-2, "XXA" stateless, "XXX" unknown
    phone: str = ""
    ofpra_number: str = ""
    agdref_number: str = ""
    commune: str = ""  # INSEE code
    # Other spellings of the name (other identities): (last name, first names).
    other_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Match:
    """An existing record the model scores as probably the same person."""

    person_id: int
    match_probability: float
    match_weight: float
    # One entry per comparison: {"field": ..., "label": French, "level": French, "weight": float}.
    evidence: list[dict[str, Any]] = field(default_factory=list)
