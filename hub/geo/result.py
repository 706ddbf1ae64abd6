"""What the geography says about one postcode: the contract the router and the CLI rely on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Outcome(StrEnum):
    """How a postcode resolved."""

    MATCHED = "matched"
    PARTIAL = "partial"
    OUTSIDE_ENGLAND = "outside_england"
    UNKNOWN = "unknown"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Authority:
    """A children's services authority (the council with the fostering duty)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One authority that covers part of a partial postcode, with its share of postcodes."""

    code: str
    name: str
    share: float


class GeoResult(NamedTuple):
    """The answer for one input string; never raised, always returned.

    An immutable record, as a named tuple: one is built for every postcode resolved, and a
    frozen dataclass of these nine fields takes almost as long to build as the rest of a
    directory look-up (bench/geo.py). Who delivers an authority's children's services (a
    trust) is not geography: the routing rules hold it, with its dates.
    """

    input: str
    postcode: str | None
    outcome: Outcome
    authority: Authority | None = None
    country: str | None = None
    confidence: float | None = None
    candidates: tuple[Candidate, ...] = ()
    geography_version: str | None = None
    reason: str | None = None
