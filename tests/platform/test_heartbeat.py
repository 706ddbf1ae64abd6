"""What a worker writes to say it takes work, and how stalled work is read from Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from redis import Redis

from config.settings import Settings
from hub.platform.broker import publish
from hub.platform.heartbeat import (
    Consumption,
    ConsumptionRecorder,
    consumption_keys,
    read_consumption,
    record_consumed,
)
from hub.platform.queues import Queue, TaskName, queue_keys


@pytest.fixture
def broker(hub_settings: Settings) -> Iterator[Redis]:
    client = Redis.from_url(hub_settings.redis_url)
    keys = [*consumption_keys(), *(k for queue in Queue for k in queue_keys(str(queue)))]
    client.delete(*keys)
    yield client
    client.delete(*keys)
    client.close()


def test_every_queue_and_priority_list_counts_as_waiting(broker: Redis) -> None:
    broker.lpush(str(Queue.ROUTING), b"a")
    broker.lpush(queue_keys(str(Queue.DELIVERY))[-1], b"b", b"c")  # priority step 9
    assert read_consumption(broker, now=1000.0) == Consumption(waiting=3, idle_seconds=None)


def test_the_recorder_writes_when_a_task_started(broker: Redis, hub_settings: Settings) -> None:
    ConsumptionRecorder(hub_settings.redis_url)()
    consumption = read_consumption(broker, now=float(broker.time()[0]) + 30)
    assert consumption.idle_seconds is not None and 28 < consumption.idle_seconds < 32


def test_the_recorder_ignores_a_broker_that_is_away() -> None:
    ConsumptionRecorder("redis://127.0.0.1:1/0")()  # nothing listens on port 1: no exception


@pytest.mark.parametrize(
    ("waiting", "idle", "stalled"),
    [(0, 999.0, False), (1, 999.0, True), (1, 5.0, False), (1, None, False)],
)
def test_stalled_means_work_waits_and_nobody_took_any_for_too_long(
    waiting: int, idle: float | None, stalled: bool
) -> None:
    assert Consumption(waiting, idle).stalled(limit=120) is stalled


def test_a_message_that_just_arrived_in_a_long_quiet_queue_is_not_stalled_work(
    broker: Redis, hub_settings: Settings
) -> None:
    """Idle for an hour, then one enquiry: the worker has not failed, it has not had a turn."""
    now = time.time()
    record_consumed(broker, now - 3600, [str(Queue.ROUTING)])
    publish(TaskName.ROUTE_ENQUIRY, 1, 2, settings=hub_settings)
    fresh = read_consumption(broker, time.time(), [str(Queue.ROUTING)])
    assert fresh.waiting == 1 and fresh.oldest_seconds is not None and fresh.oldest_seconds < 5
    assert not fresh.stalled(limit=120)
    # The same message still there two minutes on, nobody having taken it: stalled.
    later = read_consumption(broker, time.time() + 121, [str(Queue.ROUTING)])
    assert later.stalled(limit=120)


def test_each_pool_is_judged_by_its_own_queues(broker: Redis) -> None:
    """A busy routing worker does not hide a delivery worker that takes nothing."""
    now = time.time()
    record_consumed(broker, now, [str(Queue.ROUTING), str(Queue.MAINTENANCE)])
    record_consumed(broker, now - 600, [str(Queue.DELIVERY)])
    broker.lpush(str(Queue.DELIVERY), b"{}")
    assert not read_consumption(broker, now, [str(Queue.ROUTING)]).stalled(limit=120)
    assert read_consumption(broker, now, [str(Queue.DELIVERY)]).stalled(limit=120)
    assert read_consumption(broker, now).stalled(limit=120)  # /readyz asks about every queue
