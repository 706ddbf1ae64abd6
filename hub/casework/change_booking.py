"""A booking moved, cancelled or given its outcome, by the council that holds the referral.

- **Move** (``.../move``): a new future time, or another event for an information session,
  with a reason code; the event's places follow.
- **Cancel** (``.../cancel``): with a reason code; an event place is given back.
- **Outcome** (``.../outcome``): ``attended`` records the booking's stage on the journey
  (``initial_visit`` meets the initial-visit clock; ``information_session``) through the
  tracking room's ``add_stage``, at the booking's time unless another is given (not in the
  future); ``did_not_attend`` closes the booking and records no stage.

Only an open booking changes (409 otherwise). Each change is audited with its codes; refusals
are field errors with nothing stored; another council's booking or referral is a 404,
audited as denied. One transaction with the enquiry row locked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.casework.book import CHOOSE_AN_EVENT, EVENT_ID, STARTS_AT, booking_view
from hub.casework.booking_rules import is_open, status_of
from hub.casework.errors import BookingClosedError, field_error, refuse
from hub.casework.models import Booking, BookingKind, BookingReason, BookingState, InfoEvent
from hub.casework.queries import (
    event_serves,
    find_booking,
    give_back_place,
    journey_position,
    take_place,
)
from hub.changes.record import ChangeKind, record_change
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError, NotFoundError
from hub.referrals.queries import find_referral
from hub.rules import get_active_rules
from hub.tracking.errors import StageTimeError
from hub.tracking.record_stage import add_stage
from hub.tracking.stages import Stage

OCCURRED_AT = "occurred_at"


class BookingOutcome:
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    ALL = (ATTENDED, DID_NOT_ATTEND)


def move_booking(
    db: Database,
    ctx: RequestContext,
    reference: str,
    booking_id: int,
    *,
    reason: str,
    starts_at: datetime | None = None,
    event_id: int | None = None,
) -> dict[str, Any]:
    def move(session: Session, enquiry: Enquiry, booking: Booking) -> dict[str, Any]:
        before = booking.starts_at
        _move(session, ctx, enquiry, booking, starts_at, event_id)
        booking.moves += 1
        return {"from": before.isoformat(), "to": booking.starts_at.isoformat()}

    return _change(db, ctx, reference, booking_id, AuditAction.MOVE_BOOKING, reason, move)


def cancel_booking(
    db: Database, ctx: RequestContext, reference: str, booking_id: int, *, reason: str
) -> dict[str, Any]:
    def cancel(session: Session, _enquiry: Enquiry, booking: Booking) -> dict[str, Any]:
        booking.state = BookingState.CANCELLED
        if booking.event_id is not None:
            give_back_place(session, booking.event_id)
        return {}

    return _change(db, ctx, reference, booking_id, AuditAction.CANCEL_BOOKING, reason, cancel)


def record_booking_outcome(
    db: Database,
    ctx: RequestContext,
    reference: str,
    booking_id: int,
    *,
    outcome: str,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    def record(session: Session, enquiry: Enquiry, booking: Booking) -> dict[str, Any]:
        if outcome == BookingOutcome.DID_NOT_ATTEND:
            if booking.starts_at > ctx.now:
                raise field_error("outcome", "The booking's time has not come yet.")
            booking.state = BookingState.DID_NOT_ATTEND
            return {"outcome": outcome}
        at = occurred_at or booking.starts_at
        if at > ctx.now:
            raise field_error(OCCURRED_AT, "It cannot be recorded as happened before its time.")
        try:
            add_stage(
                session,
                ctx,
                enquiry,
                Stage(booking.kind),
                at,
                reason=None,
                note=None,
                rules=get_active_rules(),
            )
        except StageTimeError as exc:
            raise field_error(OCCURRED_AT, exc.detail.replace("occurred_at", "It")) from exc
        booking.state = BookingState.ATTENDED
        return {"outcome": outcome, "stage": str(booking.kind)}

    return _change(db, ctx, reference, booking_id, AuditAction.RECORD_BOOKING_OUTCOME, None, record)


def _change(
    db: Database,
    ctx: RequestContext,
    reference: str,
    booking_id: int,
    action: AuditAction,
    reason: str | None,
    change: Any,
) -> dict[str, Any]:
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            booking = (
                find_booking(session, enquiry, booking_id, for_update=True)
                if enquiry is not None
                else None
            )
            if enquiry is not None and booking is not None:
                holder = enquiry.authority_code
                position, ended = journey_position(session, enquiry.id)
                status = status_of(
                    booking.state,
                    booking.kind,
                    booking.starts_at,
                    journey_position=position,
                    journey_ended=ended,
                    now=ctx.now,
                )
                try:
                    if not is_open(status):
                        raise BookingClosedError(str(status))
                    detail = change(session, enquiry, booking)
                except HubError as exc:
                    refusal = exc
                else:
                    booking.changed_at = ctx.now
                    booking.changed_by = ctx.caller.actor
                    if reason is not None:
                        booking.reason = BookingReason(reason)
                    add_audit_event(
                        session,
                        ctx,
                        action,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                        detail={"booking_id": booking.id, "reason": reason, **detail},
                    )
                    record_change(
                        session,
                        ChangeKind.BOOKING_CHANGED,
                        authority_code=holder,
                        enquiry_id=enquiry.id,
                        reference=enquiry.reference,
                        at=ctx.now,
                        detail={
                            "booking_id": booking.id,
                            "state": str(booking.state),
                            "starts_at": booking.starts_at.isoformat(),
                        },
                    )
                    session.flush()
                    after, ended = journey_position(session, enquiry.id)
                    return booking_view(booking, ctx.now, position=after, ended=ended)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    if holder is None:
        _not_found(db, ctx, action, reference)
    refuse(db, ctx, action, reference, refusal, holder)


def _not_found(db: Database, ctx: RequestContext, action: AuditAction, reference: str) -> None:
    record_refusal(db, ctx, action, reference)
    raise NotFoundError("No booking with that id on a referral in your inbox.")


def _move(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    booking: Booking,
    starts_at: datetime | None,
    event_id: int | None,
) -> None:
    if event_id is not None:
        if booking.kind is not BookingKind.INFORMATION_SESSION:
            raise field_error(EVENT_ID, "An initial visit is not booked onto an event.")
        event = session.get(InfoEvent, event_id)
        if event is None or not event_serves(event, enquiry.authority_code, ctx.now):
            raise field_error(EVENT_ID, CHOOSE_AN_EVENT)
        if event.id == booking.event_id:
            raise field_error(EVENT_ID, "It is already booked onto that event.")
        if event.starts_at <= ctx.now:
            raise field_error(EVENT_ID, "That event has already started: choose a later one.")
        if not take_place(session, event.id):
            raise field_error(EVENT_ID, "That event is full: choose another.")
        if booking.event_id is not None:
            give_back_place(session, booking.event_id)
        booking.event_id = event.id
        booking.starts_at = event.starts_at
        return
    if starts_at is None:
        raise field_error(STARTS_AT, "Enter the new date and time, or choose another event.")
    if booking.event_id is not None:
        raise field_error(STARTS_AT, "A place on an event moves to another event: choose one.")
    if starts_at <= ctx.now:
        raise field_error(STARTS_AT, "The booking must be for a time in the future.")
    booking.starts_at = starts_at
