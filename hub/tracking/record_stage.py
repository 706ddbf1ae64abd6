"""A council records a stage of a referral's journey (``POST .../progress``).

One transaction, the enquiry row locked (as every council action): the stage must be able to
follow the last one (409 with those that can), happen neither in the future nor before the
referral reached this council nor before the last stage (422); then the stage row, the journey,
the clocks, the follow-ups it cancels and those it calls for (``follow_up_plan``), and the
Stage 1 tasks the application opens (``assessment_tasks``) change together, and the action is
audited. A referral outside the caller's scope is answered as not found and audited as denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.changes.record import ChangeKind, record_change
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError, ValidationFailedError
from hub.referrals.queries import find_latest_decision, find_referral, referral_not_found
from hub.rules import RuleSet, get_active_rules
from hub.tracking.assessment_tasks import open_tasks_at_application
from hub.tracking.calendar import ENGLAND, local_day
from hub.tracking.clocks import STARTED_BY, apply_stage, new_clock
from hub.tracking.errors import StageNotAllowedError, StageTimeError
from hub.tracking.follow_up_plan import add_missing_follow_ups, keyed, planned_for
from hub.tracking.journey_view import journey_view
from hub.tracking.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Journey,
    JourneyStage,
)
from hub.tracking.ofsted_reasons import NotProgressedReason, ofsted_code_of
from hub.tracking.policy import calendar_for
from hub.tracking.queries import find_journey, list_clocks, list_open_follow_ups
from hub.tracking.stages import (
    APPLICATION_POSITION,
    JourneyState,
    Stage,
    position_of,
)


@dataclass(frozen=True, slots=True)
class WrittenReasons:
    """When the council sent written reasons for stopping or refusing, or why it did not."""

    sent_on: date | None = None
    not_sent: str | None = None


# A clock a little fast on the caller's side is not "the future".
_CLOCK_SKEW = timedelta(minutes=2)

# Open follow-ups a stage makes pointless.
CANCELLED_BY: dict[Stage, tuple[FollowUpKind, ...]] = {
    Stage.RESUMED: (FollowUpKind.STALLED_ENQUIRY, FollowUpKind.RE_ENGAGEMENT),
    Stage.DEREGISTERED: (
        FollowUpKind.STALLED_ENQUIRY,
        FollowUpKind.RETENTION_CHECK_IN,
        FollowUpKind.APPROVAL_REVIEW,
    ),
}

# "Not progressed: no response" needs its contact attempts and a manager's sign-off, so it is
# recorded only by hub/casework/close_no_response.py (which calls add_stage); the progress
# schema refuses it too, and this keeps any other caller of record_progress from skipping it.
NO_RESPONSE_ELSEWHERE = (
    "Close as no response from the contact log: it needs the contact attempts and a "
    "manager's sign-off."
)


def record_progress(
    db: Database,
    ctx: RequestContext,
    reference: str,
    *,
    stage: str,
    occurred_at: datetime | None = None,
    occurred_on: date | None = None,
    reason: str | None = None,
    note: str | None = None,
    written_reasons_sent_on: date | None = None,
    written_reasons_not_sent: str | None = None,
) -> dict[str, Any]:
    """Record ``stage`` for the caller's referral and answer with its whole journey.

    When it happened: ``occurred_at`` (the API), or ``occurred_on``, a day in England (the
    council page, which asks for a date), or neither: now.
    """
    if stage == Stage.NOT_PROGRESSED and reason == NotProgressedReason.NO_RESPONSE:
        raise ValidationFailedError(
            NO_RESPONSE_ELSEWHERE, errors=[{"field": "reason", "message": NO_RESPONSE_ELSEWHERE}]
        )
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                if occurred_at is None and occurred_on is not None:
                    occurred_at = moment_on_day(session, enquiry, occurred_on, ctx.now)
                try:
                    add_stage(
                        session,
                        ctx,
                        enquiry,
                        Stage(stage),
                        occurred_at or ctx.now,
                        reason=reason,
                        note=note,
                        rules=get_active_rules(),
                        written_reasons=WrittenReasons(
                            written_reasons_sent_on, written_reasons_not_sent
                        ),
                    )
                except (StageNotAllowedError, StageTimeError) as exc:
                    refusal = exc
                else:
                    add_audit_event(
                        session,
                        ctx,
                        AuditAction.RECORD_PROGRESS,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                        detail={"stage": stage, "reason": reason},
                    )
                    session.flush()
                    return journey_view(session, enquiry, ctx.now)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            AuditAction.RECORD_PROGRESS,
            reference,
            outcome=AuditOutcome.REFUSED,
            visible_to=holder,
            detail={"stage": stage, "code": refusal.code},
        )
        raise refusal
    record_refusal(db, ctx, AuditAction.RECORD_PROGRESS, reference)
    raise referral_not_found()


def add_stage(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    stage: Stage,
    at: datetime,
    *,
    reason: str | None,
    note: str | None,
    rules: RuleSet,
    written_reasons: WrittenReasons | None = None,
) -> Journey:
    """Record ``stage`` in the caller's transaction (the enquiry row locked by the caller).

    Raises StageNotAllowedError (409) or StageTimeError (422); changes nothing then.
    ``written_reasons`` (not_progressed and refused) is checked for its day, not required
    here: the API and the page require it of a council; the hub's own callers may not know.
    """
    journey = find_journey(session, enquiry.id)
    state = JourneyState(
        journey.stage if journey is not None else None,
        journey.position if journey is not None else 0,
    )
    try:
        after = state.after(stage)
    except ValueError:
        allowed = [str(s) for s in state.allowed()]
        raise StageNotAllowedError(
            str(stage), journey.stage if journey else None, allowed
        ) from None
    _check_time(session, enquiry, journey, stage, at, ctx.now)
    written = written_reasons or WrittenReasons()
    _check_written_reasons(written, at, ctx.now)
    session.add(
        JourneyStage(
            enquiry_id=enquiry.id,
            stage=stage,
            occurred_at=at,
            recorded_at=ctx.now,
            authority_code=enquiry.authority_code,
            actor=ctx.caller.actor,
            reason=reason,
            ofsted_code=ofsted_code_of(stage, reason),
            written_reasons_sent_on=written.sent_on,
            written_reasons_not_sent=written.not_sent,
            note=note,
        )
    )
    record_change(
        session,
        ChangeKind.STAGE_RECORDED,
        authority_code=enquiry.authority_code,
        enquiry_id=enquiry.id,
        reference=enquiry.reference,
        at=at,
        detail={"stage": str(stage), "reason": reason},
    )
    if journey is None:
        journey = Journey(enquiry_id=enquiry.id, stage=stage, position=0, stage_at=at)
        session.add(journey)
    applied_before = journey.application_at is not None
    _move_journey(journey, stage, after, at, ctx.now)
    calendar = calendar_for(rules, enquiry.authority_code)
    if not applied_before and journey.application_at is not None:
        # The Stage 1 checks the law names open as tasks with the application (reg 26(1A)).
        open_tasks_at_application(
            session, ctx, enquiry, journey.application_at, rules=rules, calendar=calendar
        )
    clocks = list_clocks(session, enquiry.id)
    apply_stage(clocks, stage, at, calendar)
    targets = rules.clock_targets_for(enquiry.authority_code, local_day(at))
    started = {(clock.kind, clock.started_at) for clock in clocks}
    for kind in STARTED_BY.get(stage, ()):
        if (kind, at) not in started:
            session.add(
                new_clock(
                    enquiry.id,
                    kind,
                    at,
                    authority_code=enquiry.authority_code,
                    cluster=enquiry.cluster,
                    targets=targets,
                    calendar=calendar,
                )
            )
    _cancel_follow_ups(session, enquiry.id, stage, ctx)
    # After the cancelling: a stage cancels the stalled-enquiry follow-up of an earlier stage,
    # never one it calls for itself.
    planned = planned_for(
        journey, bool(enquiry.consent_keep_in_touch), rules.tracking.follow_ups, calendar
    )
    add_missing_follow_ups(session, keyed(enquiry.id, planned), ctx.now)
    return journey


def _check_time(
    session: Session,
    enquiry: Enquiry,
    journey: Journey | None,
    stage: Stage,
    at: datetime,
    now: datetime,
) -> None:
    if at > now + _CLOCK_SKEW:
        raise StageTimeError("occurred_at is in the future.")
    application_at = journey.application_at if journey is not None else None
    if stage is Stage.STAGE_ONE_CHECKS_RECEIVED and application_at and at < application_at:
        raise StageTimeError(
            "The Stage 1 checks cannot have been received before the application "
            f"({application_at.isoformat()}).",
            after=application_at,
            what="the application was made",
        )
    decision = find_latest_decision(session, enquiry.id)
    if decision is not None and at < decision.decided_at:
        raise StageTimeError(
            "occurred_at is before the referral reached your council "
            f"({decision.decided_at.isoformat()}).",
            after=decision.decided_at,
            what="the referral reached your council",
        )
    if journey is not None and at < journey.stage_at:
        raise StageTimeError(
            f"occurred_at is before the last stage recorded ({journey.stage_at.isoformat()}).",
            after=journey.stage_at,
            what="the last stage happened",
        )


def _check_written_reasons(written: WrittenReasons, at: datetime, now: datetime) -> None:
    sent_on = written.sent_on
    field = "written_reasons_sent_on"
    if sent_on is not None and sent_on > local_day(now):
        raise StageTimeError("written_reasons_sent_on is in the future.", field=field)
    if sent_on is not None and sent_on < local_day(at):
        raise StageTimeError(
            "written_reasons_sent_on is before the decision they explain "
            f"({local_day(at).isoformat()}).",
            field=field,
        )


def moment_on_day(session: Session, enquiry: Enquiry, day: date, now: datetime) -> datetime:
    """The instant recorded for a stage that happened on ``day`` in England (time not known).

    Today is now. An earlier day is midday, unless the referral reached the council or its last
    stage happened later that same day: then that moment, so the day it really happened is never
    refused for a time nobody gave. A later day is that day's midday, refused as the future.
    """
    if day == local_day(now):
        return now
    moment = datetime.combine(day, time(12), ENGLAND).astimezone(UTC)
    decision = find_latest_decision(session, enquiry.id)
    journey = find_journey(session, enquiry.id)
    for floor in (
        decision.decided_at if decision is not None else None,
        journey.stage_at if journey is not None else None,
    ):
        if floor is not None and local_day(floor) == day and floor > moment:
            moment = floor
    return moment


def _move_journey(
    journey: Journey, stage: Stage, after: JourneyState, at: datetime, now: datetime
) -> None:
    reached = position_of(stage)
    if reached and journey.first_contact_at is None:
        journey.first_contact_at = at
    if reached >= APPLICATION_POSITION and journey.application_at is None:
        journey.application_at = at
    if stage is Stage.APPROVED:
        journey.approved_at = at
    if stage in (Stage.WITHDRAWN, Stage.NOT_PROGRESSED):
        journey.ended_at = at
    if stage is Stage.RESUMED:
        journey.ended_at = None
    if stage is Stage.DEREGISTERED:
        journey.deregistered_at = at
    journey.stage = stage
    journey.position = after.position
    journey.stage_at = at
    journey.changed_at = now


def _cancel_follow_ups(
    session: Session, enquiry_id: int, stage: Stage, ctx: RequestContext
) -> None:
    kinds = CANCELLED_BY.get(stage, (FollowUpKind.STALLED_ENQUIRY,))
    for follow_up in list_open_follow_ups(session, enquiry_id):
        if follow_up.kind in kinds:
            cancel_follow_up(follow_up, ctx, cancelled_by=stage)


def cancel_follow_up(follow_up: FollowUp, ctx: RequestContext, *, cancelled_by: str) -> None:
    """Close an open follow-up made pointless by ``cancelled_by`` (a stage or an outcome)."""
    follow_up.status = FollowUpStatus.CANCELLED
    follow_up.completed_at = ctx.now
    follow_up.completed_by = ctx.caller.actor
    follow_up.outcome_detail = {"cancelled_by": cancelled_by}
