"""The workers' heartbeat: one Redis key that every live worker keeps fresh.

Each worker process sets ``HEARTBEAT_KEY`` with a time to live of three beats, every beat, from
a small thread. Readiness asks Redis one question (``EXISTS``): while any worker lives the key
is there; a few seconds after the last one died (SIGKILL, OOM, a crash) it has expired. The
value is the worker's Celery node name, never anything personal.

A heartbeat proves a worker process lives, not that it takes work: a worker whose consumer
hung after a broker reconnect (a known Celery/kombu failure) keeps beating from its thread.
So every worker also writes, for each queue, the time it last started a task from it (and
when it became ready to consume it): ``hub:worker:consumed:<queue>``. Work is *stalled* when
messages wait in a queue and no worker has started a task from it for longer than
``HUB_WORKER_STALL_SECONDS``; per queue, because routing and delivery have their own worker
processes and one can hang while the other works. /readyz reports it and `hub run` restarts
the stalled worker.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from redis import Redis
from redis.exceptions import RedisError

from hub.platform.queued_marks import queued_key
from hub.platform.queues import PUBLISHED_AT_HEADER, Queue, queue_keys
from hub.platform.redis_target import redis_client

log = structlog.get_logger(__name__)

HEARTBEAT_KEY = "hub:worker:heartbeat"
CONSUMED_PREFIX = "hub:worker:consumed:"  # + queue: unix time a worker last started its task
READY_KEY = "hub:worker:ready"  # unix time a worker last became ready (any queues)
TTL_BEATS = 3


def quick_client(redis_url: str, sentinel_master: str = "") -> Redis[bytes]:
    """A Redis client that gives up after a second: for checks and beats, not for the broker."""
    return redis_client(redis_url, sentinel_master, socket_connect_timeout=1, socket_timeout=1)


def heartbeat_ttl(interval: float) -> float:
    """How long one beat keeps the key alive."""
    return interval * TTL_BEATS


def beat(client: Redis[bytes], worker: str, interval: float) -> None:
    """Write one heartbeat: the key lives for three beats."""
    client.set(HEARTBEAT_KEY, worker, px=max(int(heartbeat_ttl(interval) * 1000), 1))


def any_worker_alive(client: Redis[bytes]) -> bool:
    """True while some worker has beaten within the time to live (one EXISTS)."""
    return bool(client.exists(HEARTBEAT_KEY))


def consumed_key(queue: str) -> str:
    return f"{CONSUMED_PREFIX}{queue}"


def consumption_keys() -> list[str]:
    """Every key the consumption records live in (for tests and tools that clear them)."""
    return [READY_KEY, *(consumed_key(str(queue)) for queue in Queue)]


def record_consumed(
    client: Redis[bytes],
    at: float,
    queues: Iterable[str] = tuple(Queue),
    *,
    outbox_id: int | None = None,
    ready: bool = False,
) -> None:
    """A worker started a task from ``queues`` (or, ``ready``, became ready to take them) at
    unix time ``at``; the task's outbox message, if it has one, no longer waits in the broker.
    """
    pipe = client.pipeline(transaction=False)
    if ready:
        pipe.set(READY_KEY, f"{at:.3f}")
    for queue in queues:
        pipe.set(consumed_key(str(queue)), f"{at:.3f}")
    if outbox_id is not None:
        pipe.delete(queued_key(outbox_id))
    pipe.execute()


class ConsumptionRecorder:
    """Records consumption from whichever process runs tasks (one client per process).

    A failed write is ignored: the task still runs, and a broker that cannot be written to is
    what readiness reports anyway.
    """

    def __init__(self, redis_url: str, sentinel_master: str = "") -> None:
        self.redis_url = redis_url
        self.sentinel_master = sentinel_master
        self._clients: dict[int, Redis[bytes]] = {}

    def __call__(
        self,
        queues: Iterable[str] = tuple(Queue),
        outbox_id: int | None = None,
        *,
        ready: bool = False,
    ) -> None:
        pid = os.getpid()  # a prefork pool child must not share its parent's socket
        client = self._clients.get(pid)
        if client is None:
            client = quick_client(self.redis_url, self.sentinel_master)
            self._clients[pid] = client
        try:
            record_consumed(client, time.time(), queues, outbox_id=outbox_id, ready=ready)
        except RedisError:
            pass


@dataclass(frozen=True, slots=True)
class Consumption:
    """Messages waiting in a queue, seconds since a worker last started a task from it, and
    how long its oldest message has waited (None when its publisher did not say)."""

    waiting: int
    idle_seconds: float | None  # None: no worker has recorded anything yet
    oldest_seconds: float | None = None

    def stalled(self, limit: float) -> bool:
        """Work has waited more than ``limit`` seconds and nobody has taken any for as long.

        Both must hold: a message that arrived a moment ago in a queue that was quiet for an
        hour is not stalled work, nor is a deep queue that a busy worker keeps taking from.
        With no record at all there is nothing to judge by: whether any worker lives is the
        heartbeat's question.
        """
        if self.waiting == 0 or self.idle_seconds is None or self.idle_seconds <= limit:
            return False
        return self.oldest_seconds is None or self.oldest_seconds > limit


def stalled_words(consumption: Consumption) -> str:
    """What /readyz and `hub run` say of stalled work (counts only)."""
    return (
        f"not consuming: {consumption.waiting} messages waiting, no task started for "
        f"{int(consumption.idle_seconds or 0)} s"
    )


def _idle(consumed: bytes | None, now: float) -> float | None:
    if consumed is None:
        return None
    try:
        return max(now - float(consumed), 0.0)
    except ValueError:
        return None


def _age(message: bytes | None, now: float) -> float | None:
    """How long a kombu message has waited, from the ``published_at`` header the hub's
    publishers add (``hub.platform.broker``); None for a message without it."""
    if message is None:
        return None
    try:
        published = json.loads(message)["headers"][PUBLISHED_AT_HEADER]
        return max(now - float(published), 0.0)
    except (ValueError, KeyError, TypeError):
        return None


def read_consumption(
    client: Redis[bytes], now: float, queues: Iterable[str] = tuple(Queue)
) -> Consumption:
    """One round trip: per queue, its waiting messages, its oldest message, and when a task
    last started from it.

    The answer is the worst queue's (the stalled one, else the one idle longest of those where
    work waits); ``waiting`` counts every queue asked about; when nothing waits, the latest
    start. A queue no worker has ever taken from counts as idle since a worker last became
    ready: a live worker that does not consume it is no help to it.
    """
    names = [str(queue) for queue in queues]
    pipe = client.pipeline(transaction=False)
    for name in names:
        for key in queue_keys(name):
            pipe.llen(key)
            pipe.lindex(key, -1)  # kombu pushes on the left and takes from the right
    for name in names:
        pipe.get(consumed_key(name))
    pipe.get(READY_KEY)
    *answers, ready = pipe.execute()
    since_ready = _idle(ready, now)
    per_queue = 2 * len(queue_keys(names[0])) if names else 0
    found: list[Consumption] = []
    for i in range(len(names)):
        lists = answers[i * per_queue : (i + 1) * per_queue]
        ages = [age for age in (_age(m, now) for m in lists[1::2]) if age is not None]
        idle = _idle(answers[len(names) * per_queue + i], now)
        found.append(
            Consumption(
                sum(int(n) for n in lists[0::2]),
                idle if idle is not None else since_ready,
                max(ages) if ages else None,
            )
        )
    total = sum(c.waiting for c in found)
    busy = [c for c in found if c.waiting > 0 and c.idle_seconds is not None]
    if busy:
        worst = max(busy, key=lambda c: (c.stalled(0.0), c.idle_seconds or 0.0))
        return Consumption(total, worst.idle_seconds, worst.oldest_seconds)
    recent = [c.idle_seconds for c in found if c.idle_seconds is not None]
    return Consumption(total, min(recent) if recent else None)


class Heartbeat:
    """A daemon thread that beats every ``interval`` seconds until stopped."""

    def __init__(
        self, redis_url: str, worker: str, interval: float, sentinel_master: str = ""
    ) -> None:
        self.client = quick_client(redis_url, sentinel_master)
        self.worker = worker
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 2)
        self.client.close()

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                beat(self.client, self.worker, self.interval)
            except Exception as exc:
                if not failing:  # log the change, not every beat of an outage
                    log.warning("worker.heartbeat_failed", reason=type(exc).__name__)
                failing = True
            else:
                if failing:
                    log.info("worker.heartbeat_restored")
                failing = False
            self._stop.wait(self.interval)
