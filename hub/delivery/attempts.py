"""What one attempt came to, whichever sender made it (when to try again: ``retry_schedule``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AttemptOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # network error, timeout, 5xx, 408, 429: try again later
    FAILED = "failed"  # any other 4xx (or a redirect, which is not followed): do not retry
    GONE = "gone"  # 410: the subscriber asks us to stop


@dataclass(frozen=True, slots=True)
class AttemptResult:
    outcome: AttemptOutcome
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None
    excerpt: str | None = None


def outcome_for_status(status_code: int) -> AttemptOutcome:
    if 200 <= status_code < 300:
        return AttemptOutcome.DELIVERED
    if status_code == 410:
        return AttemptOutcome.GONE
    if status_code in (408, 429) or status_code >= 500:
        return AttemptOutcome.RETRY
    return AttemptOutcome.FAILED
