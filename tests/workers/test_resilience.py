"""Nothing is lost: Redis stopped during intake, and a worker killed mid-task."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from redis import Redis
from sqlalchemy import func, select

from config.settings import load_settings
from hub.app import create_app
from hub.embedded.redis_server import EmbeddedRedis
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import Queue
from hub.referrals.models import RoutingDecisionRecord
from tests.intake.factories import enquiry_body
from tests.support.processes import CeleryProcess, broker_idle, redeliver_expired, wait_for

pytestmark = pytest.mark.slow


def _status(db, reference: str) -> str:
    with db.sessions() as s:
        return s.scalar(select(Enquiry.status).where(Enquiry.reference == reference)) or ""


def _count(db, model, *where) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_redis_down_during_post_is_accepted_then_routed_once_when_back(
    db, hub_env: dict[str, str], tmp_path: Path
) -> None:
    redis = EmbeddedRedis(tmp_path / "redis")
    redis.start()
    # Beat's lock lives in this Redis: a short lock lets beat take it again soon after the
    # restart (as in the hub run drills), so the sweeper's first pass is not held back.
    env = {**hub_env, "HUB_REDIS_URL": redis.url, "HUB_BEAT_LOCK_SECONDS": "5"}
    settings = load_settings(env)
    # Its own Database, so the after-commit publish goes to this test's Redis.
    client = create_app(settings).test_client()
    worker = CeleryProcess("worker", env, tmp_path / "worker.log")
    beat = CeleryProcess("beat", env, tmp_path / "beat.log")
    try:
        worker.wait_ready()
        # Beat must be running (its lock taken) before Redis goes: a beat still starting when
        # Redis is away exits, to be restarted by its supervisor (hub run's, or the container
        # engine's), and this drill has none. The drill is of Redis going away under a running
        # hub, not of beat's start.
        beat.wait_ready(marker="beat: Acquired lock")
        redis.stop()
        started = time.monotonic()
        response = client.post("/v1/enquiries", json=enquiry_body(postcode="RG1 1AF"))
        elapsed = time.monotonic() - started
        assert response.status_code == 202
        assert elapsed < 10, f"POST took {elapsed:.1f}s with Redis down"
        reference = response.get_json()["reference"]
        with db.sessions() as s:
            outbox = s.scalars(select(OutboxMessage)).one()
        assert outbox.published_at is None  # left for the sweeper
        assert _status(db, reference) == "received"

        revived = EmbeddedRedis(tmp_path / "redis", port=redis.port, password=redis.password)
        revived.start()
        try:
            wait_for(
                lambda: _status(db, reference) == "routed",
                90,
                lambda: f"not routed\nworker:\n{worker.log()[-2000:]}\nbeat:\n{beat.log()[-2000:]}",
            )
            enquiry_id = _enquiry_id(db, reference)
            # Count once every copy of the message was handled: the outbox row is done (the
            # sweeper stops republishing it) and the broker holds nothing queued or unacked.
            broker = Redis.from_url(revived.url)
            wait_for(
                lambda: _outbox_done(db) and broker_idle(broker),
                60,
                lambda: f"broker never went idle\nworker:\n{worker.log()[-2000:]}",
            )
            assert (
                _count(db, RoutingDecisionRecord, RoutingDecisionRecord.enquiry_id == enquiry_id)
                == 1
            )
            assert _count(db, JourneyEvent, JourneyEvent.event == "routed") == 1
        finally:
            worker.stop()
            beat.stop()
            revived.stop()
    finally:
        worker.stop()
        beat.stop()
        redis.stop()


def _redelivered(env: dict[str, str], broker: Redis) -> bool:
    """True once no message is unacknowledged; until then, redeliver those past the timeout."""
    if broker.hlen("unacked") == 0:
        return True
    redeliver_expired(env["HUB_REDIS_URL"], float(env["HUB_VISIBILITY_TIMEOUT"]))
    return False


def _unacked_task_ids(broker: Redis) -> list[str]:
    """The task ids of the messages delivered but not acknowledged (kombu's ``unacked``)."""
    return [json.loads(raw)[0]["headers"]["id"] for raw in broker.hvals("unacked")]


def _outbox_done(db) -> bool:
    return _count(db, OutboxMessage, OutboxMessage.completed_at.is_(None)) == 0


def _enquiry_id(db, reference: str) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(Enquiry.id).where(Enquiry.reference == reference)) or 0)


