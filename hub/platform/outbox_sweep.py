"""Sweeping the outbox: publish what was not published, re-publish what was never finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import structlog
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import or_, select, update

from hub.platform.broker import PublishError
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import OutboxEntry, Publisher, publish_entry
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queued_marks import count_republished, find_queued, marks_client
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class SweepResult:
    published: int
    deferred: int
    dead: int
    republished: int = 0  # of ``published``: rows published before and never finished
    queued: int = 0  # rows left alone because their message still waits in the broker


def _backoff(attempts: int) -> int:
    """How many stale periods to wait before re-publishing after ``attempts`` publishes."""
    return int(min(2 ** max(attempts - 1, 0), 64))


def sweep_outbox(
    db: Database,
    *,
    stale_after: timedelta,
    publisher: Publisher | None = None,
    now: datetime | None = None,
    limit: int = 500,
    redis_url: str | None = None,
) -> SweepResult:
    """Publish rows never published, and re-publish rows published long ago but not finished.

    Re-publishing is safe because every task claims its work with a conditional update; it
    covers a message lost with a Redis restart, a worker killed mid-task, and a publish that
    failed. A row whose message is known to wait in the broker (its queued mark,
    ``hub.platform.queued_marks``) is not re-published, and re-publishes back off
    exponentially, so a deep queue is not flooded with copies.
    """
    now = now or utcnow()
    publisher = publisher or partial(publish_entry, settings=db.settings)
    client = marks_client(redis_url or db.settings.redis_url, db.settings.redis_sentinel_master)
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
    rows = [
        row
        for row in rows
        # Published recently enough: the task may just be queued behind others.
        if row.published_at is None
        or row.published_at <= now - stale_after * _backoff(row.attempts)
    ]
    try:
        waiting = find_queued(client, [row.id for row in rows if row.published_at is not None])
    except RedisError:
        waiting = set()  # the broker is away: the publish below finds out and defers
    published = deferred = dead = republished = 0
    for row in rows:
        if row.id in waiting:
            continue
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
        if row.published_at is not None:
            republished += 1
            _count_republish(client, row.task_name)
    return SweepResult(published, deferred, dead, republished, len(waiting))


def _count_republish(client: Redis[bytes], task_name: str) -> None:
    log.info("outbox.republished", task=task_name)
    try:
        count_republished(client, [task_name])
    except RedisError:
        pass  # only the metric misses one
