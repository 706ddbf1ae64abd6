"""A no-op task for the routing benchmark's baseline (loaded only by the bench's worker)."""

from __future__ import annotations

from redis import Redis

from workers.celery_app import celery, worker_settings

_client: Redis | None = None


@celery.task(name="bench.noop")
def noop(n: int) -> None:
    """Count one delivery, nothing else: the broker and worker overhead alone."""
    global _client
    if _client is None:
        _client = Redis.from_url(worker_settings().redis_url)
    _client.incr("bench:noop")