class _RowLock:
    """Hold the enquiry row (PostgreSQL) or the write lock (SQLite) so a route task blocks."""

    def __init__(self, db, enquiry_id: int) -> None:
        self.db = db
        self.enquiry_id = enquiry_id
        self.conn: Any = None  # a sqlite3 or a psycopg connection

    def __enter__(self) -> _RowLock:
        if self.db.is_sqlite:
            import sqlite3

            path = self.db.url.removeprefix("sqlite:///")
            self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            url = self.db.url.replace("postgresql+psycopg://", "postgresql://")
            self.conn = psycopg.connect(url)
            self.conn.execute(
                "SELECT id FROM enquiries WHERE id = %s FOR UPDATE", (self.enquiry_id,)
            )
        return self

    def __exit__(self, *_: object) -> None:
        self.conn.rollback()
        self.conn.close()


def test_worker_killed_mid_task_still_routes_the_enquiry_once(
    client, db, hub_env: dict[str, str], tmp_path: Path
) -> None:
    # A short visibility timeout so the broker redelivers the unacknowledged message quickly.
    env = {
        **hub_env,
        "HUB_VISIBILITY_TIMEOUT": "8",
        "HUB_TASK_TIME_LIMIT": "6",
        "HUB_TASK_SOFT_TIME_LIMIT": "5",
    }
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    # Earlier tests published route tasks nobody consumed: start from an empty broker.
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    reference = client.post("/v1/enquiries", json=enquiry_body(postcode="KT1 1EU")).get_json()[
        "reference"
    ]
    enquiry_id = _enquiry_id(db, reference)
    first = CeleryProcess("worker", env, tmp_path / "first.log")
    with _RowLock(db, enquiry_id):
        first.wait_ready()
        # The message is in the worker's hands (acks late: still unacknowledged) and the task
        # is blocked on the lock we hold: this is "in the middle of a route task".
        wait_for(lambda: broker.hlen("unacked") >= 1, 30, "task never reached the worker")
        wait_for(lambda: "route_enquiry" in first.log(), 30, "worker never started the task")
        first.kill()
    assert _status(db, reference) == "received"
    held = _unacked_task_ids(broker)
    assert held  # the killed worker had taken the message and not acknowledged it
    # The outbox sweeper (beat) republishes unfinished work; the broker's own redelivery of the
    # unacknowledged message may also arrive. Either way the claim makes it happen once.
    second = CeleryProcess("worker", env, tmp_path / "second.log")
    beat = CeleryProcess("beat", env, tmp_path / "beat.log")
    try:
        second.wait_ready()
        wait_for(
            lambda: _status(db, reference) == "routed",
            60,
            lambda: f"not routed after kill\n{second.log()[-3000:]}",
        )
        # The killed worker's message is still unacknowledged: redeliver it (as the broker does
        # once the visibility timeout has passed) and count after every copy, the sweeper's
        # and the broker's, was handled and acknowledged.
        wait_for(
            lambda: _redelivered(env, broker) and _outbox_done(db) and broker_idle(broker),
            60,
            lambda: f"broker never went idle\n{second.log()[-3000:]}",
        )
        assert all(f"[{task_id}] succeeded" in second.log() for task_id in held)
        assert (
            _count(db, RoutingDecisionRecord, RoutingDecisionRecord.enquiry_id == enquiry_id) == 1
        )
        with db.sessions() as s:
            assert s.scalar(select(Enquiry.authority_code).where(Enquiry.id == enquiry_id)) == (
                "E09000021"
            )
    finally:
        beat.stop()
        second.stop()
        first.stop()
