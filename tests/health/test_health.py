"""Liveness, readiness and the metrics endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import update

from config.settings import Settings, load_settings
from hub.app import create_app
from hub.embedded.redis_server import free_port
from hub.enquiries.models import Enquiry
from hub.platform.heartbeat import HEARTBEAT_KEY, beat, consumption_keys, record_consumed
from hub.platform.models import utcnow
from hub.platform.queues import Queue, queue_keys
from tests.support.council import submitted
from tests.support.processes import CeleryProcess, wait_for


@pytest.fixture
def broker(hub_settings: Settings) -> Iterator[Redis]:
    """The session's Redis with no worker heartbeat, no consumption record and empty hub
    queues (and none of them left behind)."""
    client = Redis.from_url(hub_settings.redis_url)
    keys = [
        HEARTBEAT_KEY,
        *consumption_keys(),
        *(k for queue in Queue for k in queue_keys(str(queue))),
    ]
    client.delete(*keys)
    yield client
    client.delete(*keys)
    client.close()


def test_healthz_says_the_process_is_alive(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_livez_is_the_same_liveness_check_for_orchestrators(client) -> None:
    answer = client.get("/livez")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_redis_and_a_worker_answer(client, broker) -> None:
    beat(broker, "worker@test", interval=5)  # what a live worker writes
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "database": "ok",
        "redis": "ok",
        "worker": "ok",
        "routing": "ok",
    }


def test_readyz_is_503_no_worker_without_a_live_worker_heartbeat(client, broker) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["worker"]
    assert "no worker" in response.get_json()["detail"]


@pytest.mark.slow
def test_readyz_follows_a_real_worker_and_says_no_worker_soon_after_it_is_killed(
    client, broker, hub_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**hub_env, "HUB_WORKER_HEARTBEAT_SECONDS": "0.5"}
    worker = CeleryProcess("worker", env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        wait_for(
            lambda: client.get("/readyz").status_code == 200,
            15,
            lambda: f"never ready with a live worker\n{worker.log()[-2000:]}",
        )
        worker.kill()  # SIGKILL: no shutdown hook runs, the key must expire by itself
        wait_for(lambda: client.get("/readyz").status_code == 503, 10, "still ready")
        errors = client.get("/readyz").get_json()["errors"]
        assert errors == [{"field": "worker", "message": "no worker: no live worker heartbeat"}]
    finally:
        worker.stop()


def test_readyz_is_503_not_consuming_when_work_waits_that_no_worker_takes(client, broker) -> None:
    beat(broker, "worker@test", interval=5)  # alive...
    record_consumed(broker, time.time() - 600)  # ...but took nothing for ten minutes
    assert client.get("/readyz").status_code == 200  # nothing waits: idle is fine
    broker.lpush(str(Queue.ROUTING), b"{}")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["errors"] == [
        {
            "field": "worker",
            "message": "not consuming: 1 messages waiting, no task started for 600 s",
        }
    ]
    record_consumed(broker, time.time())  # a task just started: work is flowing again
    assert client.get("/readyz").status_code == 200


@pytest.mark.slow
def test_readyz_sees_a_live_worker_that_does_not_take_the_waiting_work(
    client, broker, hub_env: dict[str, str], tmp_path: Path
) -> None:
    """A real worker that beats but does not consume the routing queue (as a worker whose
    consumer hung after a broker reconnect): ready while nothing waits, then not consuming."""
    env = {**hub_env, "HUB_WORKER_HEARTBEAT_SECONDS": "0.5", "HUB_WORKER_STALL_SECONDS": "1"}
    app = create_app(load_settings(env), db=client.application.extensions["hub_db"])
    probe = app.test_client()
    worker = CeleryProcess("worker", env, tmp_path / "worker.log", "-Q", str(Queue.MAINTENANCE))
    try:
        worker.wait_ready()
        wait_for(lambda: probe.get("/readyz").status_code == 200, 15, "never ready")
        broker.lpush(str(Queue.ROUTING), b"{}")  # work only a routing consumer would take
        wait_for(lambda: probe.get("/readyz").status_code == 503, 10, "never stalled")
        (error,) = probe.get("/readyz").get_json()["errors"]
        assert error["field"] == "worker" and error["message"].startswith(
            "not consuming: 1 messages waiting"
        )
    finally:
        worker.stop()


def test_readyz_is_503_with_the_reason_when_redis_is_away(db, hub_env) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(load_settings({**hub_env, "HUB_REDIS_URL": dead}), db=db)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["redis"]


def test_metrics_are_served_in_the_prometheus_text_format(client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "# TYPE hub_enquiries_accepted_total counter" in response.get_data(as_text=True)


def test_readyz_is_503_when_routing_falls_behind_and_says_how_far(client, broker, db) -> None:
    beat(broker, "worker@test", interval=5)  # a live worker: only routing's lag is at fault
    reference = submitted(client)
    assert client.get("/readyz").status_code == 200  # waiting, but not yet for long
    with db.transaction() as session:
        session.execute(
            update(Enquiry)
            .where(Enquiry.reference == reference)
            .values(created_at=utcnow() - timedelta(minutes=10))
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    (error,) = response.get_json()["errors"]
    assert error["field"] == "routing"
    assert error["message"].startswith("behind: 1 enquiries waiting to be routed longer than")
    assert "the oldest for 60" in error["message"]  # 600 s, give or take the test's own time
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "hub_enquiries_routing_late 1.0" in metrics
