"""The workers' heartbeat: one Redis key that every live worker keeps fresh.

Each worker process sets ``HEARTBEAT_KEY`` with a time to live of three beats, every beat, from
a small thread. Readiness asks Redis one question (``EXISTS``): while any worker lives the key
is there; a few seconds after the last one died (SIGKILL, OOM, a crash) it has expired. The
value is the worker's Celery node name, never anything personal.

A heartbeat proves a worker process lives, not that it takes work: a worker whose consumer
hung after a broker reconnect (a known Celery/kombu failure) keeps beating from its thread.
So every worker also writes ``CONSUMED_KEY``, the time it last started a task (and when it
became ready); work is *stalled* when messages wait in the hub's queues and no worker has
started a task for longer than ``HUB_WORKER_STALL_SECONDS``. /readyz reports it and `hub run`
restarts a stalled worker.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import structlog
from redis import Redis
from redis.exceptions import RedisError

from hub.platform.queues import Queue, queue_keys

log = structlog.get_logger(__name__)

HEARTBEAT_KEY = "hub:worker:heartbeat"
CONSUMED_KEY = "hub:worker:consumed"  # unix time a worker last started a task
TTL_BEATS = 3


def quick_client(redis_url: str) -> Redis[bytes]:
    """A Redis client that gives up after a second: for checks and beats, not for the broker."""
    return Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)


def heartbeat_ttl(interval: float) -> float:
    """How long one beat keeps the key alive."""
    return interval * TTL_BEATS


def beat(client: Redis[bytes], worker: str, interval: float) -> None:
    """Write one heartbeat: the key lives for three beats."""
    client.set(HEARTBEAT_KEY, worker, px=max(int(heartbeat_ttl(interval) * 1000), 1))


def any_worker_alive(client: Redis[bytes]) -> bool:
    """True while some worker has beaten within the time to live (one EXISTS)."""
    return bool(client.exists(HEARTBEAT_KEY))


def record_consumed(client: Redis[bytes], at: float) -> None:
    """A worker started a task (or became ready to) at unix time ``at``."""
    client.set(CONSUMED_KEY, f"{at:.3f}")


class ConsumptionRecorder:
    """Writes ``CONSUMED_KEY`` from whichever process runs tasks (one client per process).

    A failed write is ignored: the task still runs, and a broker that cannot be written to is
    what readiness reports anyway.
    """

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self._clients: dict[int, Redis[bytes]] = {}

    def __call__(self) -> None:
        pid = os.getpid()  # a prefork pool child must not share its parent's socket
        client = self._clients.get(pid)
        if client is None:
            client = quick_client(self.redis_url)
            self._clients[pid] = client
        try:
            record_consumed(client, time.time())
        except RedisError:
            pass


@dataclass(frozen=True, slots=True)
class Consumption:
    """Messages waiting in the hub's queues, and seconds since a worker last started a task."""

    waiting: int
    idle_seconds: float | None  # None: no worker has written CONSUMED_KEY yet

    def stalled(self, limit: float) -> bool:
        """Work waits and nobody has taken any for more than ``limit`` seconds.

        With no record at all there is nothing to judge by: whether any worker lives is the
        heartbeat's question.
        """
        return self.waiting > 0 and self.idle_seconds is not None and self.idle_seconds > limit


def stalled_words(consumption: Consumption) -> str:
    """What /readyz and `hub run` say of stalled work (counts only)."""
    return (
        f"not consuming: {consumption.waiting} messages waiting, no task started for "
        f"{int(consumption.idle_seconds or 0)} s"
    )


def read_consumption(client: Redis[bytes], now: float) -> Consumption:
    """One round trip: the length of every queue list and the last consumption time."""
    pipe = client.pipeline(transaction=False)
    for queue in Queue:
        for key in queue_keys(str(queue)):
            pipe.llen(key)
    pipe.get(CONSUMED_KEY)
    *lengths, consumed = pipe.execute()
    idle = None
    if consumed is not None:
        try:
            idle = max(now - float(consumed), 0.0)
        except ValueError:
            idle = None
    return Consumption(sum(int(n) for n in lengths), idle)


class Heartbeat:
    """A daemon thread that beats every ``interval`` seconds until stopped."""

    def __init__(self, redis_url: str, worker: str, interval: float) -> None:
        self.client = quick_client(redis_url)
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
