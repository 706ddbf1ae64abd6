"""Whether a brand colour can carry white text: WCAG 2.2's contrast ratio, checked at start-up.

The header (and GOV.UK Frontend's other brand-coloured parts) put white text on the brand
colour, so the colour must reach WCAG 2.2 level AA for normal text, a contrast ratio of at least
4.5:1 (success criterion 1.4.3, "Contrast (Minimum)"; the ratio and relative luminance as that
criterion defines them).
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of a ``#rrggbb`` colour (0 for black, 1 for white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """The contrast ratio of white text on ``colour`` (1 to 21)."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def brand_colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot be the brand colour, or None when it can."""
    if not HEX_COLOUR.fullmatch(colour):
        return f"must be a colour written #rrggbb, like #006d77, got {colour!r}"
    ratio = contrast_with_white(colour)
    if ratio < AA_NORMAL_TEXT:
        return (
            f"{colour} has a contrast ratio of {ratio:.2f}:1 with white text; WCAG AA needs "
            f"{AA_NORMAL_TEXT}:1: choose a darker colour"
        )
    return None
