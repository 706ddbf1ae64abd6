"""Information events: a council or its delivery body creates sessions (a time, a place or an
online link, a number of places); its officers, and the officers of every council a delivery
body serves, book referrals onto them (``book.py``).

Who runs an event is the caller's own scope (a council's code, or the delivery body's name),
never chosen in the body. Creating is audited; the list holds no personal data (the places
left, and how many of the caller's own people are booked).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from hub.access.caller import Caller, RequestContext
from hub.access.models import TokenScope
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.errors import field_error
from hub.casework.models import Booking, BookingState, InfoEvent
from hub.casework.queries import list_events
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.referrals.queries import scoped_referrals
from hub.tracking.calendar import ENGLAND, local_day


def create_event(
    db: Database,
    ctx: RequestContext,
    *,
    title: str,
    starts_at: datetime,
    capacity: int,
    place: str | None = None,
    online_link: str | None = None,
) -> dict[str, Any]:
    caller = ctx.caller
    # The API's guard and the council pages' decorator let in no other kind of caller.
    assert isinstance(caller, Caller)
    assert caller.scope in (TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)
    if starts_at <= ctx.now:
        raise field_error("starts_at", "The event must be at a time in the future.")
    if not place and not online_link:
        raise field_error("place", "Enter where it is held, or its online link.")
    with db.transaction() as session:
        event = InfoEvent(
            scope=str(caller.scope),
            scope_value=caller.scope_value or "",
            title=title,
            starts_at=starts_at,
            place=place or None,
            online_link=online_link or None,
            capacity=capacity,
            places_taken=0,
            created_at=ctx.now,
            created_by=caller.actor,
        )
        session.add(event)
        session.flush()
        add_audit_event(
            session,
            ctx,
            AuditAction.CREATE_EVENT,
            AuditOutcome.OK,
            detail={"event_id": event.id, "capacity": capacity},
        )
        return event_view(event, own_booked=0)


def read_events(db: Database, ctx: RequestContext) -> dict[str, Any]:
    """The events the caller may book onto, from the start of today (England), soonest first."""
    caller = ctx.caller
    today = datetime.combine(local_day(ctx.now), datetime.min.time(), ENGLAND)
    with db.sessions() as session:
        events = list_events(session, caller.authority_codes, today, ctx.now)
        counts: dict[int, int] = {}
        if events:
            rows = session.execute(
                select(Booking.event_id, func.count())
                .select_from(Booking)
                .join(Enquiry, Enquiry.id == Booking.enquiry_id)
                .where(
                    Enquiry.id.in_(scoped_referrals(caller).with_only_columns(Enquiry.id)),
                    Booking.event_id.in_([e.id for e in events]),
                    Booking.authority_code == Enquiry.authority_code,
                    Booking.state != BookingState.CANCELLED,
                )
                .group_by(Booking.event_id)
            ).all()
            counts = {int(row[0] or 0): int(row[1]) for row in rows}
        return {"items": [event_view(e, own_booked=counts.get(e.id, 0)) for e in events]}


def event_view(event: InfoEvent, *, own_booked: int) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": event.starts_at,
        "place": event.place,
        "online_link": event.online_link,
        "capacity": event.capacity,
        "places_left": max(event.capacity - event.places_taken, 0),
        "run_by": {"scope": event.scope, "value": event.scope_value},
        "own_booked": own_booked,
    }
