"""Publishing outbox rows after commit, and sweeping up what was not published or not finished."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update

from hub.platform.broker import PublishError, publish
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 20

Publisher = Callable[[TaskName, int], None]


def _default_publisher(task: TaskName, enquiry_id: int) -> None:
    publish(task, enquiry_id)


def publish_outbox_message(
    db: Database, outbox_id: int, publisher: Publisher = _default_publisher
) -> bool:
    """Publish one committed outbox row; on broker failure leave it for the sweeper."""
    with db.sessions() as session:
        message = session.get(OutboxMessage, outbox_id)
        if message is None or message.completed_at is not None:
            return False
        task, enquiry_id = TaskName(message.task_name), message.enquiry_id
    try:
        publisher(task, enquiry_id)
    except PublishError as exc:
        log.warning("outbox.publish_deferred", outbox_id=outbox_id, reason=str(exc))
        return False
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(published_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        )
    return True


def _backoff(attempts: int) -> int:
    """How many stale periods to wait before re-publishing after ``attempts`` publishes."""
    return int(min(2 ** max(attempts - 1, 0), 64))


def publish_committed(
    db: Database,
    outbox_id: int,
    task: TaskName,
    enquiry_id: int,
    publisher: Publisher = _default_publisher,
) -> bool:
    """Publish a row committed as published; if the broker refuses, reset it for the sweeper.

    The common path costs no database round trip after the intake transaction.
    """
    try:
        publisher(task, enquiry_id)
        return True
    except PublishError as exc:
        log.warning("outbox.publish_deferred", outbox_id=outbox_id, reason=str(exc))
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.completed_at.is_(None))
            .values(published_at=None, attempts=OutboxMessage.attempts - 1)
        )
    return False


def route_after_commit(
    db: Database,
    outbox_id: int,
    enquiry_id: int,
    *,
    redis_url: str,
    request_id: str | None = None,
) -> bool:
    """Publish a newly stored enquiry's route task (API and form alike), counting deferrals."""
    from hub.platform.metrics import ENQUIRIES_ACCEPTED, OUTBOX_PUBLISH_DEFERRED

    ENQUIRIES_ACCEPTED.inc()

    def publisher(task: TaskName, target: int) -> None:
        publish(task, target, redis_url=redis_url, request_id=request_id)

    published = publish_committed(db, outbox_id, TaskName.ROUTE_ENQUIRY, enquiry_id, publisher)
    if not published:
        OUTBOX_PUBLISH_DEFERRED.inc()
    return published


@dataclass(frozen=True, slots=True)
class SweepResult:
    published: int
    deferred: int
    dead: int


def sweep_outbox(
    db: Database,
    *,
    stale_after: timedelta,
    publisher: Publisher = _default_publisher,
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
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.published_at)
            .where(
                OutboxMessage.completed_at.is_(None),
                OutboxMessage.dead_at.is_(None),
                OutboxMessage.created_at <= cutoff,
                or_(OutboxMessage.published_at.is_(None), OutboxMessage.published_at <= cutoff),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    published = deferred = dead = 0
    for outbox_id, attempts, published_at in rows:
        if published_at is not None and published_at > now - stale_after * _backoff(attempts):
            continue  # published recently enough: the task may just be queued behind others
        if attempts >= MAX_ATTEMPTS:
            with db.transaction() as session:
                session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(dead_at=now)
                )
            log.error("outbox.dead_lettered", outbox_id=outbox_id, attempts=attempts)
            dead += 1
        elif publish_outbox_message(db, outbox_id, publisher):
            published += 1
        else:
            deferred += 1
            break  # the broker is down: the next sweep tries again
    return SweepResult(published, deferred, dead)
