# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""The bookings API: book an initial visit or an information session, move, cancel, record
what happened; the officer's day; information events (create, list, read with your own
people on them).

Every route needs a council or delivery-body token. A referral or booking outside the
caller's scope (one transferred away included) is a 404, audited as denied; so is an event
run by neither the caller's council nor its delivery body.
"""

from __future__ import annotations

from typing import Any

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.casework.book import book
from hub.casework.change_booking import cancel_booking, move_booking, record_booking_outcome
from hub.casework.manage_events import create_event, read_events
from hub.casework.read_event import read_event
from hub.casework.read_my_day import read_my_day
from hub.casework.schemas import (
    BookingCancelInSchema,
    BookingInSchema,
    BookingMoveInSchema,
    BookingOutcomeInSchema,
    BookingSchema,
    EventInSchema,
    EventListSchema,
    EventSchema,
    MyDayQuerySchema,
    MyDaySchema,
)
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db
from hub.platform.openapi import ROW_ID

blp = Blueprint(
    "council_bookings",
    __name__,
    description="Council bookings: initial visits, information sessions and events.",
)

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_NOT_FOUND = "No such referral or booking in your inbox (also for other councils')."
_CHECK = "The body needs checking (problem+json with errors by field); nothing is stored."
_CLOSED = "The booking is closed (an outcome, cancelled, or the journey reached the stage)."
_BOOKING = f"/v1/council/referrals/<string:reference>/bookings/<{ROW_ID}:booking_id>"


@blp.before_request
def _authenticate() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@blp.route("/v1/council/referrals/<string:reference>/bookings", methods=["POST"])
@blp.arguments(BookingInSchema, location="json")
@blp.response(201, BookingSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="The referral changed meanwhile; try again.")
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def create_booking(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Book an initial visit or an information session for a time in the future, or an
    information session onto an event (one of its places). Audited."""
    return book(get_db(), request_context(), reference, **data)


@blp.route(f"{_BOOKING}/move", methods=["POST"])
@blp.arguments(BookingMoveInSchema, location="json")
@blp.response(200, BookingSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description=_CLOSED)
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def move(data: dict[str, Any], reference: str, booking_id: int) -> dict[str, Any]:
    """Move a booking to a new time, or a place to another event, with a reason. Audited."""
    return move_booking(get_db(), request_context(), reference, booking_id, **data)


@blp.route(f"{_BOOKING}/cancel", methods=["POST"])
@blp.arguments(BookingCancelInSchema, location="json")
@blp.response(200, BookingSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description=_CLOSED)
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def cancel(data: dict[str, Any], reference: str, booking_id: int) -> dict[str, Any]:
    """Cancel a booking with a reason (an event's place is given back). Audited."""
    return cancel_booking(get_db(), request_context(), reference, booking_id, **data)


@blp.route(f"{_BOOKING}/outcome", methods=["POST"])
@blp.arguments(BookingOutcomeInSchema, location="json")
@blp.response(200, BookingSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description=_CLOSED + " Or the stage cannot follow the journey's last.")
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def outcome(data: dict[str, Any], reference: str, booking_id: int) -> dict[str, Any]:
    """Record what happened: attended records the stage (initial_visit meets the
    initial-visit clock; information_session), did_not_attend records none. Audited."""
    return record_booking_outcome(get_db(), request_context(), reference, booking_id, **data)


@blp.route("/v1/council/my-day", methods=["GET"])
@blp.arguments(MyDayQuerySchema, location="query")
@blp.response(200, MyDaySchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(422, description="period is today or week.")
@blp.doc(security=BEARER_SECURITY)
def my_day(args: dict[str, Any]) -> dict[str, Any]:
    """The signed-in officer's bookings today or this week (England), and their overdue ones;
    empty for an API token, which is no person. Audited."""
    return read_my_day(get_db(), request_context(), period=args["period"])


@blp.route("/v1/council/events", methods=["POST"])
@blp.arguments(EventInSchema, location="json")
@blp.response(201, EventSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def new_event(data: dict[str, Any]) -> dict[str, Any]:
    """Create an information event run by your council or delivery body (a delivery body's
    takes referrals of all its councils). Audited."""
    return create_event(get_db(), request_context(), **data)


@blp.route("/v1/council/events", methods=["GET"])
@blp.response(200, EventListSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.doc(security=BEARER_SECURITY)
def events() -> dict[str, Any]:
    """The events you may book onto, from today, soonest first, with the places left."""
    return read_events(get_db(), request_context())


@blp.route(f"/v1/council/events/<{ROW_ID}:event_id>", methods=["GET"])
@blp.response(200, EventSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description="No such event run by your council or its delivery body.")
@blp.doc(security=BEARER_SECURITY)
def event(event_id: int) -> dict[str, Any]:
    """One event with your own referrals booked on it (never another council's). Audited."""
    return read_event(get_db(), request_context(), event_id)
