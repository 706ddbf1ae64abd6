"""A hub operator puts a closed enquiry back in triage: the only way out of ``closed``.

Recorded in the journey (``reopened``) and the audit; the enquiry then waits in the queue
again, from now, and may be routed by hand or closed again. The enquirer is not e-mailed:
whatever happens next (a council's call) tells them.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import (
    ActionNotAllowedError,
    ConcurrentChangeError,
    HubError,
    NotFoundError,
)
from hub.referrals.action_result import action_result

log = structlog.get_logger(__name__)


def reopen_triage_item(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Move a closed enquiry back to triage; 409 for any other status."""
    refusal: HubError
    try:
        with db.transaction() as session:
            enquiry = find_enquiry_by_reference(session, reference, for_update=True)
            if enquiry is None:
                refusal = NotFoundError("No enquiry has this reference.")
            elif enquiry.status != EnquiryStatus.CLOSED:
                refusal = ActionNotAllowedError(
                    f"The enquiry is {enquiry.status}; only closed enquiries are reopened."
                )
            else:
                enquiry.move_to(EnquiryStatus.TRIAGE, ctx.now)
                session.add(
                    JourneyEvent(
                        enquiry_id=enquiry.id,
                        event=JourneyEventName.REOPENED,
                        at=ctx.now,
                        actor=ctx.caller.actor,
                        detail={},
                    )
                )
                add_audit_event(
                    session, ctx, AuditAction.REOPEN_TRIAGE, AuditOutcome.OK, enquiry=enquiry
                )
                session.flush()
                log.info("triage.reopened", reference=reference)
                return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the enquiry again and retry.") from exc
    outcome = AuditOutcome.DENIED if isinstance(refusal, NotFoundError) else AuditOutcome.REFUSED
    record_refusal(db, ctx, AuditAction.REOPEN_TRIAGE, reference, outcome=outcome)
    raise refusal
