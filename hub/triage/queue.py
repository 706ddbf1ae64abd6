"""The triage queue: enquiries waiting for a person at the hub, with why they wait."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import and_, or_, select

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.platform.db import Database
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.models import RoutingDecisionRecord

log = structlog.get_logger(__name__)

TRIAGE_CURSOR = "triage"


def _latest_reason_code() -> Any:
    return (
        select(RoutingDecisionRecord.reason_code)
        .where(RoutingDecisionRecord.enquiry_id == Enquiry.id)
        .order_by(RoutingDecisionRecord.decided_at.desc(), RoutingDecisionRecord.id.desc())
        .limit(1)
        .correlate(Enquiry)
        .scalar_subquery()
    )


def list_triage(db: Database, *, limit: int = 25, cursor: str | None = None) -> dict[str, Any]:
    """Enquiries waiting for a person at the hub, oldest first, with why they wait."""
    reason = _latest_reason_code().label("reason_code")
    query = (
        select(Enquiry, reason)
        .where(Enquiry.status == EnquiryStatus.TRIAGE)
        .order_by(Enquiry.created_at, Enquiry.id)
        .limit(limit + 1)
    )
    if cursor:
        after_at, after_id = decode_cursor(TRIAGE_CURSOR, cursor)
        query = query.where(
            or_(
                Enquiry.created_at > after_at,
                and_(Enquiry.created_at == after_at, Enquiry.id > after_id),
            )
        )
    with db.sessions() as session:
        rows = session.execute(query).all()
    page = rows[:limit]
    items = [
        {
            "reference": enquiry.reference,
            "received_at": enquiry.created_at,
            "in_triage_since": enquiry.status_changed_at,
            "reason_code": reason_code,
            "interest": enquiry.interest,
            "preferred_authority_code": enquiry.preferred_authority_code,
        }
        for enquiry, reason_code in page
    ]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = encode_cursor(TRIAGE_CURSOR, last.created_at, last.id)
    return {"items": items, "next_cursor": next_cursor}
