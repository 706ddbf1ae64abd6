"""Everything the suite's receivers and mail sinks got, for the personal-data check."""

from __future__ import annotations

import json
import threading
from email import policy
from email.parser import BytesParser

from hub.delivery.confirmation_mail import SUBJECT_START

_lock = threading.Lock()
SENT: list[bytes] = []
SUBMITTED: list[dict[str, str]] = []


def record_sent(raw: bytes) -> None:
    with _lock:
        SENT.append(bytes(raw))


def record_mail(raw: bytes) -> None:
    """An e-mail as written. Only an enquirer's confirmation may name its own recipient: its
    To header is left out of the check when it is a submitted address and the subject is a
    confirmation's; council and operator mail is checked whole, headers and all."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    to = str(message["To"] or "").strip().lower()
    subject = str(message["Subject"] or "").strip()
    if to in enquirer_addresses() and subject.startswith(SUBJECT_START):
        del message["To"]
        raw = message.as_bytes()
    record_sent(raw)


def record_notify_request(raw: bytes) -> None:
    """A request to GOV.UK Notify: ``email_address`` is left out of the check under the same
    condition as a written e-mail's To header."""
    body = json.loads(raw)
    subject = str(body.get("personalisation", {}).get("subject", ""))
    address = str(body.get("email_address", "")).strip().lower()
    if address in enquirer_addresses() and subject.startswith(SUBJECT_START):
        body.pop("email_address")
        raw = json.dumps(body).encode()
    text = str(body.get("personalisation", {}).get("body", ""))
    if "phone_number" in body and text.startswith(SUBJECT_START):
        # An enquirer's confirmation text is addressed to their phone and says nothing else of
        # them (the rest of the request is still checked).
        body.pop("phone_number")
        raw = json.dumps(body).encode()
    record_sent(raw)


def enquirer_addresses() -> set[str]:
    with _lock:
        return {str(body.get("email", "")).strip().lower() for body in SUBMITTED}


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
