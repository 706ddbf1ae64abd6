"""The hub operator's work: the triage queue, routing by hand, and the decision history."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import and_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import RequestContext, add_audit_event, record_refusal
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.references import is_reference
from hub.platform.db import Database
from hub.platform.errors import (
    ActionNotAllowedError,
    ConcurrentChangeError,
    HubError,
    NotFoundError,
    RoutingRefusedError,
)
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.models import RoutingDecisionRecord
from hub.triage.manual_routing import apply_route, decision_record, plan_manual_route

log = structlog.get_logger(__name__)

_CURSOR_KIND = "triage"


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
        .where(Enquiry.status == str(EnquiryStatus.TRIAGE))
        .order_by(Enquiry.created_at, Enquiry.id)
        .limit(limit + 1)
    )
    if cursor:
        after_at, after_id = decode_cursor(_CURSOR_KIND, cursor)
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
        next_cursor = encode_cursor(_CURSOR_KIND, last.created_at, last.id)
    return {"items": items, "next_cursor": next_cursor}


def route_by_hand(
    db: Database, ctx: RequestContext, reference: str, *, target: str, reason: str
) -> dict[str, Any]:
    """Send a triage enquiry to ``target``: stored as a decision by the operator, audited."""
    refusal: HubError | None = None
    try:
        with db.transaction() as session:
            enquiry = (
                session.scalars(
                    select(Enquiry).where(Enquiry.reference == reference).with_for_update()
                ).first()
                if is_reference(reference)
                else None
            )
            if enquiry is None:
                refusal = NotFoundError("No enquiry has this reference.")
            elif enquiry.status != EnquiryStatus.TRIAGE:
                refusal = ActionNotAllowedError(
                    f"The enquiry is {enquiry.status}; only enquiries in triage are routed by hand."
                )
            else:
                words = f"A hub operator ({ctx.caller.actor}) routed this by hand: {reason}"
                try:
                    decision = plan_manual_route(enquiry, target, ctx.now, words)
                except RoutingRefusedError as exc:
                    refusal = exc
                else:
                    apply_route(enquiry, decision, ctx.now)
                    session.add(
                        decision_record(
                            enquiry.id, decision, decided_by=ctx.caller.actor, reason_code="manual"
                        )
                    )
                    session.add(
                        JourneyEvent(
                            enquiry_id=enquiry.id,
                            event="routed",
                            at=ctx.now,
                            actor=ctx.caller.actor,
                            detail={"authority_code": target, "reason_code": "manual"},
                        )
                    )
                    add_audit_event(
                        session,
                        ctx,
                        AuditAction.ROUTE_MANUALLY,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=target,
                        detail={"to": target},
                    )
                    session.flush()
                    log.info("triage.routed_by_hand", reference=reference, authority=target)
                    return {
                        "reference": enquiry.reference,
                        "status": enquiry.status,
                        "authority_code": enquiry.authority_code,
                        "acknowledged_at": None,
                        "changed": True,
                    }
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the enquiry again and retry.") from exc
    assert refusal is not None
    outcome = AuditOutcome.DENIED if isinstance(refusal, NotFoundError) else AuditOutcome.REFUSED
    record_refusal(
        db, ctx, AuditAction.ROUTE_MANUALLY, reference, outcome=outcome, detail={"to": target}
    )
    raise refusal


def list_decisions(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Every routing decision for an enquiry, oldest first, with explanation and trace.

    The trace names the postcode, so the read is audited.
    """
    with db.transaction() as session:
        enquiry = (
            session.scalars(select(Enquiry).where(Enquiry.reference == reference)).first()
            if is_reference(reference)
            else None
        )
        if enquiry is not None:
            records = session.scalars(
                select(RoutingDecisionRecord)
                .where(RoutingDecisionRecord.enquiry_id == enquiry.id)
                .order_by(RoutingDecisionRecord.decided_at, RoutingDecisionRecord.id)
            ).all()
            add_audit_event(
                session, ctx, AuditAction.READ_DECISIONS, AuditOutcome.OK, enquiry=enquiry
            )
            return {
                "reference": enquiry.reference,
                "decisions": [
                    {
                        "decided_at": r.decided_at,
                        "decided_by": r.decided_by,
                        "outcome": r.outcome,
                        "authority_code": r.authority_code,
                        "cluster": r.cluster,
                        "reason_code": r.reason_code,
                        "home_council_code": r.home_council_code,
                        "rules_version": r.rules_version,
                        "geography_version": r.geography_version,
                        "explanation": r.explanation,
                        "trace": list((r.detail or {}).get("trace", [])),
                    }
                    for r in records
                ],
            }
    record_refusal(db, ctx, AuditAction.READ_DECISIONS, reference)
    raise NotFoundError("No enquiry has this reference.")
