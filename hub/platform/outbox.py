"""The outbox: add a message inside a transaction; it is published after that transaction commits.

``add_outbox_message`` writes the row and remembers it on the session. The database's
``after_commit`` hook (see :class:`hub.platform.db.Database`) then publishes every message the
transaction added, so no caller publishes by hand and nothing is published for a transaction
that rolled back. Inside ``Database.transaction`` the publish happens as the transaction's
context closes, after any lock is released. A row is written as already published (attempts
1), so the common path costs no round trip after the commit; when the broker refuses, the row
is reset and the sweeper (:mod:`hub.platform.outbox_sweep`) publishes it later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import structlog
from sqlalchemy import Connection, Engine, update
from sqlalchemy.orm import Session

from config.settings import Settings
from hub.platform import broker
from hub.platform.broker import PublishError
from hub.platform.metrics import OUTBOX_PUBLISH_DEFERRED
from hub.platform.models import table_of, utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

PENDING_KEY = "hub_outbox_pending"  # added by the open transaction
COMMITTED_KEY = "hub_outbox_committed"  # committed, waiting for the transaction to close
DEFER_KEY = "hub_outbox_defer"

_INSERT = table_of(OutboxMessage).insert().returning(table_of(OutboxMessage).c.id)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """What a task message carries: the task, its subject's id and the outbox row's id.

    ``outbox_id`` is None for a subject that records its own publishing (a delivery row's
    ``published_at``): then ``unpublish`` says, should the broker refuse, that it was not
    sent, and that room's own sweeper sends it later.
    """

    outbox_id: int | None
    task: TaskName
    subject_id: int
    unpublish: Callable[[Connection], None] | None = field(default=None, compare=False)


Publisher = Callable[[OutboxEntry], None]


def publish_entry(
    entry: OutboxEntry,
    *,
    settings: Settings,
    redis_url: str | None = None,
    fail_fast: bool = False,
) -> None:
    """Send the task with ids only (the API's request id in a header), and mark it queued.

    The mark (``hub.platform.queued_marks``) tells the sweeper the message waits in the
    broker, so a backlog is not re-published; the worker clears it when the task starts.
    """
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    ids = (entry.subject_id,) if entry.outbox_id is None else (entry.subject_id, entry.outbox_id)
    broker.publish(
        entry.task,
        *ids,
        settings=settings,
        redis_url=redis_url,
        request_id=request_id,
        outbox_id=entry.outbox_id,
        fail_fast=fail_fast,
    )


def publisher_for(settings: Settings, redis_url: str | None = None) -> Publisher:
    """The request path's publisher to the settings' broker (or to ``redis_url``).

    It tries once, quickly, and never retries: the row is committed, so while Redis is down
    a POST still answers within a second and the sweeper publishes the row later.
    """
    return partial(publish_entry, settings=settings, redis_url=redis_url, fail_fast=True)


def add_outbox_message(
    session: Session,
    task: TaskName,
    subject_id: int,
    dedupe_key: str,
    *,
    at: datetime | None = None,
) -> int:
    """Write one outbox row in the session's transaction; it is published after commit."""
    at = at or utcnow()
    outbox_id = session.execute(
        _INSERT,
        {
            "task_name": str(task),
            "subject_id": subject_id,
            "dedupe_key": dedupe_key,
            "created_at": at,
            "published_at": at,
            "attempts": 1,
        },
    ).scalar_one()
    session.info.setdefault(PENDING_KEY, []).append(OutboxEntry(outbox_id, task, subject_id))
    return int(outbox_id)


def publish_after_commit(
    session: Session,
    task: TaskName,
    subject_id: int,
    unpublish: Callable[[Connection], None],
) -> None:
    """Publish ``task`` for a subject whose own row records the publish (no outbox row).

    Like an outbox message, it leaves only after the transaction commits (nothing for a
    rollback); if the broker refuses, ``unpublish`` runs so the subject's own sweeper sends it.
    """
    session.info.setdefault(PENDING_KEY, []).append(OutboxEntry(None, task, subject_id, unpublish))


def complete_outbox_message(session: Session, outbox_id: int | None, at: datetime) -> None:
    """Mark the row done, in the same transaction as the work's effect."""
    if outbox_id is None:
        return
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.completed_at.is_(None))
        .values(completed_at=at)
    )


def after_commit(session: Session, engine: Engine, publisher: Publisher) -> None:
    """The session hook: publish what the committed transaction added.

    Inside ``Database.transaction`` the publish waits until the transaction's context has
    exited (``DEFER_KEY``), so no lock is held while the broker is called.
    """
    pending: list[OutboxEntry] = session.info.pop(PENDING_KEY, [])
    if session.info.get(DEFER_KEY):
        session.info.setdefault(COMMITTED_KEY, []).extend(pending)
    else:
        publish(pending, engine, publisher)


def publish_committed(session: Session, engine: Engine, publisher: Publisher) -> None:
    """Publish what ``after_commit`` held back (called once the transaction is over)."""
    publish(session.info.pop(COMMITTED_KEY, []), engine, publisher)


def publish(entries: list[OutboxEntry], engine: Engine, publisher: Publisher) -> None:
    """Publish committed rows; reset a refused row so its sweeper publishes it later."""
    for entry in entries:
        try:
            publisher(entry)
        except PublishError as exc:
            OUTBOX_PUBLISH_DEFERRED.inc()
            log.warning(
                "outbox.publish_deferred",
                outbox_id=entry.outbox_id,
                task=str(entry.task),
                reason=str(exc),
            )
            with engine.begin() as conn:
                if entry.outbox_id is not None:
                    conn.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id == entry.outbox_id,
                            OutboxMessage.completed_at.is_(None),
                        )
                        .values(published_at=None, attempts=OutboxMessage.attempts - 1)
                    )
                elif entry.unpublish is not None:
                    entry.unpublish(conn)


def discard_pending(session: Session) -> None:
    """After rollback: nothing the transaction added exists, so nothing is published."""
    session.info.pop(PENDING_KEY, None)
