"""Turn whatever a person typed into a normalised UK postcode, or say clearly why not."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "ParsedPostcode",
    "PostcodeFormatError",
    "PostcodeKind",
    "normalise_postcode",
    "parse_postcode",
]

# Longer than any postcode with generous spacing; we refuse before doing Unicode work on it.
MAX_INPUT_LENGTH = 40

# The outward code: A9, A99, A9A, AA9, AA99, AA9A, plus two non-geographic legacy outwards that
# ONS still lists (GIR 0AA, the old Girobank code, and terminated NPT codes for Newport).
_OUTWARD = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR|NPT)"
_FULL_RE = re.compile(rf"({_OUTWARD})([0-9])([A-Z]{{2}})")
# The common case (already upper case ASCII, zero or one space) is matched in one step.
FAST_RE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})")
_OUTWARD_RE = re.compile(_OUTWARD)
_SECTOR_RE = re.compile(rf"({_OUTWARD})([0-9])")
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# People type separators other than a space; treat them as spaces.
_SEPARATORS = str.maketrans({"-": " ", ".": " ", ",": " ", "_": " ", "/": " "})
# In the inward code the first character is always a digit; O and I there are typos of 0 and 1.
_INWARD_DIGIT_TYPOS = {"O": "0", "I": "1"}

EXAMPLE = "SW1A 1AA"


class PostcodeKind(StrEnum):
    """How much of a postcode was given."""

    FULL = "full"
    SECTOR = "sector"
    DISTRICT = "district"


class PostcodeFormatError(ValueError):
    """The text is not shaped like a UK postcode; the message can be shown to the public."""


class ParsedPostcode(NamedTuple):
    """A well-formed postcode or partial postcode, split into its parts."""

    kind: PostcodeKind
    outward: str
    sector_digit: str | None = None
    unit: str | None = None

    @property
    def normalised(self) -> str:
        """The canonical text form: ``SW1A 1AA``, ``KT1 2`` or ``KT1``."""
        if self.sector_digit is None:
            return self.outward
        return f"{self.outward} {self.sector_digit}{self.unit or ''}"

    @property
    def area(self) -> str:
        """The postcode area: the leading letters of the outward code (``SW``, ``B``)."""
        return _area(self.outward)

    @property
    def sector(self) -> str | None:
        """The sector key (``KT1 2``), or None for a district."""
        if self.sector_digit is None:
            return None
        return f"{self.outward} {self.sector_digit}"


def _area(outward: str) -> str:
    end = 0
    while end < len(outward) and outward[end].isalpha():
        end += 1
    return outward[:end]


def parse_postcode(text: object, *, allow_partial: bool = True) -> ParsedPostcode:
    """Parse typed text into a postcode; raise PostcodeFormatError with a public message."""
    if not isinstance(text, str):
        raise PostcodeFormatError(f"Enter a postcode, like {EXAMPLE}")
    stripped = text.strip()
    if len(stripped) <= 8 and stripped.isascii():
        match = FAST_RE.fullmatch(stripped.upper())
        if match is not None:
            return ParsedPostcode(PostcodeKind.FULL, match[1], match[2], match[3])
    return _parse_slow(stripped, allow_partial=allow_partial)


def _parse_slow(stripped: str, *, allow_partial: bool) -> ParsedPostcode:
    if not stripped:
        raise PostcodeFormatError(f"Enter a postcode, like {EXAMPLE}")
    if len(stripped) > MAX_INPUT_LENGTH:
        raise PostcodeFormatError(f"That is too long to be a postcode. Enter one like {EXAMPLE}")
    # NFKC folds full-width letters and odd spaces into plain ASCII where there is an equivalent.
    folded = unicodedata.normalize("NFKC", stripped).translate(_SEPARATORS)
    tokens = folded.split()
    if not all(token.isascii() for token in tokens):
        raise PostcodeFormatError(f"A postcode has only letters and numbers, like {EXAMPLE}")
    tokens = [token.upper() for token in tokens]
    compact = "".join(tokens)
    if not compact:
        raise PostcodeFormatError(f"Enter a postcode, like {EXAMPLE}")
    if not _ALLOWED.issuperset(compact):
        raise PostcodeFormatError(f"A postcode has only letters and numbers, like {EXAMPLE}")
    full = _match_full(compact)
    if full is not None:
        return full
    partial = _match_partial(tokens, compact)
    if partial is not None:
        if not allow_partial:
            raise PostcodeFormatError(f"Enter your full postcode, like {EXAMPLE}")
        return partial
    raise PostcodeFormatError(f"Enter a real postcode, like {EXAMPLE}")


def _match_full(compact: str) -> ParsedPostcode | None:
    match = _FULL_RE.fullmatch(compact)
    if match is None and len(compact) >= 5 and compact[-3] in _INWARD_DIGIT_TYPOS:
        fixed = compact[:-3] + _INWARD_DIGIT_TYPOS[compact[-3]] + compact[-2:]
        match = _FULL_RE.fullmatch(fixed)
    if match is None:
        return None
    return ParsedPostcode(PostcodeKind.FULL, match[1], match[2], match[3])


def _match_partial(tokens: list[str], compact: str) -> ParsedPostcode | None:
    # "KT1 2" typed with a space is a sector; "KT12" without one is the district KT12.
    if len(tokens) == 2 and len(tokens[1]) == 1 and tokens[1].isdigit():
        if _OUTWARD_RE.fullmatch(tokens[0]):
            return ParsedPostcode(PostcodeKind.SECTOR, tokens[0], tokens[1])
    if _OUTWARD_RE.fullmatch(compact):
        return ParsedPostcode(PostcodeKind.DISTRICT, compact)
    match = _SECTOR_RE.fullmatch(compact)
    if match is not None:
        return ParsedPostcode(PostcodeKind.SECTOR, match[1], match[2])
    return None


def normalise_postcode(text: str, *, allow_partial: bool = True) -> str:
    """Return the canonical form of a postcode (``SW1A 1AA``, or ``KT1 2``/``KT1`` if partial).

    Raises PostcodeFormatError (a ValueError) whose message is fit to show the person who typed it.
    """
    return parse_postcode(text, allow_partial=allow_partial).normalised
