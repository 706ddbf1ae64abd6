"""Postcode areas used by overrides: a full postcode (unit), a sector or a district.

An override written as ``RG1`` covers the whole district, ``RG1 2`` one sector and
``RG1 2AB`` one postcode. Two overrides overlap when one's area contains the other's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_DISTRICT = re.compile(rf"^({_OUTWARD})$")
_SECTOR = re.compile(rf"^({_OUTWARD}) ([0-9])$")
_UNIT = re.compile(rf"^({_OUTWARD}) ([0-9])([A-Z]{{2}})$")
_UNIT_NO_SPACE = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")


@dataclass(frozen=True, slots=True)
class PostcodeArea:
    """A district, sector or unit, held as its parts from the largest to the smallest."""

    parts: tuple[str, ...]

    @property
    def kind(self) -> str:
        """``district``, ``sector`` or ``postcode``."""
        return ("district", "sector", "postcode")[len(self.parts) - 1]

    def contains(self, other: PostcodeArea) -> bool:
        """True when ``other`` lies inside this area (or is the same area)."""
        return other.parts[: len(self.parts)] == self.parts

    def overlaps(self, other: PostcodeArea) -> bool:
        """True when one area contains the other."""
        return self.contains(other) or other.contains(self)

    def __str__(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        return f"{self.parts[0]} {''.join(self.parts[1:])}"


def parse_area(text: str) -> PostcodeArea | None:
    """Read a district, sector or full postcode; ``None`` when it is none of them."""
    cleaned = " ".join(text.upper().split())
    compact = _UNIT_NO_SPACE.match(cleaned)
    if compact:
        cleaned = f"{compact.group(1)} {compact.group(2)}"
    for pattern in (_UNIT, _SECTOR, _DISTRICT):
        found = pattern.match(cleaned)
        if found:
            return PostcodeArea(tuple(found.groups()))
    return None
