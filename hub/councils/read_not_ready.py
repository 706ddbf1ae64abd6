"""Referrals held by councils that are not ready: what operators must see at once.

One read, used by the dashboard, the list page and the gauge (so they cannot disagree):
routed referrals not yet acknowledged whose council has no live channel now. Codes,
references and times only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hub.councils.readiness import (
    Readiness,
    WaitingReferral,
    list_unacknowledged_referrals,
    read_readiness,
)
from hub.rules.model import RuleSet


@dataclass(frozen=True, slots=True)
class NotReadyBacklog:
    """Referrals waiting at councils with no live channel, oldest first, read at ``at``."""

    at: datetime
    referrals: tuple[WaitingReferral, ...]
    councils: dict[str, Readiness]

    @property
    def count(self) -> int:
        return len(self.referrals)

    @property
    def oldest_at(self) -> datetime | None:
        return self.referrals[0].routed_at if self.referrals else None

    @property
    def oldest_seconds(self) -> float:
        oldest = self.oldest_at
        return max((self.at - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


def read_not_ready_backlog(session: Session, rules: RuleSet, now: datetime) -> NotReadyBacklog:
    """The referrals operators must make sure reach their council."""
    waiting = list_unacknowledged_referrals(session)
    readiness = read_readiness(session, rules, now, {w.authority_code for w in waiting})
    held = tuple(w for w in waiting if not readiness[w.authority_code].ready)
    return NotReadyBacklog(now, held, {w.authority_code: readiness[w.authority_code] for w in held})
