"""Beat on two machines: one sends each job once per period, and the other takes over when the
first dies (RedBeat's lock in the real Redis of the session's backend).

No worker runs: the jobs' messages stay in the maintenance queue, where each carries the time
it was published, so every send of every job is counted.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from hub.embedded.redis_server import EmbeddedRedis
from hub.platform.queues import PUBLISHED_AT_HEADER, Queue, TaskName, queue_keys
from tests.support.processes import CeleryProcess, wait_for
from workers.celery_app import BEAT_KEY_PREFIX

pytestmark = pytest.mark.slow

LOCK_SECONDS = 3
# The beat loop is a third of the lock's life (5 s at most): a standby asks that often.
LOOP_SECONDS = 1.0
EVERY_SECOND = (TaskName.SWEEP_OUTBOX, TaskName.SWEEP_DELIVERIES)


@pytest.fixture
def broker(hub_env: dict[str, str]) -> Iterator[Redis]:
    client = Redis.from_url(hub_env["HUB_REDIS_URL"])

    def clear() -> None:
        client.delete(*queue_keys(Queue.MAINTENANCE))
        for key in client.scan_iter(match=f"{BEAT_KEY_PREFIX}*"):
            client.delete(key)

    clear()
    yield client
    clear()
    client.close()


def sends(broker: Redis) -> dict[str, list[float]]:
    """When each job's messages were published, by task name, oldest first."""
    found: dict[str, list[float]] = {}
    for key in queue_keys(Queue.MAINTENANCE):
        for raw in broker.lrange(key, 0, -1):
            headers = json.loads(raw)["headers"]
            found.setdefault(headers["task"], []).append(float(headers[PUBLISHED_AT_HEADER]))
    return {task: sorted(times) for task, times in found.items()}


def assert_once_per_period(times: list[float], period: float) -> None:
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Two beats sending would put two messages in one period (gaps near 0).
    assert gaps and min(gaps) > period * 0.5, gaps


def test_two_beats_send_each_job_once_and_the_second_takes_over_when_the_first_dies(
    hub_env: dict[str, str], broker: Redis, tmp_path: Path
) -> None:
    env = {
        **hub_env,
        "HUB_BEAT_LOCK_SECONDS": str(LOCK_SECONDS),
        "HUB_OUTBOX_SWEEP_SECONDS": "1",
        "HUB_DELIVERY_SWEEP_SECONDS": "1",
    }
    first = CeleryProcess("beat", env, tmp_path / "beat-1.log")
    second: CeleryProcess | None = None
    try:
        first.wait_ready(marker="beat: Acquired lock")
        second = CeleryProcess("beat", env, tmp_path / "beat-2.log")
        second.wait_ready(marker="beat: Starting")
        window, opened = 6.0, time.time()
        time.sleep(window)  # both beats live: count what they send meanwhile
        assert "Acquired lock" not in second.log()
        assert "Sending due task" not in second.log()
        before = sends(broker)
        for task in EVERY_SECOND:
            assert_once_per_period(before[str(task)], 1.0)
            in_window = [t for t in before[str(task)] if t >= opened]
            assert window - 2 <= len(in_window) <= window + 1  # one a second, from one beat

        first.kill()
        killed_at = time.time()
        second.wait_ready(marker="beat: Acquired lock", timeout=LOCK_SECONDS + 20)
        wait_for(
            lambda: all(
                max(sends(broker).get(str(task), [0.0])) > killed_at + 1 for task in EVERY_SECOND
            ),
            20,
            lambda: f"the second beat sends nothing:\n{second.log()[-2000:]}",
        )
        after = sends(broker)
        resumed = min(t for t in after[str(TaskName.SWEEP_OUTBOX)] if t > killed_at)
        # The dead beat's lock expires after LOCK_SECONDS; the other asks once a loop.
        print(f"takeover after the kill: {resumed - killed_at:.1f} s")
        assert resumed - killed_at <= LOCK_SECONDS + LOOP_SECONDS + 3, resumed - killed_at
        for task in EVERY_SECOND:
            assert_once_per_period(after[str(task)], 1.0)  # across the takeover too
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_beat_that_lost_redis_takes_the_lock_again_when_it_is_back(
    hub_env: dict[str, str], tmp_path: Path
) -> None:
    redis = EmbeddedRedis(tmp_path / "redis")
    redis.start()
    env = {**hub_env, "HUB_REDIS_URL": redis.url, "HUB_BEAT_LOCK_SECONDS": str(LOCK_SECONDS)}
    beat = CeleryProcess("beat", env, tmp_path / "beat.log")
    revived: EmbeddedRedis | None = None
    try:
        beat.wait_ready(marker="beat: Acquired lock")
        redis.stop()  # the lock, and everything else, goes with it (no data kept on disk)
        wait_for(  # while sending (kombu retries), reading (RedBeat retries) or at its loop
            lambda: any(
                words in beat.log()
                for words in ("Redis is away", "Connection error", "Retrying Redis connection")
            ),
            30,
            lambda: beat.log()[-2000:],
        )
        revived = EmbeddedRedis(tmp_path / "redis-2", port=redis.port, password=redis.password)
        revived.start()
        mark = len(beat.log())
        wait_for(
            lambda: (
                "Acquired lock" in beat.log()[mark:] and "Sending due task" in beat.log()[mark:]
            ),
            60,
            lambda: f"beat never sent again:\n{beat.log()[-3000:]}",
        )
        assert beat.process.poll() is None
    finally:
        beat.stop()
        if revived is not None:
            revived.stop()
        redis.stop()
