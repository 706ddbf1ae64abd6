"""Everything the suite's receivers and mail sinks got, for the personal-data check."""

from __future__ import annotations

import threading

_lock = threading.Lock()
SENT: list[bytes] = []
SUBMITTED: list[dict[str, str]] = []


def record_sent(raw: bytes) -> None:
    with _lock:
        SENT.append(bytes(raw))


def record_submitted(body: dict[str, str]) -> None:
    with _lock:
        SUBMITTED.append(dict(body))


def personal_values() -> set[str]:
    """The enquirers' name, e-mail, phone and postcode (with and without its space)."""
    values: set[str] = set()
    for body in SUBMITTED:
        for key in ("given_name", "family_name", "email", "phone", "postcode"):
            value = str(body.get(key, "")).strip()
            if len(value) >= 3:
                values.add(value.lower())
                values.add(value.replace(" ", "").lower())
    return values


def leaks() -> list[tuple[str, str]]:
    """(value, excerpt) for every personal value found in anything sent so far."""
    found = []
    values = personal_values()
    with _lock:
        sent = list(SENT)
    for raw in sent:
        text = raw.decode("utf-8", "replace").lower()
        for value in values:
            if value in text:
                found.append((value, text[:200]))
    return found
