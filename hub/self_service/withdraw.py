"""The enquirer withdraws their enquiry through their link.

One transaction, the enquiry row locked: the journey records ``withdrawn`` by the enquirer
(``tracking.record_stage.add_stage``: the clocks stop, pending follow-ups are cancelled and
the re-engagement ones are planned only with keep-in-touch consent), with the reason they
chose, if any, and its Ofsted code (``tracking.ofsted_reasons``; none chosen is "other or
unknown", AW0). An enquiry no council has yet (in triage) also leaves the triage queue and is
never routed (status ``withdrawn``). The council holding it, or the hub's operators for one
in triage, are told by a ``referral.withdrawn`` event, and it is audited. A second withdrawal
(a double submit) changes nothing.
"""

from __future__ import annotations

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.events import EventType, emit_event
from hub.enquiries.models import EnquiryStatus
from hub.platform.db import Database
from hub.rules import get_active_rules
from hub.self_service.own_enquiry import Holder, LinkProblem, find_own, holder_of, refuse
from hub.tracking.errors import StageNotAllowedError, StageTimeError
from hub.tracking.ofsted_reasons import WithdrawalReason
from hub.tracking.record_stage import add_stage
from hub.tracking.stages import Stage

# The reasons the page offers (the hub's sub-codes; each has its Ofsted code).
OFFERED_REASONS = (
    WithdrawalReason.TIMING,
    WithdrawalReason.FOSTERING_NOT_AS_EXPECTED,
    WithdrawalReason.HOUSEHOLD_CHANGE,
    WithdrawalReason.HEALTH,
    WithdrawalReason.FINANCES,
    WithdrawalReason.CHOSE_ANOTHER_SERVICE,
    WithdrawalReason.OTHER,
)


def withdraw_enquiry(
    db: Database, token: str, ctx: RequestContext, *, reason: WithdrawalReason | None
) -> LinkProblem | None:
    """Withdraw the link's enquiry; None when done, else why it was not."""
    chosen = reason or WithdrawalReason.OTHER
    if chosen not in OFFERED_REASONS:
        chosen = WithdrawalReason.OTHER
    with db.transaction() as session:
        found = find_own(session, token, ctx.now, for_update=True)
        if isinstance(found, LinkProblem):
            refuse(session, ctx, AuditAction.WITHDRAW_ENQUIRY, found)
            return found
        enquiry = found.enquiry
        holder = holder_of(enquiry)
        try:
            add_stage(
                session,
                ctx,
                enquiry,
                Stage.WITHDRAWN,
                ctx.now,
                reason=str(chosen),
                note=None,
                rules=get_active_rules(),
            )
        except (StageNotAllowedError, StageTimeError):
            refuse(session, ctx, AuditAction.WITHDRAW_ENQUIRY, LinkProblem.MOVED_ON)
            return LinkProblem.MOVED_ON
        if holder is Holder.HUB:
            enquiry.move_to(EnquiryStatus.WITHDRAWN, ctx.now)
        emit_event(
            session,
            EventType.REFERRAL_WITHDRAWN,
            event_key=f"{EventType.REFERRAL_WITHDRAWN}:{enquiry.id}:{ctx.now.isoformat()}",
            reference=enquiry.reference,
            authority_code=enquiry.authority_code if holder is Holder.COUNCIL else None,
            to_operators=holder is Holder.HUB,
        )
        found.link.last_used_at = ctx.now
        add_audit_event(
            session,
            ctx,
            AuditAction.WITHDRAW_ENQUIRY,
            AuditOutcome.OK,
            enquiry=enquiry,
            visible_to=enquiry.authority_code if holder is Holder.COUNCIL else None,
            detail={"reason": str(chosen)},
        )
    return None
