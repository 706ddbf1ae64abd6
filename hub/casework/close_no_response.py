"""Closing an enquiry as "no response": the person never answered the council's attempts.

The rule (``no_response_rule``: council practice, not law) must hold; then an officer's call
asks for a manager's sign-off, and a manager's call (with or without a request waiting)
records the journey's ``not_progressed`` stage with reason ``no_response`` through the tracking
room's ``add_stage``, which stops the clocks. ``POST .../progress`` refuses that reason, so this
is the one way to record it. One transaction with the enquiry row locked; audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.errors import NoResponseAlreadyRequestedError, NoResponseNotReadyError, refuse
from hub.casework.models import ClosureState, NoResponseClosure
from hub.casework.no_response_rule import NoResponseReadiness, no_response_readiness
from hub.casework.queries import list_attempts, open_request, unanswered_times
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError
from hub.referrals.queries import find_referral
from hub.rules import get_active_rules
from hub.tracking.errors import StageNotAllowedError
from hub.tracking.ofsted_reasons import NotProgressedReason
from hub.tracking.policy import calendar_for
from hub.tracking.queries import find_journey
from hub.tracking.record_stage import WrittenReasons, add_stage
from hub.tracking.stages import JourneyState, Stage, WrittenReasonsNotSent


def readiness_of(session: Session, enquiry: Enquiry) -> NoResponseReadiness:
    """How far the holding council's attempts go towards the rule."""
    rules = get_active_rules()
    return no_response_readiness(
        unanswered_times(list_attempts(session, enquiry)),
        rules.tracking.no_response,
        calendar_for(rules, enquiry.authority_code),
    )


def close_as_no_response(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """A manager closes the enquiry; an officer asks a manager to. Answers the state."""
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                try:
                    state, action = _close_or_request(session, ctx, enquiry)
                except (NoResponseNotReadyError, NoResponseAlreadyRequestedError) as exc:
                    refusal = exc
                except StageNotAllowedError as exc:
                    refusal = exc
                else:
                    add_audit_event(
                        session,
                        ctx,
                        action,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                    )
                    session.flush()
                    return {"reference": reference, "state": state}
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    refuse(db, ctx, AuditAction.CLOSE_NO_RESPONSE, reference, refusal, holder)


def _close_or_request(
    session: Session, ctx: RequestContext, enquiry: Enquiry
) -> tuple[ClosureState, AuditAction]:
    readiness = readiness_of(session, enquiry)
    if not readiness.ready:
        raise NoResponseNotReadyError(readiness.missing_words)
    caller = ctx.caller
    manager = isinstance(caller, Caller) and caller.can_manage
    waiting = open_request(session, enquiry)
    if not manager:
        _check_may_end(session, enquiry)
        if waiting is not None:
            raise NoResponseAlreadyRequestedError("A manager has still to sign it off.")
        session.add(
            NoResponseClosure(
                enquiry_id=enquiry.id,
                authority_code=enquiry.authority_code or "",
                state=ClosureState.REQUESTED,
                requested_at=ctx.now,
                requested_by=caller.actor,
            )
        )
        return ClosureState.REQUESTED, AuditAction.REQUEST_NO_RESPONSE
    add_stage(
        session,
        ctx,
        enquiry,
        Stage.NOT_PROGRESSED,
        ctx.now,
        reason=str(NotProgressedReason.NO_RESPONSE),
        note=None,
        rules=get_active_rules(),
        # Nobody to write to: the person never answered any of the attempts.
        written_reasons=WrittenReasons(not_sent=WrittenReasonsNotSent.NO_RESPONSE),
    )
    closure = waiting or NoResponseClosure(
        enquiry_id=enquiry.id,
        authority_code=enquiry.authority_code or "",
        requested_at=ctx.now,
        requested_by=caller.actor,
    )
    closure.state = ClosureState.CLOSED
    closure.closed_at = ctx.now
    closure.closed_by = caller.actor
    session.add(closure)
    return ClosureState.CLOSED, AuditAction.CLOSE_NO_RESPONSE


def _check_may_end(session: Session, enquiry: Enquiry) -> None:
    """StageNotAllowedError (409) when the journey can no longer end as not progressed."""
    journey = find_journey(session, enquiry.id)
    state = JourneyState(journey.stage, journey.position) if journey else JourneyState()
    if Stage.NOT_PROGRESSED not in state.allowed():
        allowed = [str(s) for s in state.allowed()]
        raise StageNotAllowedError(
            str(Stage.NOT_PROGRESSED), journey.stage if journey else None, allowed
        )
