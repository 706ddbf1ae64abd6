"""When a failed delivery is tried again: the schedule, its jitter, and a receiver's
``Retry-After``."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

# Seconds after each failed attempt: quick at first, then longer; about 3 days in all (the
# sum is 71.7 hours), as Stripe and Svix do. The last attempt is the 15th.
RETRY_DELAYS = (
    5,
    30,
    120,
    600,
    1800,
    3600,
    7200,
    14400,
    28800,
    43200,
    43200,
    43200,
    43200,
    28800,
)
MAX_RETRY_AFTER = 24 * 3600
JITTER = 0.2


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


def next_attempt_at(
    attempts: int,
    now: datetime,
    *,
    scale: float = 1.0,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """When to try again after ``attempts`` failed attempts: backoff with jitter, or the
    receiver's ``Retry-After`` when it asked for longer."""
    base = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1] * scale
    jittered = base * (1 + (rng or random).uniform(-JITTER, JITTER))
    delay = max(jittered, retry_after or 0.0)
    return now + timedelta(seconds=delay)
