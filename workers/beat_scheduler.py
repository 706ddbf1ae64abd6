"""Beat's scheduler: RedBeat, waiting out a Redis that is away instead of stopping.

RedBeat takes its lock once, when beat starts; if Redis is away then, it is left without one
and stops at its first loop. And a lock that vanished with a Redis restart stops it when it
is renewed. Either way this scheduler goes back to asking for the lock at its next loop, as a
beat that starts does (it waits there while another beat holds it), and a loop that cannot
reach Redis is skipped: nothing is sent without the lock. A Redis that came back empty has
lost the schedule too: the holder writes the jobs again (each starts its period afresh).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from celery.utils.log import get_logger
from redbeat.schedulers import RedBeatScheduler, acquire_distributed_beat_lock, get_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.sentinel import MasterNotFoundError

logger = get_logger("celery.beat")

REDIS_AWAY = (RedisConnectionError, RedisTimeoutError, MasterNotFoundError)


class HubBeatScheduler(RedBeatScheduler):
    """RedBeat's scheduler that survives Redis being away and a lock lost with it."""

    lock: Any = None  # redis-py's Lock while this beat holds it (RedBeat's attribute)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self.lock_key and self.lock is None:
            try:
                # Blocks while another beat holds the lock, as at start.
                acquire_distributed_beat_lock(sender=SimpleNamespace(scheduler=self))
            except REDIS_AWAY as exc:
                logger.warning("beat: Redis is away, no lock yet (%s)", type(exc).__name__)
                return float(self.max_interval)
        try:
            if not get_redis(self.app).exists(self.app.redbeat_conf.schedule_key):
                logger.warning("beat: the schedule is not in Redis (emptied?); writing it again")
                self.setup_schedule()
            return float(super().tick(*args, **kwargs))
        except LockError:
            logger.warning("beat: the lock was lost (a Redis restart?); asking for it again")
            self.lock = None
        except REDIS_AWAY as exc:
            logger.warning("beat: Redis is away, nothing sent (%s)", type(exc).__name__)
        return float(self.max_interval)
