"""When a council may close an enquiry as "no response", and what is still missing (pure).

The rule is council practice, not law: at least N unanswered contact attempts (the rules
file's ``tracking.no_response.attempts``, 2 unless set: Cambridgeshire publishes "at least two
contact attempts before closing") on at least 2 different working days (England's working
days less the council's closure days), and then the team manager's agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hub.rules.tracking_policy import NoResponsePolicy
from hub.tracking.calendar import WorkingCalendar, local_day


@dataclass(frozen=True, slots=True)
class NoResponseReadiness:
    attempts: int  # unanswered attempts so far
    working_days: int  # different working days they were made on
    missing_attempts: int  # more attempts needed, whatever the day
    missing_days: int  # more different working days needed

    @property
    def ready(self) -> bool:
        return self.missing_attempts == 0 and self.missing_days == 0

    @property
    def missing_words(self) -> str:
        """What is missing, for the page: "1 more attempt on another working day"."""
        if self.ready:
            return ""
        more = max(self.missing_attempts, self.missing_days)
        words = f"{more} more attempt{'' if more == 1 else 's'}"
        if self.missing_days == 0:
            return words
        if self.missing_days == 1:
            if more == 1:
                return f"{words} on another working day"
            return f"{words}, one of them on another working day"
        return f"{words} on {self.missing_days} more different working days"


def no_response_readiness(
    unanswered: Iterable[datetime], policy: NoResponsePolicy, calendar: WorkingCalendar
) -> NoResponseReadiness:
    """How far the unanswered attempts made at ``unanswered`` go towards the rule."""
    times = list(unanswered)
    days = {local_day(at) for at in times}
    working = sum(1 for day in days if calendar.is_working_day(day))
    return NoResponseReadiness(
        attempts=len(times),
        working_days=working,
        missing_attempts=max(0, policy.attempts - len(times)),
        missing_days=max(0, policy.working_days - working),
    )
