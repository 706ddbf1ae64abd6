"""How staff pages show codes, times and answers to people (Jinja filters and globals)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask

from hub.geo import find_authority_name
from hub.intake.labels import (
    AGE_BAND_LABELS,
    FOSTERING_NOW_LABELS,
    INTEREST_LABELS,
    RIGHT_TO_LIVE_LABELS,
)
from hub.tracking.calendar import ENGLAND


def humanise(value: object) -> str:
    """``first_contact`` -> ``First contact`` (codes shown to people)."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def interest_words(value: object) -> str:
    """An interest code in the words the enquirer chose it by (unknown codes humanised)."""
    return INTEREST_LABELS.get(str(value or ""), humanise(value))


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
        if key == "screening" and isinstance(value, dict):
            text = screening_words(value)
        elif key in ("preferred_contact", "best_time"):
            text = humanise(value)
        else:
            text = _words(value)
        rows.append({"key": {"text": humanise(key)}, "value": {"text": text}})
    return rows


# The optional screening answers, in the words the enquirer chose them by.
_SCREENING = {
    "age_band": ("Age", AGE_BAND_LABELS),
    "fostering_now": ("Already fostering", FOSTERING_NOW_LABELS),
    "right_to_live_in_uk": ("Right to live in the UK", RIGHT_TO_LIVE_LABELS),
}


def screening_words(answers: dict[str, Any]) -> str:
    """``{"age_band": "under_21"}`` -> ``Age: Under 21`` (unknown keys humanised)."""
    parts = []
    for key, value in answers.items():
        name, labels = _SCREENING.get(key, (humanise(key), {}))
        parts.append(f"{name}: {labels.get(str(value), humanise(value))}")
    return "; ".join(parts)


def council_name(code: object) -> str:
    """A council's name for its code; the code itself (or nothing) when it names no council."""
    return find_authority_name(code) or str(code or "")


# A council's GSS code (E06000035), alone or after its name in brackets.
_COUNCIL_CODE = re.compile(r"(?:\s\()?\b([EWSN]\d{8})\b(?:\))?")
# A snake_case code (first_contact, chose_another_fostering_service).
# (Not inside an address, a path or a URL: those are shown as they are.)
_SNAKE_CODE = re.compile(r"(?<![/@.\w-])[a-z]+(?:_[a-z0-9]+)+(?![/@\w-])")


def staff_words(text: object) -> str:
    """Stored or machine words as staff read them: council codes as names (a code after its
    council's name is dropped), snake_case codes as words."""

    def council(match: re.Match[str]) -> str:
        whole, code = match.group(0), match.group(1)
        if whole.startswith((" (", "\t(", "\n(")) and whole.endswith(")"):
            return ""  # "Medway (E06000035)": the name is there already
        return council_name(code)

    words = _COUNCIL_CODE.sub(council, str(text or ""))
    return _SNAKE_CODE.sub(lambda match: match.group(0).replace("_", " "), words)


def actor_words(actor: object) -> str:
    """Who made a decision or recorded a step, in words (never an account number)."""
    text = str(actor or "")
    if text == "router":
        return "the hub, by its rules"
    if text.startswith("user:"):
        return "a staff member"
    if text.startswith("token:"):
        return "a council's system (API)"
    return staff_words(text)


# What each delivery event means, for the notifications and deliveries pages.
EVENT_WORDS = {
    "referral.routed": "New referral",
    "referral.returned": "Referral returned to the hub",
    "home_council.notice": "Home-council notice",
    "home_council.consultation": "Home council to be consulted on an application",
    "triage.added": "Enquiry waiting in triage",
    "clock.breached": "Deadline missed",
    "follow_up.due": "Follow-up due",
    "delivery.failing": "Deliveries failing",
    "delivery.refused": "Delivery refused",
    "enquiry.confirmed": "Enquirer's confirmation e-mail",
    "enquiry.transferred": "Enquirer told of a transfer",
    "hub.test": "Test event",
}


def event_words(event_type: object) -> str:
    """A delivery's event type in words (``referral.routed`` -> ``New referral``)."""
    text = str(event_type or "")
    return EVENT_WORDS.get(text) or humanise(text.replace(".", " "))


def register_staff_format(app: Flask) -> None:
    app.add_template_filter(humanise, "humanise")
    app.add_template_filter(interest_words, "interest_words")
    app.add_template_filter(staff_words, "staff_words")
    app.add_template_filter(actor_words, "actor_words")
    app.add_template_filter(event_words, "event_words")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(deadline, "deadline")
    app.add_template_global(council_name, "council_name")
    app.add_template_global(select_items, "select_items")
    app.add_template_global(enquirer_rows, "enquirer_rows")
