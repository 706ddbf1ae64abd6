"""Which outbox messages are waiting in the broker, recorded in the broker itself.

The outbox sweeper re-publishes a row that was published but never finished, because its
message may have been lost (a Redis restart, a publish that seemed to succeed). It must not
re-publish a message that is only waiting behind others: in a backlog that multiplies the
queue (every copy is claimed and skipped, but each takes a worker's turn).

So each publish of an outbox row leaves a mark in Redis, ``hub:outbox:queued:<id>``, and a
worker removes it when it takes the message from the queue (Celery's ``task_received``, before
the task starts). A message a worker has taken and not finished (killed mid-task, or stopped
before it began) has no mark, so the sweeper publishes it again after the stale time, as
before. The mark is kept where the message is, so a Redis restart that loses the message loses
the mark too, and the sweeper then publishes again, as it should; and it expires after the
broker's visibility timeout, the longest a message can be hidden anywhere.

Republishes are counted per task in one Redis hash, so ``/metrics`` shows them whichever
process swept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import structlog
from redis import Redis
from redis.exceptions import RedisError

from hub.platform.redis_target import redis_client

log = structlog.get_logger(__name__)

QUEUED_PREFIX = "hub:outbox:queued:"
REPUBLISHED_KEY = "hub:outbox:republished"  # hash: task name -> re-publishes

_clients: dict[tuple[int, str, str], Redis[bytes]] = {}


def queued_key(outbox_id: int) -> str:
    return f"{QUEUED_PREFIX}{outbox_id}"


def marks_client(redis_url: str, sentinel_master: str = "") -> Redis[bytes]:
    """One short-timeout client per process (a forked child must not share its parent's)."""
    key = (os.getpid(), redis_url, sentinel_master)
    client = _clients.get(key)
    if client is None:
        client = redis_client(
            redis_url, sentinel_master, socket_connect_timeout=0.3, socket_timeout=0.3
        )
        _clients[key] = client
    return client


def mark_queued(
    redis_url: str, outbox_id: int, ttl_seconds: int, sentinel_master: str = ""
) -> bool:
    """The message for ``outbox_id`` is about to be published; False if Redis did not answer.

    A failure is logged, not raised: without its mark the row is only published again sooner,
    which is safe.
    """
    try:
        client = marks_client(redis_url, sentinel_master)
        client.set(queued_key(outbox_id), b"1", ex=max(ttl_seconds, 1))
    except (RedisError, OSError) as exc:
        log.warning("outbox.mark_failed", outbox_id=outbox_id, reason=type(exc).__name__)
        return False
    return True


def find_queued(client: Redis[bytes], outbox_ids: Sequence[int]) -> set[int]:
    """The ids among ``outbox_ids`` whose message is known to wait in the broker."""
    if not outbox_ids:
        return set()
    answers = client.mget([queued_key(i) for i in outbox_ids])
    return {i for i, answer in zip(outbox_ids, answers, strict=True) if answer is not None}


def count_republished(client: Redis[bytes], tasks: Iterable[str]) -> None:
    """Add one re-publish per entry of ``tasks`` (a task name each)."""
    pipe = client.pipeline(transaction=False)
    for task in tasks:
        pipe.hincrby(REPUBLISHED_KEY, task, 1)
    pipe.execute()


def read_republished(client: Redis[bytes]) -> dict[str, int]:
    """Re-publishes so far, by task name (since Redis last started empty)."""
    return {k.decode(): int(v) for k, v in client.hgetall(REPUBLISHED_KEY).items()}
