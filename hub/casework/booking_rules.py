"""What a booking's state means on the day: a pure function of the booking and its journey.

A booking is a plan; the journey's stage is what happened. So a booking is *done* once its
stage (``initial_visit`` or ``information_session``) is recorded, on the booking or on the
progress page (the journey's furthest progress reaches it), and *overdue* once its time has
passed with neither an outcome nor the stage. A journey that ended closes it too.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from hub.casework.models import BookingKind, BookingState
from hub.tracking.stages import Stage, position_of


class BookingStatus(StrEnum):
    UPCOMING = "upcoming"
    OVERDUE = "overdue"  # past its time without an outcome
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"
    STAGE_RECORDED = "stage_recorded"  # the journey reached the stage another way
    JOURNEY_ENDED = "journey_ended"


def stage_position(kind: BookingKind) -> int:
    """The journey position that records what ``kind`` plans (2 or 3)."""
    return position_of(Stage(kind))


def status_of(
    state: BookingState,
    kind: BookingKind,
    starts_at: datetime,
    *,
    journey_position: int,
    journey_ended: bool,
    now: datetime,
) -> BookingStatus:
    if state is not BookingState.BOOKED:
        return BookingStatus(state)
    if journey_position >= stage_position(kind):
        return BookingStatus.STAGE_RECORDED
    if journey_ended:
        return BookingStatus.JOURNEY_ENDED
    return BookingStatus.OVERDUE if starts_at <= now else BookingStatus.UPCOMING


def is_open(status: BookingStatus) -> bool:
    return status in (BookingStatus.UPCOMING, BookingStatus.OVERDUE)
