"""Clock badges for a list of referrals: "breached" or "due today", from the open clocks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
from hub.tracking.calendar import local_day
from hub.tracking.models import ClockState, JourneyClock


class ClockBadge(StrEnum):
    BREACHED = "breached"
    DUE_TODAY = "due today"


def clock_badges(
    session: Session, references: Collection[str], now: datetime
) -> dict[str, ClockBadge]:
    """The most urgent badge of each referral's open clocks (none for clocks met or stopped).

    A running clock past its due time is breached before the sweep has marked it.
    """
    if not references:
        return {}
    rows = session.execute(
        select(Enquiry.reference, JourneyClock.state, JourneyClock.due_at)
        .join(JourneyClock, JourneyClock.enquiry_id == Enquiry.id)
        .where(
            Enquiry.reference.in_(sorted(references)),
            JourneyClock.state.in_([ClockState.RUNNING, ClockState.BREACHED]),
            JourneyClock.met_at.is_(None),
        )
    ).all()
    today = local_day(now)
    badges: dict[str, ClockBadge] = {}
    for reference, state, due_at in rows:
        if state == ClockState.BREACHED or due_at <= now:
            badges[reference] = ClockBadge.BREACHED
        # A deadline is the first instant after its day: the day is the one just before it.
        elif local_day(due_at - timedelta(microseconds=1)) == today and reference not in badges:
            badges[reference] = ClockBadge.DUE_TODAY
    return badges
