"""A council acknowledges a referral: it has it, and the first-contact clock stops.

Like every council action: one transaction that locks the enquiry row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises writers), a status change only
through ``Enquiry.move_to``, and the row version guarding against a concurrent change. A
referral outside the caller's scope is answered as not found and audited as denied.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import EnquiryStatus
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError
from hub.referrals.action_result import action_result
from hub.referrals.queries import find_referral, referral_not_found


def acknowledge_referral(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Record that the council has the referral; idempotent (a repeat changes nothing)."""
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                repeat = enquiry.status == EnquiryStatus.ACKNOWLEDGED
                if not repeat:
                    enquiry.move_to(EnquiryStatus.ACKNOWLEDGED, ctx.now)
                    enquiry.acknowledged_at = ctx.now
                    session.add(
                        JourneyEvent(
                            enquiry_id=enquiry.id,
                            event=JourneyEventName.ACKNOWLEDGED,
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
