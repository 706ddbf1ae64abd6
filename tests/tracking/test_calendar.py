"""Working days in England: weekends, bank holidays (the holidays package) and closure days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hub.tracking.calendar import WorkingCalendar, add_months, end_of_day

LONDON = ZoneInfo("Europe/London")


def test_routed_friday_evening_is_due_by_the_end_of_monday() -> None:
    routed = datetime(2025, 12, 19, 17, 0, tzinfo=LONDON)
    due = WorkingCalendar().deadline(routed, 1)
    assert due == datetime(2025, 12, 23, 0, 0, tzinfo=LONDON)


def test_routed_on_christmas_eve_skips_both_bank_holidays_and_the_weekend() -> None:
    routed = datetime(2025, 12, 24, 9, 30, tzinfo=LONDON)
    assert WorkingCalendar().deadline(routed, 1) == end_of_day(date(2025, 12, 29))


def test_a_council_closure_day_is_not_a_working_day() -> None:
    closed = WorkingCalendar({date(2025, 12, 29), date(2025, 12, 30)})
    routed = datetime(2025, 12, 24, 9, 30, tzinfo=LONDON)
    assert closed.deadline(routed, 1) == end_of_day(date(2025, 12, 31))


def test_deadline_is_end_of_day_in_england_in_summer_time() -> None:
    # 1 July 2026 is in British Summer Time: the end of Thursday 2 July is 23:00 UTC.
    routed = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert WorkingCalendar().deadline(routed, 1) == datetime(2026, 7, 2, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 7)),  # Easter: Good Friday and Easter Monday
        (date(2026, 5, 1), date(2026, 5, 5)),  # Early May bank holiday on 4 May
        (date(2026, 8, 28), date(2026, 9, 1)),  # Summer bank holiday on 31 August
    ],
)
def test_bank_holidays_are_skipped(day: date, expected: date) -> None:
    assert WorkingCalendar().add_working_days(day, 1) == expected


def test_ten_working_days_from_first_contact_over_christmas() -> None:
    # 22 Dec 2025 + 10 working days: 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7, 8 Jan (1 Jan off).
    assert WorkingCalendar().add_working_days(date(2025, 12, 22), 10) == date(2026, 1, 8)


def test_working_days_between_counts_days_after_the_start() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(date(2025, 12, 19), date(2025, 12, 22)) == 1
    assert calendar.working_days_between(date(2025, 12, 24), date(2025, 12, 29)) == 1
    assert calendar.working_days_between(date(2025, 12, 22), date(2025, 12, 22)) == 0


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 8) == date(2026, 8, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
