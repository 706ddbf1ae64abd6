"""A council records the outcome of a follow-up (``POST /v1/council/follow-ups/{id}/outcome``).

The follow-up is done with its outcome. ``deregistered`` also records the carer's
deregistration in the journey (with its reason); ``re_engaged`` after a withdrawal resumes
the journey; ``consent_withdrawn`` clears the enquirer's keep-in-touch consent and cancels
every pending follow-up that needs it. All in one transaction; audited; 404 (audited as
denied) for a follow-up that is not the caller's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.changes.record import ChangeKind, record_change
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError
from hub.rules import get_active_rules
from hub.tracking.errors import FollowUpClosedError, StageNotAllowedError, follow_up_not_found
from hub.tracking.journey_view import follow_up_view
from hub.tracking.models import FollowUp, FollowUpOutcome, FollowUpStatus
from hub.tracking.queries import (
    find_follow_up_reference,
    find_journey,
    find_scoped_follow_up,
    list_open_follow_ups,
)
from hub.tracking.record_stage import add_stage, cancel_follow_up
from hub.tracking.stages import Stage


class SupportNeeded(StrEnum):
    TRAINING = "training"
    RESPITE = "respite"
    PEER_SUPPORT = "peer_support"  # such as Mockingbird
    FINANCE = "finance"
    ALLEGATION_SUPPORT = "allegation_support"
    OTHER = "other"


def record_follow_up_outcome(
    db: Database,
    ctx: RequestContext,
    follow_up_id: int,
    *,
    outcome: str,
    support: str | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Close the caller's follow-up with ``outcome`` and apply what the outcome means."""
    refusal: HubError | None = None
    reference = f"follow-up:{follow_up_id}"
    try:
        with db.transaction() as session:
            found = find_scoped_follow_up(session, ctx.caller, follow_up_id)
            if found is not None:
                enquiry, follow_up = found
                reference = enquiry.reference
                chosen = FollowUpOutcome(outcome)
                try:
                    if follow_up.status != FollowUpStatus.DUE:
                        raise FollowUpClosedError(f"The follow-up is {follow_up.status}.")
                    _move_journey(session, ctx, enquiry, chosen, reason)
                except (FollowUpClosedError, StageNotAllowedError) as exc:
                    refusal = exc
                else:
                    _close(session, ctx, enquiry, follow_up, chosen, support, reason, note)
                    return follow_up_view(follow_up, enquiry.reference)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the follow-up again and retry.") from exc
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            AuditAction.RECORD_FOLLOW_UP_OUTCOME,
            reference,
            outcome=AuditOutcome.REFUSED,
            detail={"follow_up_id": follow_up_id, "code": refusal.code},
        )
        raise refusal
    with db.sessions() as session:
        reference = find_follow_up_reference(session, follow_up_id) or reference
    record_refusal(
        db,
        ctx,
        AuditAction.RECORD_FOLLOW_UP_OUTCOME,
        reference,
        detail={"follow_up_id": follow_up_id},
    )
    raise follow_up_not_found()


def _move_journey(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    chosen: FollowUpOutcome,
    reason: str | None,
) -> None:
    """The stage an outcome means: deregistered, or resumed when re-engaged after a withdrawal.

    Raises StageNotAllowedError when the journey refuses it."""
    journey = find_journey(session, enquiry.id)
    if chosen is FollowUpOutcome.DEREGISTERED:
        stage, why = Stage.DEREGISTERED, reason
    elif (
        chosen is FollowUpOutcome.RE_ENGAGED
        and journey is not None
        and journey.stage == Stage.WITHDRAWN
    ):
        stage, why = Stage.RESUMED, None
    else:
        return
    add_stage(
        session, ctx, enquiry, stage, ctx.now, reason=why, note=None, rules=get_active_rules()
    )


def _close(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    follow_up: FollowUp,
    chosen: FollowUpOutcome,
    support: str | None,
    reason: str | None,
    note: str | None,
) -> None:
    """Mark the follow-up done with its outcome (withdrawn consent cancels every open one that
    needs it) and audit it."""
    follow_up.status = FollowUpStatus.DONE
    follow_up.outcome = chosen
    follow_up.outcome_detail = {
        key: value for key, value in (("support", support), ("reason", reason)) if value is not None
    }
    follow_up.completed_at = ctx.now
    follow_up.completed_by = ctx.caller.actor
    follow_up.note = note
    if chosen is FollowUpOutcome.CONSENT_WITHDRAWN:
        enquiry.consent_keep_in_touch = False
        for other in list_open_follow_ups(session, enquiry.id, needs_consent=True):
            cancel_follow_up(other, ctx, cancelled_by=chosen)
    record_change(
        session,
        ChangeKind.FOLLOW_UP_OUTCOME,
        authority_code=enquiry.authority_code,
        enquiry_id=enquiry.id,
        reference=enquiry.reference,
        at=ctx.now,
        detail={"follow_up_kind": str(follow_up.kind), "outcome": str(chosen)},
    )
    add_audit_event(
        session,
        ctx,
        AuditAction.RECORD_FOLLOW_UP_OUTCOME,
        AuditOutcome.OK,
        enquiry=enquiry,
        visible_to=enquiry.authority_code,
        detail={"follow_up_id": follow_up.id, "outcome": str(chosen)},
    )
    session.flush()
