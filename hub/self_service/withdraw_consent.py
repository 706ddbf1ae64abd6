"""The enquirer asks not to be kept in touch, through their link.

The enquiry's keep-in-touch consent is withdrawn and every open follow-up that needs it (the
hub's re-engagement calls after a withdrawal) is cancelled, as when a council records
"consent withdrawn" on a follow-up (``tracking.record_outcome``); audited. Again changes
nothing.
"""

from __future__ import annotations

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.db import Database
from hub.self_service.own_enquiry import LinkProblem, find_own, refuse
from hub.tracking.models import FollowUpOutcome
from hub.tracking.queries import list_open_follow_ups
from hub.tracking.record_stage import cancel_follow_up


def withdraw_keep_in_touch(db: Database, token: str, ctx: RequestContext) -> LinkProblem | None:
    """Withdraw the link's enquiry's keep-in-touch consent; None when done (or done before)."""
    with db.transaction() as session:
        found = find_own(session, token, ctx.now, for_update=True, withdrawn_ok=True)
        if isinstance(found, LinkProblem):
            refuse(session, ctx, AuditAction.WITHDRAW_KEEP_IN_TOUCH, found)
            return found
        enquiry = found.enquiry
        if not enquiry.consent_keep_in_touch:
            return None
        enquiry.consent_keep_in_touch = False
        cancelled = 0
        for follow_up in list_open_follow_ups(session, enquiry.id, needs_consent=True):
            cancel_follow_up(follow_up, ctx, cancelled_by=FollowUpOutcome.CONSENT_WITHDRAWN)
            cancelled += 1
        found.link.last_used_at = ctx.now
        add_audit_event(
            session,
            ctx,
            AuditAction.WITHDRAW_KEEP_IN_TOUCH,
            AuditOutcome.OK,
            enquiry=enquiry,
            visible_to=enquiry.authority_code,
            detail={"follow_ups_cancelled": cancelled},
        )
    return None
