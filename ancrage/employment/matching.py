"""Matching persons and opportunities, explained (issue 4 §4). INTERFACE STUB — to be implemented.

Deterministic: the same record and opportunity always give the same score and reasons.
"""

from dataclasses import dataclass, field
from typing import Literal

ReasonKind = Literal["plus", "missing", "info"]


@dataclass(frozen=True)
class Reason:
    code: str  # stable machine code, e.g. "same_rome", "french_below"
    label: str  # in French, e.g. "B1 requis, A2 certifié"
    kind: ReasonKind  # "plus": why it ranks; "missing": what is missing; "info": neutral
    points: int = 0


@dataclass(frozen=True)
class Match:
    person_id: int
    opportunity_id: int
    score: int  # 0..100
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    blocking: bool = False  # a hard requirement is not met (e.g. licence required and none)


def match_pair(person_id: int, opportunity) -> Match:
    """The match of one person with one opportunity (used to snapshot a proposal)."""
    return Match(person_id=person_id, opportunity_id=opportunity.pk, score=0)
