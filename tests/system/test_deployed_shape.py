"""The deployed shape, as docker-compose.yml describes it, as separate processes on this machine.

gunicorn (2 workers) serves the API, two Celery worker processes route, beat sweeps the outbox;
all share the session's database and Redis (PostgreSQL + Redis with HUB_TEST_BACKEND=services,
SQLite + the embedded Redis otherwise). 500 enquiries are submitted over HTTP and one worker is
SIGKILLed while they stream in: every enquiry must be routed exactly once.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from hub.embedded.redis_server import free_port
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import Queue
from hub.referrals.models import RoutingDecisionRecord
from tests.intake.factories import enquiry_body
from tests.support.processes import (
    CeleryProcess,
    GunicornProcess,
    broker_idle,
    http_post_json,
    redeliver_expired,
    wait_for,
)

pytestmark = pytest.mark.slow

ENQUIRIES = 500
KILL_AFTER = 150  # submitted enquiries before the first worker is killed
POSTCODES = ["ME14 1XQ", "KT1 1EU", "RG1 1AF", "B1 1AA", "ME4 4TR", "TW9 1DN"]


def _scalar(db, query) -> int:
    with db.sessions() as s:
        return int(s.scalar(query) or 0)


def _routed(db) -> int:
    return _scalar(
        db, select(func.count()).select_from(Enquiry).where(Enquiry.status != "received")
    )


def _settled(db, env: dict[str, str], broker: Redis) -> bool:
    """Every copy of every message handled: no unfinished outbox row, nothing queued/unacked."""
    if broker.hlen("unacked"):
        redeliver_expired(env["HUB_REDIS_URL"], float(env["HUB_VISIBILITY_TIMEOUT"]))
        return False
    open_rows = _scalar(
        db,
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.completed_at.is_(None)),
    )
    return open_rows == 0 and broker_idle(broker)


def test_500_enquiries_are_routed_exactly_once_with_a_worker_killed_midstream(
    db, geography: str, hub_env: dict[str, str], tmp_path: Path
) -> None:
    env = {
        **hub_env,
        "HUB_DATA_DIR": str(tmp_path),
        # The killed worker's unacknowledged message comes back after a short visibility
        # timeout, and the sweeper republishes its unfinished row after ten seconds; a longer
        # stale time than the suite's 2 s keeps the sweeper from copying the whole backlog.
        "HUB_OUTBOX_STALE_SECONDS": "10",
        "HUB_VISIBILITY_TIMEOUT": "10",
        "HUB_TASK_TIME_LIMIT": "8",
        "HUB_TASK_SOFT_TIME_LIMIT": "6",
    }
    broker = Redis.from_url(env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    started = time.monotonic()
    api = GunicornProcess(env, tmp_path, free_port(), workers=2)
    first = CeleryProcess("worker", env, tmp_path / "worker-1.log")
    second = CeleryProcess("worker", env, tmp_path / "worker-2.log")
    beat = CeleryProcess("beat", env, tmp_path / "beat.log")
    try:
        api.wait_ready()
        first.wait_ready()
        second.wait_ready()

        def submit(n: int) -> int:
            body = enquiry_body(postcode=POSTCODES[n % len(POSTCODES)])
            status, answer = http_post_json(f"{api.base_url}/v1/enquiries", body)
            assert status == 202, answer
            return n

        with ThreadPoolExecutor(max_workers=6) as pool:
            for done, _ in enumerate(pool.map(submit, range(ENQUIRIES)), start=1):
                if done == KILL_AFTER:
                    wait_for(
                        lambda: "succeeded" in first.log(),
                        30,
                        lambda: f"worker 1 never routed:\n{first.log()[-3000:]}",
                    )
                    first.kill()  # SIGKILL, mid-stream: its unacked message is in flight
        assert first.process.returncode is not None
        submitted = time.monotonic()

        # A deadline, not a speed target: it only stops a test that would hang. Under a loaded
        # machine (a CI running other suites beside this one) 500 routings can take minutes.
        wait_for(
            lambda: _routed(db) == ENQUIRIES,
            300,
            lambda: f"{_routed(db)} of {ENQUIRIES} routed\n{second.log()[-3000:]}",
        )
        routed = time.monotonic()
        wait_for(
            lambda: _settled(db, env, broker),
            60,
            lambda: f"never settled\n{second.log()[-3000:]}\n{beat.log()[-2000:]}",
        )

        assert _scalar(db, select(func.count()).select_from(Enquiry)) == ENQUIRIES
        decisions = _decisions_per_enquiry(db)
        assert len(decisions) == ENQUIRIES and set(decisions.values()) == {1}
        events = _events_per_enquiry_and_name(db)
        assert set(events.values()) == {1}, "a journey event was written twice"
        assert sum(1 for (_, name) in events if name == "received") == ENQUIRIES
        assert sum(1 for (_, name) in events if name == "routed") == ENQUIRIES
        assert "succeeded" in second.log()
    finally:
        beat.stop()
        second.stop()
        first.stop()
        api.stop()
    print(
        f"\ndeployed shape: {ENQUIRIES} enquiries in {time.monotonic() - started:.1f} s "
        f"(submitted after {submitted - started:.1f} s, all routed after "
        f"{routed - started:.1f} s)"
    )


def _decisions_per_enquiry(db) -> dict[int, int]:
    with db.sessions() as s:
        rows = s.execute(
            select(RoutingDecisionRecord.enquiry_id, func.count()).group_by(
                RoutingDecisionRecord.enquiry_id
            )
        )
        return {int(enquiry_id): int(count) for enquiry_id, count in rows}


def _events_per_enquiry_and_name(db) -> dict[tuple[int, str], int]:
    with db.sessions() as s:
        rows = s.execute(
            select(JourneyEvent.enquiry_id, JourneyEvent.event, func.count()).group_by(
                JourneyEvent.enquiry_id, JourneyEvent.event
            )
        )
        return {(int(enquiry_id), str(name)): int(count) for enquiry_id, name, count in rows}
