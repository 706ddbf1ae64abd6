"""A hub operator closes an enquiry in triage, with a reason; it leaves the queue.

The enquiry moves to ``closed`` through its state machine (only from triage), the journey
records a ``closed`` event (the reason code, and the other enquiry's reference for a
duplicate), the change is audited, and the enquirer is e-mailed where the reason calls for it
(``closure_reasons``), all in one transaction. A closed enquiry is never routed: routing by
hand accepts only enquiries in triage, so an operator reopens it first (``reopen``), and that
too is recorded.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.delivery.confirmation import emit_closure_notice
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import (
    ActionNotAllowedError,
    ConcurrentChangeError,
    HubError,
    NotFoundError,
    ValidationFailedError,
)
from hub.referrals.action_result import action_result
from hub.triage.closure_reasons import TELLS_ENQUIRER, ClosureReason

log = structlog.get_logger(__name__)


def close_triage_item(
    db: Database,
    ctx: RequestContext,
    reference: str,
    *,
    reason: ClosureReason,
    duplicate_of: str | None = None,
) -> dict[str, Any]:
    """Close ``reference`` (in triage) for ``reason``; a duplicate names the other enquiry."""
    refusal: HubError | None = None
    detail: dict[str, Any] = {"reason": str(reason)}
    try:
        with db.transaction() as session:
            enquiry = find_enquiry_by_reference(session, reference, for_update=True)
            other = None
            if reason is ClosureReason.DUPLICATE and duplicate_of:
                other = find_enquiry_by_reference(session, duplicate_of)
            if enquiry is None:
                refusal = NotFoundError("No enquiry has this reference.")
            elif enquiry.status != EnquiryStatus.TRIAGE:
                refusal = ActionNotAllowedError(
                    f"The enquiry is {enquiry.status}; only enquiries in triage are closed."
                )
            elif reason is ClosureReason.DUPLICATE and (other is None or other.id == enquiry.id):
                message = (
                    "Enter the reference of the other enquiry this one duplicates"
                    if not duplicate_of
                    else "Enter the reference of another enquiry: "
                    + ("this is the same one" if other is not None else "no enquiry has it")
                )
                refusal = ValidationFailedError(
                    message, errors=[{"field": "duplicate_of", "message": message}]
                )
            else:
                if other is not None:
                    detail["duplicate_of"] = other.reference
                enquiry.move_to(EnquiryStatus.CLOSED, ctx.now)
                event = JourneyEvent(
                    enquiry_id=enquiry.id,
                    event=JourneyEventName.CLOSED,
                    at=ctx.now,
                    actor=ctx.caller.actor,
                    detail=detail,
                )
                session.add(event)
                session.flush()  # the event's id keys the enquirer's e-mail
                told = 0
                if reason in TELLS_ENQUIRER:
                    told = emit_closure_notice(session, enquiry, str(reason), event.id)
                add_audit_event(
                    session,
                    ctx,
                    AuditAction.CLOSE_TRIAGE,
                    AuditOutcome.OK,
                    enquiry=enquiry,
                    detail={**detail, "enquirer_emailed": bool(told)},
                )
                log.info("triage.closed", reference=reference, reason=str(reason))
                return {
                    **action_result(enquiry, changed=True),
                    **detail,
                    "enquirer_emailed": bool(told),
                }
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the enquiry again and retry.") from exc
    assert refusal is not None
    outcome = AuditOutcome.DENIED if isinstance(refusal, NotFoundError) else AuditOutcome.REFUSED
    record_refusal(db, ctx, AuditAction.CLOSE_TRIAGE, reference, outcome=outcome, detail=detail)
    raise refusal
