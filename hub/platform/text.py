"""Which characters free text may hold: one table, used by the check and by the OpenAPI pattern.

Refused: control characters (Unicode Cc) and the format characters of the Basic Multilingual
Plane (Cf: bidirectional overrides, zero-width spaces, the byte-order mark, ...). Everything
else is allowed, including characters a newer Unicode assigns and emoji sequences (flags use
the astral tag characters). Newlines and tabs are allowed where a field says so.

Lone surrogates (Cs) are refused too, by ``has_forbidden_chars`` alone: they cannot be stored as
UTF-8, and a UTF-8 regex engine (the OpenAPI pattern's readers) cannot even name them.
"""

from __future__ import annotations

import re

# Unicode 14 categories Cc and Cf (BMP), as inclusive code point ranges.
FORBIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
)


def _ranges(allow_newlines: bool) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for low, high in FORBIDDEN_RANGES:
        if allow_newlines and low <= ord("\t") and ord("\r") <= high:
            # Carve tab (09), line feed (0A) and carriage return (0D) out of the C0 range.
            out += [(low, 0x08), (0x0B, 0x0C), (0x0E, high)]
        else:
            out.append((low, high))
    return out


def forbidden_class_body(allow_newlines: bool) -> str:
    """The inside of a regex character class of the refused characters (``\\uXXXX`` escapes,
    read the same by Python's ``re`` and by ECMA-262, the dialect of OpenAPI patterns)."""
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}"
        for low, high in _ranges(allow_newlines)
    )


def text_pattern(*, allow_newlines: bool, required: bool) -> str:
    """The pattern of a free-text answer; a required one needs a character that is not space."""
    allowed = f"[^{forbidden_class_body(allow_newlines)}]"
    if not required:
        return f"^{allowed}*$"
    visible = f"[^\\s{forbidden_class_body(allow_newlines)}]"
    return f"^{allowed}*{visible}{allowed}*$"


_FORBIDDEN = {
    allow: re.compile(f"[{forbidden_class_body(allow)}\\ud800-\\udfff]") for allow in (False, True)
}


def has_forbidden_chars(text: str, *, allow_newlines: bool) -> bool:
    return _FORBIDDEN[allow_newlines].search(text) is not None
