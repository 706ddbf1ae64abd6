"""Submit an enquiry: store it, its outbox row and its first journey event in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, Select, String, bindparam, delete, insert, literal, select
from sqlalchemy.exc import IntegrityError

from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.references import new_reference
from hub.intake.models import IdempotencyRecord
from hub.platform.db import Database
from hub.platform.errors import IdempotencyConflictError
from hub.platform.models import UTCDateTime, table_of, utcnow
from hub.platform.outbox_model import OutboxMessage
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
)


# Prebuilt Core statements: intake's hot path skips the ORM's unit of work and SQL compiling.
_INSERT_KEY = table_of(IdempotencyRecord).insert()
_INSERT_ENQUIRY = table_of(Enquiry).insert().returning(table_of(Enquiry).c.id)
_INSERT_OUTBOX = table_of(OutboxMessage).insert().returning(table_of(OutboxMessage).c.id)
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
            "status": str(EnquiryStatus.RECEIVED),
            "status_url": status_url_for(reference),
        }
        try:
            if db.engine.dialect.name == "postgresql":
                enquiry_id, outbox_id = _store_in_one_statement(
                    db, data, reference, body, now, idempotency_key, request_hash, ttl
                )
                return SubmitResult(202, body, outbox_id, enquiry_id)
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
                # Prebuilt Core statements: the ORM's unit of work costs more than intake itself.
                enquiry_id = conn.execute(
                    _INSERT_ENQUIRY, _enquiry_values(data, reference, now)
                ).scalar_one()
                # Marked published in the same transaction: the publish follows the commit, and
                # if it fails the row is reset so the sweeper takes it (see publish_committed).
                outbox_id = conn.execute(
                    _INSERT_OUTBOX,
                    {
                        "enquiry_id": enquiry_id,
                        "task_name": str(TaskName.ROUTE_ENQUIRY),
                        "created_at": now,
                        "published_at": now,
                        "attempts": 1,
                    },
                ).scalar_one()
                conn.execute(
                    _INSERT_EVENT,
                    {
                        "enquiry_id": enquiry_id,
                        "event": "received",
                        "at": now,
                        "actor": "enquirer",
                        "detail": {"interest": data["interest"]},
                    },
                )
                return SubmitResult(202, body, outbox_id, enquiry_id)
        except IntegrityError:
            if idempotency_key:
                replay = _replay(db, idempotency_key, request_hash or "", now)
                if replay is not None:
                    return replay
            # Otherwise a reference collision (40 random bits): draw again.
    raise RuntimeError("could not allocate a unique reference")


def _one_statement(with_key: bool) -> Select[Any]:
    """The PostgreSQL intake statement, built once with bind parameters."""
    enquiries, outbox, events = table_of(Enquiry), table_of(OutboxMessage), table_of(JourneyEvent)
    stamp = UTCDateTime()
    enquiry = (
        insert(enquiries)
        .values(
            {
                name: bindparam(f"e_{name}", type_=enquiries.c[name].type)
                for name in (*_ENQUIRY_COLUMNS, "row_version")
            }
        )
        .returning(enquiries.c.id)
        .cte("new_enquiry")
    )
    message = (
        insert(outbox)
        .from_select(
            ["enquiry_id", "task_name", "created_at", "published_at", "attempts"],
            select(
                enquiry.c.id,
                literal(str(TaskName.ROUTE_ENQUIRY), String()),
                bindparam("o_now", type_=stamp),
                bindparam("o_published", type_=stamp),
                literal(1, Integer()),
            ),
        )
        .returning(outbox.c.enquiry_id, outbox.c.id)
        .cte("new_outbox")
    )
    event = (
        insert(events)
        .from_select(
            ["enquiry_id", "event", "at", "actor", "detail"],
            select(
                enquiry.c.id,
                literal("received", String()),
                bindparam("j_at", type_=stamp),
                literal("enquirer", String()),
                bindparam("j_detail", type_=JSON()),
            ),
        )
        .cte("new_event")
    )
    statement = select(message.c.enquiry_id, message.c.id).add_cte(event)
    if with_key:
        keys = table_of(IdempotencyRecord)
        key = insert(keys).values(
            {name: bindparam(f"k_{name}", type_=keys.c[name].type) for name in keys.c.keys()}
        )
        statement = statement.add_cte(key.cte("new_key"))
    return statement


_ENQUIRY_COLUMNS = (
    "reference",
    "status",
    "status_changed_at",
    "created_at",
    "personal",
    "special_category",
    "interest",
    "preferred_authority_code",
    "campaign",
    "consent_privacy_notice",
    "consent_keep_in_touch",
)
_STORE = {False: _one_statement(False), True: _one_statement(True)}


def _store_in_one_statement(
    db: Database,
    data: dict[str, Any],
    reference: str,
    body: dict[str, Any],
    now: datetime,
    idempotency_key: str | None,
    request_hash: str | None,
    ttl: timedelta,
) -> tuple[int, int]:
    """PostgreSQL: key, enquiry, outbox row and event in one statement (one round trip).

    A single statement is atomic on its own, so it runs in autocommit: no BEGIN or COMMIT
    round trips. A concurrent request with the same key waits on the key's primary key and then
    fails with IntegrityError, exactly as in the multi-statement path.
    """
    params: dict[str, Any] = {
        f"e_{name}": value for name, value in _enquiry_values(data, reference, now).items()
    }
    params.update(
        e_row_version=1,
        o_now=now,
        o_published=now,
        j_at=now,
        j_detail={"interest": data["interest"]},
    )
    if idempotency_key:
        params.update(
            k_key=idempotency_key,
            k_request_hash=request_hash or "",
            k_status_code=202,
            k_response_body=body,
            k_created_at=now,
            k_expires_at=now + ttl,
        )
    with db.autocommit() as conn:
        row = conn.execute(_STORE[bool(idempotency_key)], params).one()
    return int(row[0]), int(row[1])


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
    consent = data["consent"]
    return dict(
        reference=reference,
        status=str(EnquiryStatus.RECEIVED),
        status_changed_at=now,
        created_at=now,
        personal=personal,
        special_category=data.get("special_category") or None,
        interest=data["interest"],
        preferred_authority_code=data.get("preferred_authority"),
        campaign=data.get("campaign") or {},
        consent_privacy_notice=bool(consent["privacy_notice"]),
        consent_keep_in_touch=bool(consent["keep_in_touch"]),
    )


def find_enquiry_status(db: Database, reference: str) -> Enquiry | None:
    """The enquiry with this reference, for its public status page (no personal data used)."""
    with db.sessions() as session:
        return session.scalars(select(Enquiry).where(Enquiry.reference == reference)).first()
