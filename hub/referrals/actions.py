"""What a council does with a referral: acknowledge it, return it to the hub, transfer it.

Each action is one transaction that locks the enquiry row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises writers), changes status only through
``Enquiry.move_to`` and is guarded by the row version, so two concurrent actions cannot both
win. A referral outside the caller's scope is answered as not found and audited as denied.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import RequestContext, add_audit_event, record_refusal
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, RoutingRefusedError
from hub.referrals.inbox import find_referral_in_scope, referral_not_found
from hub.referrals.models import RoutingDecisionRecord
from hub.triage.manual_routing import apply_route, decision_record, plan_transfer

log = structlog.get_logger(__name__)

RETURN_REASON_WORDS = {
    "out_of_area": "the enquirer lives outside the council's area",
    "duplicate": "it duplicates another enquiry",
    "not_a_fostering_enquiry": "it is not an enquiry about fostering",
}


def action_result(enquiry: Enquiry, *, changed: bool) -> dict[str, Any]:
    return {
        "reference": enquiry.reference,
        "status": enquiry.status,
        "authority_code": enquiry.authority_code,
        "acknowledged_at": enquiry.acknowledged_at,
        "changed": changed,
    }


def acknowledge_referral(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Record that the council has the referral; idempotent (a repeat changes nothing)."""
    try:
        with db.transaction() as session:
            enquiry = find_referral_in_scope(session, ctx, reference, for_update=True)
            if enquiry is not None:
                repeat = enquiry.status == EnquiryStatus.ACKNOWLEDGED
                if not repeat:
                    enquiry.move_to(EnquiryStatus.ACKNOWLEDGED, ctx.now)
                    enquiry.acknowledged_at = ctx.now
                    session.add(
                        JourneyEvent(
                            enquiry_id=enquiry.id,
                            event="acknowledged",
                            at=ctx.now,
                            actor=ctx.caller.actor,
                            detail={"authority_code": enquiry.authority_code},
                        )
                    )
                add_audit_event(
                    session,
                    ctx,
                    AuditAction.ACKNOWLEDGE,
                    AuditOutcome.OK,
                    enquiry=enquiry,
                    visible_to=enquiry.authority_code,
                    detail={"repeat": repeat},
                )
                session.flush()
                return action_result(enquiry, changed=not repeat)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    record_refusal(db, ctx, AuditAction.ACKNOWLEDGE, reference)
    raise referral_not_found()


def return_referral(
    db: Database, ctx: RequestContext, reference: str, *, reason: str, note: str | None
) -> dict[str, Any]:
    """Send a referral back to the hub's triage with a reason code; the council loses it."""
    try:
        with db.transaction() as session:
            enquiry = find_referral_in_scope(session, ctx, reference, for_update=True)
            if enquiry is not None:
                sender = enquiry.authority_code
                sender_name = enquiry.authority_name or sender
                enquiry.move_to(EnquiryStatus.TRIAGE, ctx.now)
                enquiry.authority_code = None
                enquiry.authority_name = None
                enquiry.delivery_body = None
                enquiry.cluster = None
                enquiry.acknowledged_at = None
                why = RETURN_REASON_WORDS[reason]
                words = f"Returned to the hub by {sender_name} ({sender}): {why}."
                trace = [{"rule": "returned_by_council", "applied": True, "reason": words}]
                session.add(
                    RoutingDecisionRecord(
                        enquiry_id=enquiry.id,
                        decided_at=ctx.now,
                        decided_by=ctx.caller.actor,
                        outcome=str(EnquiryStatus.TRIAGE),
                        reason_code=f"returned:{reason}",
                        # The note is free text, so it lives only in the encrypted columns.
                        detail={
                            "outcome": "triage",
                            "returned_by": sender,
                            "reason": reason,
                            "note": note,
                            "trace": trace,
                        },
                        explanation=words + (f"\nNote from the council: {note}" if note else ""),
                    )
                )
                session.add(
                    JourneyEvent(
                        enquiry_id=enquiry.id,
                        event="returned",
                        at=ctx.now,
                        actor=ctx.caller.actor,
                        detail={"authority_code": sender, "reason": reason},
                    )
                )
                add_audit_event(
                    session,
                    ctx,
                    AuditAction.RETURN,
                    AuditOutcome.OK,
                    enquiry=enquiry,
                    visible_to=sender,
                    detail={"reason": reason},
                )
                session.flush()
                log.info("referral.returned", reference=enquiry.reference, reason=reason)
                return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    record_refusal(db, ctx, AuditAction.RETURN, reference)
    raise referral_not_found()


def transfer_referral(
    db: Database, ctx: RequestContext, reference: str, *, target: str, reason: str
) -> dict[str, Any]:
    """Re-route a referral to ``target`` through the rules, as if the enquirer preferred it.

    The rules may refuse (another cluster under ``within_cluster``, a paused council, an
    override): then nothing changes, the attempt is audited as refused and the caller hears
    why (422). The reason is free text: it is kept only in the encrypted decision record.
    """
    refusal: RoutingRefusedError | None = None
    sender: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral_in_scope(session, ctx, reference, for_update=True)
            if enquiry is not None:
                sender = enquiry.authority_code
                words = (
                    f"Transferred by {enquiry.authority_name or sender} ({sender}, "
                    f"{ctx.caller.actor}): {reason}"
                )
                try:
                    decision = plan_transfer(enquiry, target, ctx.now, words)
                except RoutingRefusedError as exc:
                    refusal = exc
                else:
                    apply_route(enquiry, decision, ctx.now)
                    session.add(
                        decision_record(
                            enquiry.id,
                            decision,
                            decided_by=ctx.caller.actor,
                            reason_code="transferred",
                        )
                    )
                    moved = {"from": sender, "to": enquiry.authority_code}
                    session.add(
                        JourneyEvent(
                            enquiry_id=enquiry.id,
                            event="transferred",
                            at=ctx.now,
                            actor=ctx.caller.actor,
                            detail=moved,
                        )
                    )
                    # One row for the sender, one the receiving council can see.
                    for action, visible_to in (
                        (AuditAction.TRANSFER_OUT, sender),
                        (AuditAction.TRANSFER_IN, enquiry.authority_code),
                    ):
                        add_audit_event(
                            session,
                            ctx,
                            action,
                            AuditOutcome.OK,
                            enquiry=enquiry,
                            visible_to=visible_to,
                            detail=moved,
                        )
                    session.flush()
                    log.info("referral.transferred", reference=enquiry.reference, **moved)
                    return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            AuditAction.TRANSFER_OUT,
            reference,
            outcome=AuditOutcome.REFUSED,
            visible_to=sender,
            detail={"to": target},
        )
        raise refusal
    record_refusal(db, ctx, AuditAction.TRANSFER_OUT, reference)
    raise referral_not_found()
