"""The councils as operators see them: the directory's facts joined with readiness now.

Read from the configured directory and rules (``get_active_directory``, ``get_active_rules``)
and the database; codes, names, sourced contacts and channel kinds only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.councils.directory_report import Completeness, all_council_facts, completeness
from hub.councils.read_not_ready import NotReadyBacklog, read_not_ready_backlog
from hub.councils.readiness import Readiness, read_readiness
from hub.platform.db import Database
from hub.rules import get_active_rules
from hub.rules.active_directory import get_active_directory
from hub.rules.directory import CouncilFacts


@dataclass(frozen=True, slots=True)
class CouncilRow:
    facts: CouncilFacts
    readiness: Readiness


@dataclass(frozen=True, slots=True)
class CouncilsView:
    """Every council (empty when the directory has problems), and the figures."""

    at: datetime
    rows: tuple[CouncilRow, ...]
    figures: Completeness | None
    directory_valid: bool

    def row(self, code: str) -> CouncilRow | None:
        return next((row for row in self.rows if row.facts.code == code), None)


def read_councils(db: Database, now: datetime) -> CouncilsView:
    rules = get_active_rules()
    directory = get_active_directory()
    if directory is None:
        return CouncilsView(now, (), None, directory_valid=False)
    with db.sessions() as session:
        readiness = read_readiness(session, rules, now)
    facts = all_council_facts(directory, rules, now.date())
    rows = tuple(CouncilRow(f, readiness[f.code]) for f in facts if f.code in readiness)
    return CouncilsView(now, rows, completeness(directory, rules, now.date(), readiness), True)


def read_not_ready(db: Database, now: datetime) -> NotReadyBacklog:
    """Referrals held by councils with no live channel (the dashboard's and the gauge's read)."""
    with db.sessions() as session:
        return read_not_ready_backlog(session, get_active_rules(), now)
