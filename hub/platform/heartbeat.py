"""The workers' heartbeat: one Redis key that every live worker keeps fresh.

Each worker process sets ``HEARTBEAT_KEY`` with a time to live of three beats, every beat, from
a small thread. Readiness asks Redis one question (``EXISTS``): while any worker lives the key
is there; a few seconds after the last one died (SIGKILL, OOM, a crash) it has expired. The
value is the worker's Celery node name, never anything personal.
"""

from __future__ import annotations

import threading

import structlog
from redis import Redis

log = structlog.get_logger(__name__)

HEARTBEAT_KEY = "hub:worker:heartbeat"
TTL_BEATS = 3


def heartbeat_ttl(interval: float) -> float:
    """How long one beat keeps the key alive."""
    return interval * TTL_BEATS


def beat(client: Redis[bytes], worker: str, interval: float) -> None:
    """Write one heartbeat: the key lives for three beats."""
    client.set(HEARTBEAT_KEY, worker, px=max(int(heartbeat_ttl(interval) * 1000), 1))


def any_worker_alive(client: Redis[bytes]) -> bool:
    """True while some worker has beaten within the time to live (one EXISTS)."""
    return bool(client.exists(HEARTBEAT_KEY))


class Heartbeat:
    """A daemon thread that beats every ``interval`` seconds until stopped."""

    def __init__(self, redis_url: str, worker: str, interval: float) -> None:
        self.client = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
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
