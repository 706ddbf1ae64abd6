"""The no-response rule: N unanswered attempts on 2 working days, and what is still missing."""

from __future__ import annotations

from datetime import datetime

from hub.casework.no_response_rule import no_response_readiness
from hub.rules.tracking_policy import NoResponsePolicy
from hub.tracking.calendar import WorkingCalendar
from tests.tracking.support import london

RULE = NoResponsePolicy()  # 2 attempts on 2 working days


def _missing(*times: datetime, policy: NoResponsePolicy = RULE) -> str:
    return no_response_readiness(times, policy, WorkingCalendar()).missing_words


def test_nothing_yet_needs_two_attempts_on_two_working_days() -> None:
    assert _missing() == "2 more attempts on 2 more different working days"


def test_one_attempt_needs_one_more_on_another_working_day() -> None:
    assert _missing(london(2026, 11, 23, 10)) == "1 more attempt on another working day"


def test_two_attempts_on_one_day_still_need_another_working_day() -> None:
    monday = (london(2026, 11, 23, 10), london(2026, 11, 23, 16))
    assert _missing(*monday) == "1 more attempt on another working day"


def test_two_attempts_on_two_working_days_are_enough() -> None:
    readiness = no_response_readiness(
        (london(2026, 11, 23, 10), london(2026, 11, 24, 10)), RULE, WorkingCalendar()
    )
    assert readiness.ready and readiness.missing_words == ""


def test_a_weekend_or_bank_holiday_attempt_counts_as_an_attempt_but_not_a_working_day() -> None:
    # Saturday 28 November 2026, and Christmas Day (a Friday) are not working days.
    assert _missing(london(2026, 11, 23, 10), london(2026, 11, 28, 10)) == (
        "1 more attempt on another working day"
    )
    assert _missing(london(2026, 12, 24, 10), london(2026, 12, 25, 10)) == (
        "1 more attempt on another working day"
    )


def test_a_council_closure_day_is_not_a_working_day() -> None:
    closed = WorkingCalendar([london(2026, 11, 24, 0).date()])
    readiness = no_response_readiness(
        (london(2026, 11, 23, 10), london(2026, 11, 24, 10)), RULE, closed
    )
    assert readiness.missing_words == "1 more attempt on another working day"


def test_the_number_of_attempts_comes_from_the_policy() -> None:
    three = NoResponsePolicy(attempts=3)
    two_days = (london(2026, 11, 23, 10), london(2026, 11, 24, 10))
    assert _missing(*two_days, policy=three) == "1 more attempt"
    assert _missing(london(2026, 11, 23, 10), policy=three) == (
        "2 more attempts, one of them on another working day"
    )
