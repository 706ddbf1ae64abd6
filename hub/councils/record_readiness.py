"""Readiness over time: every council's readiness written once a day, and read back.

The daily job (beat) writes one row per council for the day (again the same day: the row is
replaced by the later reading). A report over days counts, per council, the days it was
ready; a day the job did not run is absent, never counted as either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select

from hub.councils.models import CouncilReadinessDay
from hub.councils.readiness import list_unacknowledged_referrals, read_readiness
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.rules.model import RuleSet


def record_readiness(db: Database, rules: RuleSet, *, now: datetime | None = None) -> int:
    """Write today's readiness of every council; how many rows."""
    now = now or utcnow()
    day = now.date()
    with db.transaction() as session:
        readiness = read_readiness(session, rules, now)
        waiting = Counter(w.authority_code for w in list_unacknowledged_referrals(session))
        session.execute(delete(CouncilReadinessDay).where(CouncilReadinessDay.day == day))
        for code, found in readiness.items():
            session.add(
                CouncilReadinessDay(
                    day=day,
                    authority_code=code,
                    ready=found.ready,
                    channels=[str(c) for c in found.channels],
                    referrals_waiting=waiting.get(code, 0),
                    recorded_at=now,
                )
            )
    return len(readiness)


@dataclass(frozen=True, slots=True)
class ReadinessHistory:
    """One council over a range of days: days read, days ready, the last reading."""

    authority_code: str
    days_recorded: int
    days_ready: int
    last_day: date | None
    ready_on_last_day: bool


def read_readiness_history(db: Database, start: date, end: date) -> list[ReadinessHistory]:
    """Per council with any reading in ``start``..``end`` (inclusive), by code."""
    with db.sessions() as session:
        rows = session.scalars(
            select(CouncilReadinessDay)
            .where(CouncilReadinessDay.day >= start, CouncilReadinessDay.day <= end)
            .order_by(CouncilReadinessDay.authority_code, CouncilReadinessDay.day)
        ).all()
    history: dict[str, list[CouncilReadinessDay]] = {}
    for row in rows:
        history.setdefault(row.authority_code, []).append(row)
    return [
        ReadinessHistory(
            code,
            len(days),
            sum(1 for d in days if d.ready),
            days[-1].day,
            days[-1].ready,
        )
        for code, days in sorted(history.items())
    ]
