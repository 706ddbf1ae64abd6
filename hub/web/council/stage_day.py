"""When a stage happened, as a council officer gives it: a day (blank for today).

The officer knows the day of a visit or a panel, rarely the minute, so the page asks for a
date and the tracking room turns the day into an instant (``record_progress(occurred_on=...)``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.tracking.calendar import local_day
from hub.tracking.errors import StageTimeError
from hub.web.shared.date_fields import date_parts, read_date
from hub.web.staff.display import local_time

STAGE_DAY = "occurred"  # the date boxes' prefix and the id an error links to
REASONS_SENT_DAY = "reasons-sent"  # the day written reasons were sent (not progressed, refused)


def read_stage_day(form: Any, today: date) -> tuple[date | None, str | None]:
    """The day from the boxes (None when all are blank: today), or the error to show."""
    if not any(date_parts(form, STAGE_DAY)):
        return None, None
    day, error = read_date(form, STAGE_DAY, "stage")
    if error is not None:
        return None, error
    assert day is not None
    if day > today:
        return None, "The stage date must be today or in the past"
    return day, None


def read_reasons_sent_day(form: Any) -> tuple[date | None, str | None]:
    """The day written reasons were sent (None when the boxes are blank), or the error."""
    if not any(date_parts(form, REASONS_SENT_DAY)):
        return None, None
    return read_date(form, REASONS_SENT_DAY, "written reasons")


def stage_time_words(error: StageTimeError) -> str:
    """The tracking room's refusal of a time, in words for the page."""
    if error.after is None:
        return "The stage date must be today or in the past"
    return (
        f"The stage date must be on or after {local_time(local_day(error.after))}, "
        f"when {error.what}"
    )
