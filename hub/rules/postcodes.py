"""Postcode areas used by overrides: a full postcode (unit), a sector or a district.

An override written as ``RG1`` covers the whole district, ``RG1 2`` one sector and
``RG1 2AB`` one postcode. Two overrides overlap when one's area contains the other's.

The shape of a postcode is the geography's (:func:`hub.geo.normalise.parse_postcode`), so an
override can name anything an enquirer's postcode can be, ``GIR 0AA`` and ``NPT`` included.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.geo.normalise import PostcodeFormatError, parse_postcode


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
    try:
        parsed = parse_postcode(text)
    except PostcodeFormatError:
        return None
    parts = (parsed.outward, parsed.sector_digit, parsed.unit)
    return PostcodeArea(tuple(part for part in parts if part is not None))
