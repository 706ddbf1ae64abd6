"""Sweeping the outbox: publish what was not published, re-publish what was never finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update

from hub.platform.broker import PublishError
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import OutboxEntry, Publisher, publish_entry
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class SweepResult:
    published: int
    deferred: int
    dead: int


def _backoff(attempts: int) -> int:
    """How many stale periods to wait before re-publishing after ``attempts`` publishes."""
    return int(min(2 ** max(attempts - 1, 0), 64))


def sweep_outbox(
    db: Database,
    *,
    stale_after: timedelta,
    publisher: Publisher = publish_entry,
    now: datetime | None = None,
    limit: int = 500,
) -> SweepResult:
    """Publish rows never published, and re-publish rows published long ago but not finished.

    Re-publishing is safe because every task claims its work with a conditional update; it
    covers a message lost with a Redis restart, a worker killed mid-task, and a publish that
    failed. Re-publishes back off exponentially so a deep queue is not flooded with copies.
    """
    now = now or utcnow()
    cutoff = now - stale_after
    with db.sessions() as session:
        rows = (
            session.execute(
                select(OutboxMessage)
                .where(
                    OutboxMessage.completed_at.is_(None),
                    OutboxMessage.dead_at.is_(None),
                    OutboxMessage.created_at <= cutoff,
                    or_(OutboxMessage.published_at.is_(None), OutboxMessage.published_at <= cutoff),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    published = deferred = dead = 0
    for row in rows:
        if row.published_at is not None and row.published_at > now - stale_after * _backoff(
            row.attempts
        ):
            continue  # published recently enough: the task may just be queued behind others
        if row.attempts >= MAX_ATTEMPTS:
            with db.transaction() as session:
                session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == row.id).values(dead_at=now)
                )
            log.error("outbox.dead_lettered", outbox_id=row.id, attempts=row.attempts)
            dead += 1
            continue
        try:
            publisher(OutboxEntry(row.id, TaskName(row.task_name), row.subject_id))
        except PublishError as exc:
            log.warning("outbox.publish_deferred", outbox_id=row.id, reason=str(exc))
            deferred += 1
            break  # the broker is down: the next sweep tries again
        with db.transaction() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(published_at=now, attempts=OutboxMessage.attempts + 1)
            )
        published += 1
    return SweepResult(published, deferred, dead)
