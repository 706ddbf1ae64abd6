"""Working days in England: weekdays that are not bank holidays nor a council's closure days.

Bank holidays come from the ``holidays`` package (England's list, computed locally: no
network). A clock of N working days started on day D is due by the end of the Nth working day
after D, whatever the time on D: a referral routed on Friday 19 December 2025 at 17:00 with a
1-day target is due by the end of Monday 22 December; one routed on Christmas Eve 2025 is due
by the end of Monday 29 December (25 and 26 December are bank holidays).
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

# England's clock and "the day in England at an instant" are the routing rules' own.
from hub.rules.engine import LONDON
from hub.rules.engine import local_day as local_day

ENGLAND = LONDON


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in England, in UTC (a deadline 'by the end of day')."""
    return datetime.combine(day + timedelta(days=1), time(), ENGLAND).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


class WorkingCalendar:
    """England's working days, less one council's closure days."""

    def __init__(self, closure_days: Iterable[date] = ()) -> None:
        self.closure_days = frozenset(closure_days)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not is_bank_holiday(day) and day not in self.closure_days

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
        current = day
        while count > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count -= 1
        return current

    def deadline(self, start: datetime, working_days: int) -> datetime:
        """When a clock of ``working_days`` started at ``start`` is breached (UTC)."""
        return end_of_day(self.add_working_days(local_day(start), working_days))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )
