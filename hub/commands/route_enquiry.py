"""Route an enquiry: resolve its postcode, apply the cluster rules, record the decision.

Everything happens in one transaction whose write is conditional on the enquiry still being
``received``, so a redelivered or duplicated task changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.db import Database
from hub.models import (
    Enquiry,
    EnquiryStatus,
    JourneyEvent,
    OutboxMessage,
    RoutingDecisionRecord,
)
from hub.models.base import utcnow
from hub.queues import TaskName
from hub.routing_adapter import Decision, decide_for

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RouteResult:
    enquiry_id: int
    changed: bool
    status: str


def route_enquiry(db: Database, enquiry_id: int, *, now: datetime | None = None) -> RouteResult:
    """Decide where an enquiry goes, exactly once in effect."""
    now = now or utcnow()
    with db.transaction() as session:
        enquiry = session.get(Enquiry, enquiry_id)
        if enquiry is None:
            log.warning("route.enquiry_missing", enquiry_id=enquiry_id)
            return RouteResult(enquiry_id, False, "missing")
        if enquiry.status != EnquiryStatus.RECEIVED:
            _complete_outbox(session, enquiry_id, now)
            return RouteResult(enquiry_id, False, enquiry.status)
        decision = decide_for(
            postcode=enquiry.personal.get("postcode"),
            preferred_authority=enquiry.preferred_authority_code,
            interest=enquiry.interest,
            at=now,
        )
        claimed = session.execute(
            update(Enquiry)
            .where(Enquiry.id == enquiry_id, Enquiry.status == str(EnquiryStatus.RECEIVED))
            .values(
                status=decision.status,
                status_changed_at=now,
                authority_code=decision.authority_code,
                authority_name=decision.authority_name,
                delivery_body=decision.delivery_body,
                cluster=decision.cluster,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            # Another run got here first; roll back so nothing of ours is written.
            session.rollback()
            return RouteResult(enquiry_id, False, "already_claimed")
        _record(session, enquiry_id, decision, now)
        _complete_outbox(session, enquiry_id, now)
    log.info(
        "route.decided",
        enquiry_id=enquiry_id,
        outcome=decision.status,
        authority=decision.authority_code,
        geography_version=decision.geography_version,
        rules_version=decision.rules_version,
    )
    return RouteResult(enquiry_id, True, decision.status)


def _record(session: Session, enquiry_id: int, decision: Decision, now: datetime) -> None:
    session.add(
        RoutingDecisionRecord(
            enquiry_id=enquiry_id,
            decided_at=now,
            outcome=decision.status,
            authority_code=decision.authority_code,
            cluster=decision.cluster,
            reason_code=decision.reason_code,
            home_council_code=decision.home_council_code,
            rules_version=decision.rules_version,
            geography_version=decision.geography_version,
            detail=decision.detail,
            explanation=decision.explanation,
        )
    )
    session.add(
        JourneyEvent(
            enquiry_id=enquiry_id,
            event=decision.status,
            at=now,
            actor="router",
            detail={
                "authority_code": decision.authority_code,
                "reason_code": decision.reason_code,
                "home_council_code": decision.home_council_code,
                "geography_version": decision.geography_version,
                "rules_version": decision.rules_version,
            },
        )
    )


def _complete_outbox(session: Session, enquiry_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.enquiry_id == enquiry_id,
            OutboxMessage.task_name == str(TaskName.ROUTE_ENQUIRY),
            OutboxMessage.completed_at.is_(None),
        )
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    )
