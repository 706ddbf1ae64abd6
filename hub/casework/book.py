"""A council books an initial visit or an information session for a referral it holds
(``POST .../bookings``): a plan for a future time, not a stage.

An information session is booked onto an event (``event_id``: the event's time, one of its
places taken) or, for a session the hub does not list, at a time. Refused with a field error,
nothing stored: a time not in the future, an event that is not the council's or its delivery
body's, has started or is full, a second open booking of the same kind, a journey that has
already reached the stage, an officer who is not on a team that holds the referral. A referral
outside the caller's scope (another council's, or one transferred away) is answered as not
found and audited as denied. One transaction with the enquiry row locked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.booking_rules import is_open, stage_position, status_of
from hub.casework.errors import field_error, refuse
from hub.casework.models import Booking, BookingKind, BookingState, InfoEvent
from hub.casework.queries import (
    event_serves,
    find_user,
    journey_position,
    list_bookings,
    may_own,
    take_place,
)
from hub.changes.record import ChangeKind, record_change
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError
from hub.referrals.queries import find_referral

STARTS_AT = "starts_at"
EVENT_ID = "event_id"
NOT_ON_THE_TEAM = "Choose someone on a team that holds this referral."
CHOOSE_AN_EVENT = "Choose an information event your council or its delivery body runs."


def book(
    db: Database,
    ctx: RequestContext,
    reference: str,
    *,
    kind: str,
    starts_at: datetime | None = None,
    event_id: int | None = None,
    officer_id: int | None = None,
) -> dict[str, Any]:
    """Book it; answer with the booking."""
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                try:
                    booking = _add_booking(
                        session, ctx, enquiry, BookingKind(kind), starts_at, event_id, officer_id
                    )
                except HubError as exc:
                    refusal = exc
                else:
                    add_audit_event(
                        session,
                        ctx,
                        AuditAction.BOOK,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                        detail={
                            "booking_id": booking.id,
                            "kind": booking.kind,
                            "starts_at": booking.starts_at.isoformat(),
                            "event_id": booking.event_id,
                            "officer": f"user:{booking.officer_id}" if booking.officer_id else None,
                        },
                    )
                    return booking_view(booking, ctx.now, position=0, ended=False)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    refuse(db, ctx, AuditAction.BOOK, reference, refusal, holder)


def _add_booking(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    kind: BookingKind,
    starts_at: datetime | None,
    event_id: int | None,
    officer_id: int | None,
) -> Booking:
    if starts_at is not None and starts_at <= ctx.now:
        raise field_error(STARTS_AT, "The booking must be for a time in the future.")
    position, ended = journey_position(session, enquiry.id)
    if position >= stage_position(kind):
        raise field_error("kind", f"The journey has already recorded the {_words(kind)}.")
    if ended:
        raise field_error("kind", "The journey has ended: there is nothing to book.")
    for other in list_bookings(session, enquiry):
        status = status_of(
            other.state,
            other.kind,
            other.starts_at,
            journey_position=position,
            journey_ended=ended,
            now=ctx.now,
        )
        if other.kind == kind and is_open(status):
            raise field_error(
                "kind", f"An {_words(kind)} is already booked: move or cancel that booking."
            )
    officer = _officer(session, ctx, enquiry, officer_id)
    event: InfoEvent | None = None
    if kind is BookingKind.INITIAL_VISIT and event_id is not None:
        raise field_error(EVENT_ID, "An initial visit is not booked onto an event.")
    if event_id is not None:
        event = session.get(InfoEvent, event_id)
        if event is None or not event_serves(event, enquiry.authority_code, ctx.now):
            raise field_error(EVENT_ID, CHOOSE_AN_EVENT)
        if starts_at is not None:
            raise field_error(STARTS_AT, "Leave the time out: the event's time is used.")
        if event.starts_at <= ctx.now:
            raise field_error(EVENT_ID, "That event has already started: choose a later one.")
        starts_at = event.starts_at
    if starts_at is None:
        raise field_error(STARTS_AT, "Enter the date and time it is booked for.")
    if starts_at <= ctx.now:
        raise field_error(STARTS_AT, "The booking must be for a time in the future.")
    if event is not None and not take_place(session, event.id):
        raise field_error(EVENT_ID, "That event is full: choose another.")
    booking = Booking(
        enquiry_id=enquiry.id,
        authority_code=enquiry.authority_code or "",
        kind=kind,
        starts_at=starts_at,
        event_id=event.id if event is not None else None,
        officer_id=officer,
        state=BookingState.BOOKED,
        booked_at=ctx.now,
        booked_by=ctx.caller.actor,
        moves=0,
    )
    session.add(booking)
    session.flush()
    record_change(
        session,
        ChangeKind.BOOKING_MADE,
        authority_code=enquiry.authority_code,
        enquiry_id=enquiry.id,
        reference=enquiry.reference,
        at=ctx.now,
        detail={"booking_id": booking.id, "kind": str(kind), "starts_at": starts_at.isoformat()},
    )
    return booking


def _officer(
    session: Session, ctx: RequestContext, enquiry: Enquiry, officer_id: int | None
) -> int | None:
    """Who goes: the named officer (on a team holding the referral), else the caller if a
    staff member; an API token's booking may name nobody."""
    if officer_id is None:
        caller = ctx.caller
        return caller.user_id if isinstance(caller, Caller) else None
    user = find_user(session, officer_id)
    if user is None or not may_own(user, enquiry.authority_code, ctx.now):
        raise field_error("officer_id", NOT_ON_THE_TEAM)
    return user.id


def _words(kind: BookingKind) -> str:
    return "initial visit" if kind is BookingKind.INITIAL_VISIT else "information session"


def booking_view(booking: Booking, now: datetime, *, position: int, ended: bool) -> dict[str, Any]:
    """A booking as the API shows it, with what it means today (``status``)."""
    return {
        "id": booking.id,
        "kind": booking.kind,
        "starts_at": booking.starts_at,
        "event_id": booking.event_id,
        "officer_id": booking.officer_id,
        "state": booking.state,
        "status": status_of(
            booking.state,
            booking.kind,
            booking.starts_at,
            journey_position=position,
            journey_ended=ended,
            now=now,
        ),
        "reason": booking.reason,
        "moves": booking.moves,
        "booked_at": booking.booked_at,
        "booked_by": booking.booked_by,
    }
