"""Send the enquiry a draft holds: once, whatever the browser does (refresh, Back, resubmit).

The draft's token is the one-time submission token. A draft already sent answers with the
enquiry it became; two requests racing with the same token meet in intake's idempotency key
(``web-form:<token hash>``, unguessable, so no API client can claim it first), and exactly one
enquiry is stored. The draft's answers are emptied in the same step that records the enquiry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.access.tokens import hash_token
from hub.enquiries.queries import find_enquiry_by_reference
from hub.geo import normalise_postcode
from hub.intake.submit import request_fingerprint, submit_enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.web.carer.drafts import RECEIPT_LIFE, find_draft
from hub.web.carer.questions import Page, check, first_unfinished


@dataclass(frozen=True, slots=True)
class Sent:
    """The enquiry exists (now, or from an earlier request with the same token)."""

    enquiry_id: int
    first_time: bool


@dataclass(frozen=True, slots=True)
class Unfinished:
    """Some answers are missing or wrong: the page to go back to."""

    page: Page


@dataclass(frozen=True, slots=True)
class Expired:
    """No live draft has this token (it expired, or never existed)."""


def send_enquiry(
    db: Database,
    token: str,
    *,
    status_url_for: Callable[[str], str],
    idempotency_ttl: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> Sent | Unfinished | Expired:
    """Store the draft's enquiry through intake's submit use case, exactly once."""
    now = now or utcnow()
    with db.sessions() as session:
        draft = find_draft(session, token, now=now)
        if draft is None:
            return Expired()
        if draft.enquiry_id is not None:
            return Sent(draft.enquiry_id, first_time=False)
        answers = dict(draft.answers)
    unfinished = first_unfinished(answers)
    if unfinished is not None:
        return Unfinished(unfinished)
    data, errors = check(answers)
    # Every page checked: what the whole body could still refuse (none today) is a bug.
    assert data is not None, errors
    fingerprint = request_fingerprint(answers)
    return _store(db, token, data, fingerprint, status_url_for, idempotency_ttl, now)


# What a signposted person is never asked, stored as the schema's neutral answers: the columns
# need a value, and none of these is a fact about the person.
_SIGNPOSTED_DEFAULTS: dict[str, Any] = {
    "interest": "not_sure",
    "preferred_contact": "email",
    "consent": {"privacy_notice": False, "keep_in_touch": False},
}


def send_signposted(
    db: Database,
    token: str,
    email: str,
    *,
    status_url_for: Callable[[str], str],
    idempotency_ttl: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> Sent | Expired:
    """Store the least an outside-England person asked for: their postcode and e-mail address.

    Only when they ask for the signpost by e-mail; the router signposts it (the confirmation
    e-mail is sent with that decision) and retention anonymises it after
    ``HUB_SIGNPOSTED_RETENTION_DAYS``. No name, phone or answer about fostering is kept.
    """
    now = now or utcnow()
    with db.sessions() as session:
        draft = find_draft(session, token, now=now)
        if draft is None:
            return Expired()
        if draft.enquiry_id is not None:
            return Sent(draft.enquiry_id, first_time=False)
        postcode = str(draft.answers.get("postcode", ""))
    data = {**_SIGNPOSTED_DEFAULTS, "postcode": normalise_postcode(postcode), "email": email}
    fingerprint = request_fingerprint({"postcode": postcode, "email": email})
    return _store(db, token, data, fingerprint, status_url_for, idempotency_ttl, now)


def _store(
    db: Database,
    token: str,
    data: dict[str, Any],
    fingerprint: str,
    status_url_for: Callable[[str], str],
    idempotency_ttl: timedelta,
    now: datetime,
) -> Sent:
    """Submit ``data`` as the draft's one enquiry and turn the draft into its receipt."""
    result = submit_enquiry(
        db,
        data,
        status_url_for=status_url_for,
        idempotency_key=f"web-form:{hash_token(token)}",
        request_hash=fingerprint,
        ttl=idempotency_ttl,
        now=now,
    )
    with db.transaction() as session:
        enquiry_id = result.enquiry_id
        if enquiry_id is None:  # a replay: the racing request stored it
            enquiry = find_enquiry_by_reference(session, result.body["reference"])
            assert enquiry is not None
            enquiry_id = enquiry.id
        draft = find_draft(session, token, now=now, for_update=True)
        if draft is not None and draft.enquiry_id is None:
            draft.enquiry_id = enquiry_id
            draft.answers = {}
            draft.submitted_at = now
            draft.expires_at = now + RECEIPT_LIFE
    return Sent(enquiry_id, first_time=result.outbox_id is not None)
