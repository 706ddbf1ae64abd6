"""The outbox sweeper republishes what is unfinished and leaves finished rows alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from redis import Redis

from hub.platform.broker import PublishError
from hub.platform.heartbeat import record_consumed
from hub.platform.models import utcnow
from hub.platform.outbox import OutboxEntry, add_outbox_message, complete_outbox_message
from hub.platform.outbox_sweep import sweep_outbox
from hub.platform.queued_marks import queued_key, read_republished
from hub.platform.queues import Queue, TaskName


def _refuse(_entry: OutboxEntry) -> None:
    raise PublishError("broker unavailable: test")


def _collect(published: list[int]) -> Callable[[OutboxEntry], None]:
    """A publisher that only notes the outbox id of each entry it is given."""

    def publish(entry: OutboxEntry) -> None:
        assert entry.outbox_id is not None
        published.append(entry.outbox_id)

    return publish


def test_sweeper_republishes_unpublished_rows_and_skips_finished_ones(db) -> None:
    original = db.publisher
    db.publisher = _refuse  # both rows stay unpublished, as with the broker down
    try:
        with db.transaction() as session:
            done = add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 1, "route:1")
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 2, "route:2")
    finally:
        db.publisher = original
    with db.transaction() as session:
        complete_outbox_message(session, done, utcnow())
    published: list[int] = []
    result = sweep_outbox(
        db, stale_after=timedelta(0), publisher=lambda entry: published.append(entry.subject_id)
    )
    assert published == [2]
    assert result.published == 1


def _queued_in_the_broker(db, hub_settings, count: int) -> list[int]:
    """Rows published for real (the session's Redis) and not yet taken by any worker."""
    with db.transaction() as session:
        ids = [
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 9000 + n, f"route:q{n}")
            for n in range(count)
        ]
    return ids


def test_a_message_still_waiting_in_the_broker_is_not_published_again(db, hub_settings) -> None:
    ids = _queued_in_the_broker(db, hub_settings, 3)
    broker = Redis.from_url(hub_settings.redis_url)
    before = read_republished(broker).get(str(TaskName.ROUTE_ENQUIRY), 0)
    published: list[int] = []
    later = utcnow() + timedelta(minutes=10)  # long past the stale time and its back-off
    result = sweep_outbox(
        db,
        stale_after=timedelta(seconds=2),
        publisher=_collect(published),
        now=later,
    )
    assert (published, result.queued, result.republished) == ([], 3, 0)

    # A worker takes the first (its start clears the mark); Redis loses the second (as a
    # restart without its AOF would). Only those two can be lost, so only they go again.
    record_consumed(broker, time.time(), [str(Queue.ROUTING)], outbox_id=ids[0])
    broker.delete(queued_key(ids[1]))
    result = sweep_outbox(
        db,
        stale_after=timedelta(seconds=2),
        publisher=_collect(published),
        now=later,
    )
    assert sorted(published) == sorted(ids[:2])
    assert (result.republished, result.queued) == (2, 1)
    assert read_republished(broker)[str(TaskName.ROUTE_ENQUIRY)] == before + 2
    broker.delete(*(str(q) for q in Queue))
    broker.close()
