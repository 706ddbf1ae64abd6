"""How staff pages show codes, times and answers to people (Jinja filters and globals)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask

from hub.geo import find_authority_name
from hub.tracking.calendar import ENGLAND


def humanise(value: object) -> str:
    """``first_contact`` -> ``First contact`` (codes shown to people)."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def local_time(value: object) -> str:
    """An instant as England's local time, ``2 December 2026, 14:05``; blank for None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}"
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    moment = value.astimezone(ENGLAND) if value.tzinfo is not None else value
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}"


def select_items(
    values: Iterable[object], selected: object = "", blank: str | None = None
) -> list[dict[str, Any]]:
    """Items for govukSelect: each code with its words, ``blank`` first when given."""
    items: list[dict[str, Any]] = [{"value": "", "text": blank}] if blank is not None else []
    for value in values:
        items.append(
            {"value": str(value), "text": humanise(value), "selected": str(value) == selected}
        )
    return items


def deadline(value: object) -> str:
    """A due time (the first instant after its day) as the day it ends: ``End of 3 December``."""
    if not isinstance(value, datetime):
        return local_time(value)
    return "End of " + local_time((value - timedelta(microseconds=1)).astimezone(ENGLAND).date())


ENQUIRER_ORDER = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "preferred_contact",
    "best_time",
    "postcode",
    "household",
    "message",
)


def _words(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)}: {_words(v).lower()}" for k, v in value.items())
    return str(value)


def enquirer_rows(personal: dict[str, Any]) -> list[dict[str, Any]]:
    """The enquirer's answers as govukSummaryList rows, in the form's order."""
    keys = [k for k in ENQUIRER_ORDER if k in personal]
    keys += sorted(k for k in personal if k not in ENQUIRER_ORDER)
    rows = []
    for key in keys:
        value = personal[key]
        text = humanise(value) if key in ("preferred_contact", "best_time") else _words(value)
        rows.append({"key": {"text": humanise(key)}, "value": {"text": text}})
    return rows


def council_name(code: object) -> str:
    """A council's name for its code; the code itself (or nothing) when it names no council."""
    return find_authority_name(code) or str(code or "")


def register_staff_format(app: Flask) -> None:
    app.add_template_filter(humanise, "humanise")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(deadline, "deadline")
    app.add_template_global(council_name, "council_name")
    app.add_template_global(select_items, "select_items")
    app.add_template_global(enquirer_rows, "enquirer_rows")
