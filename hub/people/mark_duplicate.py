"""A council marks one of its referrals as a duplicate of another of its own, or unmarks it.

Only a judgement, recorded and audited: nothing is merged, closed or hidden. Both referrals
must be the caller's: another council's reference is refused (422, audited as denied, and
answered like an unknown one), so a mark can never reveal that a reference exists elsewhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import DuplicateMark
from hub.platform.db import Database
from hub.platform.errors import ValidationFailedError
from hub.referrals.queries import find_referral, referral_not_found

NOT_YOURS = "Enter the reference of another of your referrals, like FE-7K3M9Q2D."
NOT_ITSELF = "A referral cannot be a duplicate of itself."


def _refused(message: str) -> ValidationFailedError:
    return ValidationFailedError(message, errors=[{"field": "duplicate_of", "message": message}])


def mark_duplicate(
    db: Database, ctx: RequestContext, reference: str, duplicate_of: str
) -> dict[str, Any]:
    """Record that ``reference`` duplicates ``duplicate_of`` (both the caller's referrals)."""
    other_reference = "".join(duplicate_of.split()).upper()
    refusal: tuple[AuditOutcome, str] | None = None
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference, for_update=True)
        if enquiry is not None:
            other = find_referral(session, ctx.caller, other_reference)
            if other is None:
                refusal = (AuditOutcome.DENIED, NOT_YOURS)
            elif other.id == enquiry.id:
                refusal = (AuditOutcome.REFUSED, NOT_ITSELF)
            else:
                mark = session.get(DuplicateMark, enquiry.id)
                changed = mark is None or mark.duplicate_of_id != other.id
                if mark is None:
                    mark = DuplicateMark(enquiry_id=enquiry.id)
                    session.add(mark)
                mark.duplicate_of_id = other.id
                mark.marked_at = ctx.now
                mark.marked_by = ctx.caller.actor
                add_audit_event(
                    session,
                    ctx,
                    AuditAction.MARK_DUPLICATE,
                    AuditOutcome.OK,
                    enquiry=enquiry,
                    visible_to=enquiry.authority_code,
                    detail={"duplicate_of": other.reference},
                )
                return {
                    "reference": enquiry.reference,
                    "duplicate_of": other.reference,
                    "changed": changed,
                }
    if refusal is None:
        record_refusal(db, ctx, AuditAction.MARK_DUPLICATE, reference)
        raise referral_not_found()
    outcome, message = refusal
    record_refusal(
        db,
        ctx,
        AuditAction.MARK_DUPLICATE,
        reference,
        outcome=outcome,
        detail={"duplicate_of": other_reference[:40]},
    )
    raise _refused(message)


def unmark_duplicate(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Remove the caller's duplicate mark from ``reference``; unmarking twice changes nothing."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference, for_update=True)
        if enquiry is not None:
            result = session.execute(
                delete(DuplicateMark).where(DuplicateMark.enquiry_id == enquiry.id)
            )
            changed = bool(getattr(result, "rowcount", 0))
            add_audit_event(
                session,
                ctx,
                AuditAction.UNMARK_DUPLICATE,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
                detail={"changed": changed},
            )
            return {"reference": enquiry.reference, "duplicate_of": None, "changed": changed}
    record_refusal(db, ctx, AuditAction.UNMARK_DUPLICATE, reference)
    raise referral_not_found()
