"""Reading a GOV.UK date input (three boxes: ``<prefix>-day``, ``-month``, ``-year``)."""

from __future__ import annotations

from datetime import date
from typing import Any

DATE_PARTS = ("day", "month", "year")


def date_parts(args: Any, prefix: str) -> list[str]:
    """The three boxes as typed (stripped), day first."""
    return [str(args.get(f"{prefix}-{part}", "")).strip() for part in DATE_PARTS]


def read_date(args: Any, prefix: str, words: str) -> tuple[date | None, str | None]:
    """The date in the three boxes, or the GOV.UK error message for them (``words`` names it)."""
    parts = date_parts(args, prefix)
    if not all(parts):
        return None, f"Enter the {words} date in full"
    if not all(p.isascii() and p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, f"The {words} date must be a real date, like 31 3 2026"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, f"The {words} date must be a real date, like 31 3 2026"
