"""Submit an enquiry: store it, its outbox row and its first journey event in one transaction.

The same statements on SQLite and PostgreSQL: prebuilt Core inserts (intake's hot path skips
the ORM's unit of work). The route task is published after the commit by the session's outbox
hook; if the broker is down the sweeper publishes it later, and the 202 stands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from hub.access.caller import ENQUIRER
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import CONNECTED_INTEREST, Enquiry, EnquiryStatus
from hub.enquiries.references import new_reference
from hub.enquiries.search_keys import search_keys_of
from hub.intake.models import IdempotencyRecord
from hub.platform.db import Database
from hub.platform.errors import IdempotencyConflictError
from hub.platform.metrics import ENQUIRIES_ACCEPTED
from hub.platform.models import table_of, utcnow
from hub.platform.outbox import add_outbox_message
from hub.platform.queues import TaskName

PERSONAL_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "postcode",
    "preferred_contact",
    "best_time",
    "household",
    "message",
    "screening",
    "child_postcode",
)


# Prebuilt Core statements: intake's hot path skips the ORM's unit of work and SQL compiling.
_INSERT_KEY = table_of(IdempotencyRecord).insert()
_INSERT_ENQUIRY = table_of(Enquiry).insert().returning(table_of(Enquiry).c.id)
_INSERT_EVENT = table_of(JourneyEvent).insert()


@dataclass(frozen=True, slots=True)
class SubmitResult:
    status_code: int
    body: dict[str, Any]
    outbox_id: int | None  # None when this was a replay of an earlier request
    enquiry_id: int | None = None


def request_fingerprint(payload: Any) -> str:
    """A stable hash of a request body, to tell a true retry from a reused key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_enquiry(
    db: Database,
    data: dict[str, Any],
    *,
    status_url_for: Any,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
    ttl: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> SubmitResult:
    """Store a validated enquiry; with an idempotency key, a retry returns the first answer."""
    now = now or utcnow()
    if idempotency_key:
        replay = _replay(db, idempotency_key, request_hash or "", now)
        if replay is not None:
            return replay
    for _ in range(5):
        reference = new_reference()
        body = {
            "reference": reference,
            "status": EnquiryStatus.RECEIVED,
            "status_url": status_url_for(reference),
        }
        try:
            with db.transaction() as session:
                conn = session.connection()
                if idempotency_key:
                    # Inserted first, so a concurrent request with the same key waits on this
                    # row's unique constraint and then fails instead of storing a second enquiry.
                    conn.execute(
                        _INSERT_KEY,
                        {
                            "key": idempotency_key,
                            "request_hash": request_hash or "",
                            "status_code": 202,
                            "response_body": body,
                            "created_at": now,
                            "expires_at": now + ttl,
                        },
                    )
                enquiry_id = conn.execute(
                    _INSERT_ENQUIRY, _enquiry_values(data, reference, now)
                ).scalar_one()
                # Published by the session's after-commit hook (hub.platform.outbox).
                outbox_id = add_outbox_message(
                    session, TaskName.ROUTE_ENQUIRY, enquiry_id, f"route:{enquiry_id}", at=now
                )
                conn.execute(
                    _INSERT_EVENT,
                    {
                        "enquiry_id": enquiry_id,
                        "event": JourneyEventName.RECEIVED,
                        "at": now,
                        "actor": ENQUIRER.actor,
                        "detail": {"interest": data["interest"]},
                    },
                )
            ENQUIRIES_ACCEPTED.inc()
            return SubmitResult(202, body, outbox_id, enquiry_id)
        except IntegrityError:
            if idempotency_key:
                replay = _replay(db, idempotency_key, request_hash or "", now)
                if replay is not None:
                    return replay
            # Otherwise a reference collision (40 random bits): draw again.
    raise RuntimeError("could not allocate a unique reference")


def _replay(db: Database, key: str, request_hash: str, now: datetime) -> SubmitResult | None:
    with db.transaction() as session:
        record = session.get(IdempotencyRecord, key)
        if record is None:
            return None
        if record.expires_at <= now:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key == key))
            return None
        if record.request_hash != request_hash:
            raise IdempotencyConflictError(
                "Use a new Idempotency-Key for a different enquiry, or resend the same body."
            )
        return SubmitResult(record.status_code, dict(record.response_body), None)


def _enquiry_values(data: dict[str, Any], reference: str, now: datetime) -> dict[str, Any]:
    personal = {k: data[k] for k in PERSONAL_FIELDS if k in data}
    if data.get("child_authority"):
        # The council the enquirer named decides; the child's postcode is not kept beside it.
        personal.pop("child_postcode", None)
    consent = data["consent"]
    campaign = dict(data.get("campaign") or {})
    heard_from = campaign.pop("heard_from", None) or None
    return dict(
        reference=reference,
        status=EnquiryStatus.RECEIVED,
        status_changed_at=now,
        created_at=now,
        personal=personal,
        # The Core insert skips the model's validator: the blind indexes are set here.
        **search_keys_of(personal),
        special_category=data.get("special_category") or None,
        interest=data["interest"],
        preferred_authority_code=data.get("preferred_authority"),
        home_authority_code=data.get("home_authority"),
        connected_person=data["interest"] == CONNECTED_INTEREST,
        child_authority_code=data.get("child_authority"),
        campaign=campaign,
        heard_from=heard_from,
        consent_privacy_notice=bool(consent["privacy_notice"]),
        consent_keep_in_touch=bool(consent["keep_in_touch"]),
    )
