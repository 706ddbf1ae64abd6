"""Council pages for bookings and information events: book an initial visit or an
information session from the referral page, a booking's own page (move, cancel, record what
happened), the officer's day, and the events list, form and page.

Thin: every read and action is the bookings API's own use case (hub/casework), called with
the signed-in staff member as the caller, so scoping (404 outside the council's scope),
auditing and the rules are the same as over the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from hub.casework.book import EVENT_ID, STARTS_AT, book
from hub.casework.booking_rules import is_open
from hub.casework.change_booking import (
    OCCURRED_AT,
    BookingOutcome,
    cancel_booking,
    move_booking,
    record_booking_outcome,
)
from hub.casework.manage_events import create_event, read_events
from hub.casework.models import BookingKind, BookingReason
from hub.casework.read_casework import read_casework
from hub.casework.read_event import read_event
from hub.casework.read_my_day import DayPeriod, read_my_day
from hub.casework.schemas import EventInSchema
from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.extensions import get_db
from hub.platform.openapi import ROW_ID
from hub.tracking.calendar import ENGLAND
from hub.web.council.referrals import FORMS, render_referral
from hub.web.shared.date_fields import date_parts, read_date, read_time
from hub.web.staff.forms import FormResult, refusal_errors
from hub.web.staff.session import council_staff_required, staff_request_context

bp = Blueprint("council_booking_pages", __name__, url_prefix="/council")

BOOKING_DAY = "booking"  # the date boxes' prefix on the referral page and the booking page
BOOKING_TIME = "booking-time"
BOOKING_KIND = "booking-kind"
BOOKING_EVENT = "booking-event"
EVENT_DAY = "event"
EVENT_TIME = "event-time"


def _when(
    form: Any, prefix: str, time_field: str, words: str
) -> tuple[datetime | None, dict[str, str]]:
    """The date boxes and the time box as one instant in England, or their errors."""
    errors: dict[str, str] = {}
    day, day_error = read_date(form, prefix, words)
    at, time_error = read_time(form.get(time_field, ""), words)
    if day_error:
        errors[prefix] = day_error
    if time_error:
        errors[time_field] = time_error
    if errors or day is None or at is None:
        return None, errors
    return datetime.combine(day, at, ENGLAND).astimezone(UTC), {}


def _field_errors(
    error: ValidationFailedError, fields: dict[str, str], main: str
) -> dict[str, str]:
    return {fields.get(item["field"], main): item["message"] for item in error.errors or []}


# -- booking from the referral page ---------------------------------------------------------


@bp.route("/referrals/<string:reference>/bookings", methods=["POST"])
@council_staff_required
def new_booking(reference: str) -> BaseResponse | tuple[str, int]:
    kind = request.form.get("kind", "")
    event = request.form.get("event_id", "").strip()
    errors: dict[str, str] = {}
    if kind not in set(BookingKind):
        errors[BOOKING_KIND] = "Choose what to book"
    starts_at = None
    if not event or any(date_parts(request.form, BOOKING_DAY)) or request.form.get(BOOKING_TIME):
        starts_at, when_errors = _when(request.form, BOOKING_DAY, BOOKING_TIME, "booking")
        if event and not when_errors:
            errors[BOOKING_EVENT] = "Choose an event or enter a date and time, not both"
        elif not event:
            errors.update(when_errors)
    if event and not (event.isdigit() and len(event) <= 18):
        errors[BOOKING_EVENT] = "Choose an event"
    if errors:
        return render_referral(
            reference, form="booking", result=FormResult(errors=errors), status=422
        )
    try:
        made = book(
            get_db(),
            staff_request_context(),
            reference,
            kind=kind,
            starts_at=None if event else starts_at,
            event_id=int(event) if event else None,
        )
    except HubError as error:
        if isinstance(error, NotFoundError):
            raise
        if isinstance(error, ValidationFailedError) and error.errors:
            fields = {STARTS_AT: BOOKING_DAY, EVENT_ID: BOOKING_EVENT, "kind": BOOKING_KIND}
            result = FormResult(errors=_field_errors(error, fields, BOOKING_KIND))
        else:
            result = refusal_errors(error, FORMS["booking"])
        return render_referral(reference, form="booking", result=result, status=error.status)
    flash(f"{_kind_words(made['kind'])} booked")
    return redirect(url_for("council_pages.referral", reference=reference) + "#bookings", 303)


def _kind_words(kind: str) -> str:
    return "Initial visit" if kind == BookingKind.INITIAL_VISIT else "Information session"


# -- a booking's own page -------------------------------------------------------------------


def _render_booking(
    reference: str,
    booking_id: int,
    *,
    form: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    ctx = staff_request_context()
    casework = read_casework(get_db(), ctx, reference)
    found = [b for b in casework["bookings"] if b["id"] == booking_id]
    if not found:
        abort(404)
    booking = found[0]
    events = []
    if booking["kind"] == BookingKind.INFORMATION_SESSION and booking["event_id"] is not None:
        events = [e for e in read_events(get_db(), ctx)["items"] if e["id"] != booking["event_id"]]
    errors = errors or {}
    page = render_template(
        "council/booking.html",
        reference=reference,
        booking=booking,
        open=is_open(booking["status"]),
        events=events,
        reasons=list(BookingReason),
        outcomes=BookingOutcome.ALL,
        form=form,
        values=request.form if form else {},
        errors=errors,
        error_list=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
    )
    return page, status


@bp.route(f"/referrals/<string:reference>/bookings/<{ROW_ID}:booking_id>", methods=["GET"])
@council_staff_required
def booking_page(reference: str, booking_id: int) -> tuple[str, int]:
    return _render_booking(reference, booking_id)


def _after_change(reference: str, words: str) -> BaseResponse:
    flash(words)
    back = request.form.get("back", "")
    if back.isdigit() and len(back) <= 18:  # the event page the outcome was recorded from
        return redirect(url_for("council_booking_pages.event_page", event_id=int(back)), 303)
    return redirect(url_for("council_pages.referral", reference=reference) + "#bookings", 303)


def _change_refused(reference: str, booking_id: int, form: str, error: HubError) -> tuple[str, int]:
    if isinstance(error, NotFoundError):
        raise error
    fields = {
        STARTS_AT: BOOKING_DAY,
        EVENT_ID: BOOKING_EVENT,
        "reason": f"{form}-reason",
        OCCURRED_AT: "outcome",
        "outcome": "outcome",
    }
    main = {"move": f"{form}-reason", "cancel": "cancel-reason", "outcome": "outcome"}[form]
    if isinstance(error, ValidationFailedError) and error.errors:
        errors = _field_errors(error, fields, main)
    else:
        errors = refusal_errors(error, main).errors
    return _render_booking(reference, booking_id, form=form, errors=errors, status=error.status)


def _reason(form: str) -> str | None:
    reason = request.form.get("reason", "")
    return reason if reason in set(BookingReason) else None


@bp.route(f"/referrals/<string:reference>/bookings/<{ROW_ID}:booking_id>/move", methods=["POST"])
@council_staff_required
def move(reference: str, booking_id: int) -> BaseResponse | tuple[str, int]:
    errors: dict[str, str] = {}
    reason = _reason("move")
    if reason is None:
        errors["move-reason"] = "Choose why it is moved"
    event = request.form.get("event_id", "").strip()
    starts_at = None
    if event and not (event.isdigit() and len(event) <= 18):
        errors[BOOKING_EVENT] = "Choose an event"
    if not event:
        starts_at, when_errors = _when(request.form, BOOKING_DAY, BOOKING_TIME, "new")
        errors.update(when_errors)
    if errors:
        return _render_booking(reference, booking_id, form="move", errors=errors, status=422)
    try:
        move_booking(
            get_db(),
            staff_request_context(),
            reference,
            booking_id,
            reason=reason or "",
            starts_at=starts_at,
            event_id=int(event) if event else None,
        )
    except HubError as error:
        return _change_refused(reference, booking_id, "move", error)
    return _after_change(reference, "Booking moved")


@bp.route(f"/referrals/<string:reference>/bookings/<{ROW_ID}:booking_id>/cancel", methods=["POST"])
@council_staff_required
def cancel(reference: str, booking_id: int) -> BaseResponse | tuple[str, int]:
    reason = _reason("cancel")
    if reason is None:
        errors = {"cancel-reason": "Choose why it is cancelled"}
        return _render_booking(reference, booking_id, form="cancel", errors=errors, status=422)
    try:
        cancel_booking(get_db(), staff_request_context(), reference, booking_id, reason=reason)
    except HubError as error:
        return _change_refused(reference, booking_id, "cancel", error)
    return _after_change(reference, "Booking cancelled")


@bp.route(f"/referrals/<string:reference>/bookings/<{ROW_ID}:booking_id>/outcome", methods=["POST"])
@council_staff_required
def outcome(reference: str, booking_id: int) -> BaseResponse | tuple[str, int]:
    chosen = request.form.get("outcome", "")
    if chosen not in BookingOutcome.ALL:
        errors = {"outcome": "Choose what happened"}
        return _render_booking(reference, booking_id, form="outcome", errors=errors, status=422)
    try:
        made = record_booking_outcome(
            get_db(), staff_request_context(), reference, booking_id, outcome=chosen
        )
    except HubError as error:
        return _change_refused(reference, booking_id, "outcome", error)
    if chosen == BookingOutcome.ATTENDED:
        words = f"{_kind_words(made['kind'])} recorded on the journey"
    else:
        words = "Recorded as did not attend"
    return _after_change(reference, words)


# -- the officer's day ----------------------------------------------------------------------


@bp.route("/my-day", methods=["GET"])
@council_staff_required
def my_day() -> str:
    period = request.args.get("period", DayPeriod.TODAY)
    if period not in set(DayPeriod):
        period = DayPeriod.TODAY
    day = read_my_day(get_db(), staff_request_context(), period=period)
    return render_template("council/my_day.html", day=day, period=period, periods=list(DayPeriod))


# -- information events ---------------------------------------------------------------------


def _render_events(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    errors = errors or {}
    page = render_template(
        "council/events.html",
        events=read_events(get_db(), staff_request_context())["items"],
        values=request.form,
        errors=errors,
        error_list=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
    )
    return page, status


@bp.route("/events", methods=["GET"])
@council_staff_required
def events() -> tuple[str, int]:
    return _render_events()


_MISSING = "Missing data for required field."
_EVENT_WORDS = {
    ("title", _MISSING): "Enter the event's title",
    ("capacity", _MISSING): "Enter the number of places",
    ("capacity", "Not a valid integer."): "The number of places must be a whole number",
    ("capacity", "Must be greater than or equal to 1 and less than or equal to 1000."): (
        "The number of places must be between 1 and 1000"
    ),
}


@bp.route("/events", methods=["POST"])
@council_staff_required
def new_event() -> BaseResponse | tuple[str, int]:
    starts_at, errors = _when(request.form, EVENT_DAY, EVENT_TIME, "event")
    raw: dict[str, Any] = {
        name: value
        for name in ("title", "place", "online_link")
        if (value := request.form.get(name, "").strip())
    }
    capacity = request.form.get("capacity", "").strip()
    if capacity:
        raw["capacity"] = int(capacity) if capacity.isdigit() and len(capacity) < 6 else capacity
    data: dict[str, Any] = {}
    try:
        data = EventInSchema().load(raw, partial=("starts_at",))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        for name, message in messages.items():
            text = str(message[0] if isinstance(message, list) else message)
            errors[f"event-{name}"] = _EVENT_WORDS.get((str(name), text), text)
    if errors or starts_at is None:
        return _render_events(errors, 422)
    try:
        made = create_event(
            get_db(),
            staff_request_context(),
            title=data["title"],
            starts_at=starts_at,
            capacity=data["capacity"],
            place=data.get("place"),
            online_link=data.get("online_link"),
        )
    except ValidationFailedError as error:
        fields = {STARTS_AT: EVENT_DAY, "place": "event-place"}
        return _render_events(_field_errors(error, fields, "event-title"), error.status)
    flash("Information event created")
    return redirect(url_for("council_booking_pages.event_page", event_id=made["id"]), 303)


@bp.route(f"/events/<{ROW_ID}:event_id>", methods=["GET"])
@council_staff_required
def event_page(event_id: int) -> str:
    event = read_event(get_db(), staff_request_context(), event_id)
    return render_template("council/event.html", event=event, outcomes=BookingOutcome.ALL)
