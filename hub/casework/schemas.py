"""What the casework API takes and gives: the tray, owners, contact attempts, notes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.casework.booking_rules import BookingStatus
from hub.casework.change_booking import BookingOutcome
from hub.casework.models import (
    BookingKind,
    BookingReason,
    BookingState,
    ClosureState,
    ContactChannel,
    ContactOutcome,
)
from hub.casework.read_my_day import DayPeriod
from hub.casework.read_tray import NO_OWNER, NO_STAGE, TRAY_CURSOR, ClockFilter, TrayView
from hub.platform.fields import (
    MAX_ROW_ID,
    CleanString,
    StrictBoolean,
    StrictInteger,
    StrictSchema,
    UTCDateTime,
)
from hub.platform.pagination import cursor_field
from hub.referrals.schemas import PageQuerySchema
from hub.tracking.stages import Stage

MAX_NOTE = 2000
_NOTE_LENGTH = validate.Length(max=MAX_NOTE, error="Keep the note to {max} characters or fewer.")


class TrayQuerySchema(PageQuerySchema):
    cursor = cursor_field(TRAY_CURSOR)
    view = fields.String(
        load_default=str(TrayView.TEAM),
        validate=validate.OneOf([str(v) for v in TrayView]),
        metadata={
            "description": "unallocated, mine (the signed-in staff member's; empty for an API "
            "token, which owns nothing) or team."
        },
    )
    stage = fields.String(
        validate=validate.OneOf([NO_STAGE, *(str(s) for s in Stage)]),
        metadata={"description": "The journey's last stage; none: no stage recorded yet."},
    )
    owner = fields.String(
        validate=validate.Regexp(rf"^({NO_OWNER}|[1-9][0-9]{{0,17}})$"),
        metadata={"description": "A staff member's id, or none (unallocated)."},
    )
    clock = fields.String(
        validate=validate.OneOf([str(c) for c in ClockFilter]),
        metadata={"description": "breached, running (not yet due) or none (no open clock)."},
    )
    # "from" is a Python keyword: the query parameter is read into received_from.
    received_from = fields.Date(
        data_key="from", metadata={"description": "Received on or after this day (England)."}
    )
    received_to = fields.Date(
        data_key="to", metadata={"description": "Received on or before this day (England)."}
    )

    @validates_schema
    def _range_in_order(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("received_from"), data.get("received_to")
        if start is not None and end is not None and end < start:
            raise ValidationError("Must be on or after from.", "to")


class OwnerSchema(Schema):
    user_id = fields.Integer(required=True)
    email = fields.String(allow_none=True)
    assigned_at = fields.DateTime()


class TrayItemSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "FE-7K3M9Q2D"})
    status = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    authority_code = fields.String(allow_none=True)
    given_name = fields.String(allow_none=True, metadata={"description": "Personal data."})
    family_name = fields.String(allow_none=True, metadata={"description": "Personal data."})
    stage = fields.String(allow_none=True)
    owner = fields.Nested(OwnerSchema, allow_none=True)
    next_due_at = fields.DateTime(
        allow_none=True, metadata={"description": "The earliest running clock's due time."}
    )
    follow_up_due_on = fields.Date(
        allow_none=True, metadata={"description": "The earliest open council follow-up."}
    )
    flags = fields.List(
        fields.String(),
        metadata={
            "description": "repeat_enquiry, not_yet_contacted, clock_breached, booking_overdue "
            "(a booking past its time without an outcome), connected_person (wants to care for "
            "a child they already know), task_overdue (a Stage 1 task: the home council's views "
            "or a previous provider's reference not received by its due day)."
        },
    )
    next_booking_at = fields.DateTime(
        allow_none=True, metadata={"description": "The earliest open booking's time."}
    )


class TrayPageSchema(Schema):
    items = fields.List(fields.Nested(TrayItemSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class OwnerInSchema(StrictSchema):
    user_id = StrictInteger(
        validate=validate.Range(1, MAX_ROW_ID),
        metadata={
            "description": "The staff member to own it (a manager's choice); leave out to take "
            "it yourself (a signed-in staff member)."
        },
    )


class OwnerResultSchema(Schema):
    reference = fields.String(required=True)
    owner_id = fields.Integer(required=True)
    changed = fields.Boolean(required=True)


class ContactAttemptInSchema(StrictSchema):
    channel = fields.String(
        required=True, validate=validate.OneOf([str(c) for c in ContactChannel])
    )
    outcome = fields.String(
        required=True, validate=validate.OneOf([str(o) for o in ContactOutcome])
    )
    attempted_at = UTCDateTime(
        metadata={"description": "When (default now): not in the future, not before receipt."}
    )
    note = CleanString(
        validate=_NOTE_LENGTH,
        allow_newlines=True,
        metadata={"description": "Free text, kept encrypted."},
    )
    first_contact = StrictBoolean(
        load_default=True,
        metadata={
            "description": "The first attempt that reached the enquirer records first contact "
            "unless this is false."
        },
    )


class ContactAttemptSchema(Schema):
    id = fields.Integer(required=True)
    channel = fields.String(required=True)
    outcome = fields.String(required=True)
    attempted_at = fields.DateTime(required=True)
    recorded_at = fields.DateTime(required=True)
    by = fields.String(required=True)
    by_email = fields.String(allow_none=True)
    first_contact = fields.Boolean(required=True)
    note = fields.String(allow_none=True)


class NoteInSchema(StrictSchema):
    text = CleanString(
        required=True,
        validate=_NOTE_LENGTH,
        allow_newlines=True,
        metadata={"description": "Free text, kept encrypted; never in webhooks or e-mails."},
    )


class NoteSchema(Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    written_at = fields.DateTime(required=True)
    by = fields.String(required=True)
    by_email = fields.String(allow_none=True)


class NoResponseSchema(Schema):
    attempts_required = fields.Integer(required=True)
    working_days_required = fields.Integer(required=True)
    unanswered_attempts = fields.Integer(required=True)
    working_days = fields.Integer(required=True)
    ready = fields.Boolean(required=True)
    missing = fields.String(
        allow_none=True, metadata={"example": "1 more attempt on another working day"}
    )
    state = fields.String(allow_none=True, validate=validate.OneOf([str(s) for s in ClosureState]))
    requested_by_email = fields.String(allow_none=True)
    requested_at = fields.DateTime(allow_none=True)
    waiting_for_manager = fields.Boolean(required=True)


class PossibleOwnerSchema(Schema):
    user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)


class CaseworkSchema(Schema):
    reference = fields.String(required=True)
    owner = fields.Nested(OwnerSchema, allow_none=True)
    attempts = fields.List(fields.Nested(ContactAttemptSchema), required=True)
    notes = fields.List(fields.Nested(NoteSchema), required=True)
    no_response = fields.Nested(NoResponseSchema, required=True)
    bookings = fields.List(fields.Nested("BookingSchema"), required=True)
    possible_owners = fields.List(fields.Nested(PossibleOwnerSchema), required=True)


class NoResponseResultSchema(Schema):
    reference = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "requested or closed."})


# -- bookings and information events --------------------------------------------------------

_ID = validate.Range(1, MAX_ROW_ID)
_REASONS = validate.OneOf([str(r) for r in BookingReason])


class BookingInSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf([str(k) for k in BookingKind]))
    starts_at = UTCDateTime(
        metadata={
            "description": "When (in the future). An initial visit needs it; an information "
            "session needs it or event_id, not both."
        }
    )
    event_id = StrictInteger(
        validate=_ID,
        metadata={"description": "An information event of your council or its delivery body."},
    )
    officer_id = StrictInteger(
        validate=_ID,
        metadata={
            "description": "The staff member who goes (on a team that holds the referral); "
            "default: the signed-in staff member."
        },
    )


class BookingMoveInSchema(StrictSchema):
    reason = fields.String(required=True, validate=_REASONS)
    starts_at = UTCDateTime(metadata={"description": "The new time (in the future)."})
    event_id = StrictInteger(
        validate=_ID, metadata={"description": "Another event, for a place on an event."}
    )


class BookingCancelInSchema(StrictSchema):
    reason = fields.String(required=True, validate=_REASONS)


class BookingOutcomeInSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(BookingOutcome.ALL))
    occurred_at = UTCDateTime(
        metadata={
            "description": "When it happened (attended; default the booking's time): not in "
            "the future."
        }
    )


class BookingSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([str(k) for k in BookingKind]))
    starts_at = fields.DateTime(required=True)
    event_id = fields.Integer(allow_none=True)
    officer_id = fields.Integer(allow_none=True)
    officer_email = fields.String(allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf([str(s) for s in BookingState]))
    status = fields.String(
        required=True,
        validate=validate.OneOf([str(s) for s in BookingStatus]),
        metadata={
            "description": "upcoming, overdue (past its time, no outcome), attended, "
            "did_not_attend, cancelled, stage_recorded (the journey reached the stage another "
            "way) or journey_ended."
        },
    )
    reason = fields.String(allow_none=True)
    moves = fields.Integer(required=True)
    booked_at = fields.DateTime(required=True)
    booked_by = fields.String(required=True)
    event_title = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    online_link = fields.String(allow_none=True)
    reference = fields.String()
    authority_code = fields.String(allow_none=True)
    given_name = fields.String(allow_none=True, metadata={"description": "Personal data."})
    family_name = fields.String(allow_none=True, metadata={"description": "Personal data."})


class MyDayQuerySchema(StrictSchema):
    period = fields.String(
        load_default=str(DayPeriod.TODAY), validate=validate.OneOf([str(p) for p in DayPeriod])
    )


class MyDaySchema(Schema):
    period = fields.String(required=True)
    start = fields.DateTime(required=True, data_key="from")
    end = fields.DateTime(required=True, data_key="to")
    items = fields.List(fields.Nested(BookingSchema), required=True)


# An https address: a host name, an optional port, then printable characters without spaces.
ONLINE_LINK = r"^https://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[!-~]*)?$"


class EventInSchema(StrictSchema):
    title = CleanString(required=True, validate=validate.Length(max=120))
    starts_at = UTCDateTime(required=True, metadata={"description": "In the future."})
    place = CleanString(
        validate=validate.Length(max=200),
        metadata={
            "description": "Where (a venue, not a person's address); an event needs this "
            "or online_link."
        },
    )
    online_link = fields.String(
        validate=[
            validate.Length(max=500),
            validate.Regexp(ONLINE_LINK, error="Enter the online link in full, starting https://"),
        ],
        metadata={"description": "An https link to join online.", "pattern": ONLINE_LINK},
    )
    capacity = StrictInteger(required=True, validate=validate.Range(1, 1000))


class RunBySchema(Schema):
    scope = fields.String(required=True)
    value = fields.String(required=True)


class EventSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    place = fields.String(allow_none=True)
    online_link = fields.String(allow_none=True)
    capacity = fields.Integer(required=True)
    places_left = fields.Integer(required=True)
    run_by = fields.Nested(RunBySchema, required=True)
    own_booked = fields.Integer(
        required=True, metadata={"description": "Places taken by your council's referrals."}
    )
    places = fields.List(
        fields.Nested(BookingSchema),
        metadata={"description": "Your council's referrals booked on it (never another's)."},
    )


class EventListSchema(Schema):
    items = fields.List(fields.Nested(EventSchema), required=True)
