"""Reading a GOV.UK date input (three boxes: ``<prefix>-day``, ``-month``, ``-year``), and a
time of day typed in one box (``14:30``, ``2:30pm``, ``2pm``)."""

from __future__ import annotations

import re
from datetime import date, time
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


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def read_time(text: str, words: str) -> tuple[time | None, str | None]:
    """A time of day as people type it (24-hour ``14:30``, or ``2:30pm``, ``2pm``), or the
    error message for it (``words`` names it)."""
    typed = text.strip().lower().replace(" ", "")
    if not typed:
        return None, f"Enter the {words} time"
    found = _TIME.match(typed) if typed.isascii() else None
    if found is None:
        return None, f"Enter the {words} time like 14:30 or 2:30pm"
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = found.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            return None, f"Enter the {words} time like 14:30 or 2:30pm"
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif found.group(2) is None:
        return None, f"Enter the {words} time like 14:30 or 2:30pm"
    if hour > 23 or minute > 59:
        return None, f"The {words} time must be a real time, like 14:30"
    return time(hour, minute), None
