"""Writing the changes feed, in the transaction of the change itself.

Every writer of something a council's case system should hear about calls ``record_change``
(or ``record_changes`` for one event seen by two councils, such as a transfer) next to its
audit row. A new kind of change is a new ``ChangeKind`` member and one call where it is
written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.changes.models import ChangeCounter, CouncilChange
from hub.platform.models import table_of


class ChangeKind(StrEnum):
    ROUTED_IN = "referral.routed_in"  # a referral reached this council (routed or transferred)
    TRANSFERRED_OUT = "referral.transferred_out"  # it left for another council
    RETURNED_TO_HUB = "referral.returned_to_hub"  # it went back to the hub's triage
    OWNER_CHANGED = "referral.owner_changed"
    CONTACT_ATTEMPT = "referral.contact_attempt"
    STAGE_RECORDED = "journey.stage_recorded"
    FOLLOW_UP_OUTCOME = "journey.follow_up_outcome"
    BOOKING_MADE = "referral.booking_made"  # an initial visit or information session booked
    BOOKING_CHANGED = "referral.booking_changed"  # moved, cancelled, or its outcome recorded


@dataclass(frozen=True, slots=True)
class Change:
    authority_code: str
    kind: ChangeKind
    enquiry_id: int
    reference: str
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


def record_change(
    session: Session,
    kind: ChangeKind,
    *,
    authority_code: str | None,
    enquiry_id: int,
    reference: str,
    at: datetime,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Add one change to ``authority_code``'s feed (nothing when no council holds it)."""
    if authority_code:
        record_changes(
            session, [Change(authority_code, kind, enquiry_id, reference, at, detail or {})]
        )


def record_changes(session: Session, changes: list[Change]) -> None:
    """Add ``changes``, taking each council's counter in code order (so two transactions that
    touch the same two councils wait for each other instead of deadlocking)."""
    for change in sorted(changes, key=lambda c: c.authority_code):
        session.add(
            CouncilChange(
                authority_code=change.authority_code,
                seq=_next_seq(session, change.authority_code),
                kind=str(change.kind),
                enquiry_id=change.enquiry_id,
                reference=change.reference,
                occurred_at=change.at,
                detail=dict(change.detail),
            )
        )


def _next_seq(session: Session, authority_code: str) -> int:
    """The council's next number: one atomic statement that also locks its counter row until
    this transaction ends (PostgreSQL: the row lock; SQLite: the one writer)."""
    table = table_of(ChangeCounter)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(authority_code=authority_code, last_seq=1)
        .on_conflict_do_update(
            index_elements=[table.c.authority_code],
            set_={"last_seq": table.c.last_seq + 1},
        )
        .returning(table.c.last_seq)
    )
    seq = session.execute(statement).scalar_one()
    return int(seq)
