"""Drills with real processes: a Celery worker and beat, Redis, a receiver on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from config.settings import load_settings
from hub.app import create_app
from hub.embedded.redis_server import EmbeddedRedis
from hub.platform.db import Database
from hub.platform.outbox import publisher_for
from hub.platform.queues import Queue
from hub.referrals.route_enquiry import route_enquiry
from tests.delivery.receiver import Reply
from tests.delivery.support import NOT_TO_ENQUIRERS, deliveries, person, webhook
from tests.support.council import KENT, enquiry_id_of
from tests.support.processes import CeleryProcess, broker_idle, redeliver_expired, wait_for

pytestmark = pytest.mark.slow

DRILL_ENV = {
    "HUB_DELIVERY_SWEEP_SECONDS": "1",
    "HUB_DELIVERY_LEASE_SECONDS": "6",
    "HUB_VISIBILITY_TIMEOUT": "8",
    "HUB_TASK_TIME_LIMIT": "6",
    "HUB_TASK_SOFT_TIME_LIMIT": "5",
}


@pytest.fixture
def drill_env(delivery_env: dict[str, str]) -> dict[str, str]:
    return {**delivery_env, **DRILL_ENV}


@pytest.fixture
def clean_broker(hub_env: dict[str, str]) -> Iterator[Redis]:
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    yield broker


def _logs(*procs: CeleryProcess) -> str:
    return "\n".join(p.log()[-2500:] for p in procs)


def test_a_posted_enquiry_reaches_the_councils_webhook_through_the_worker(
    client, db, drill_env, receiver, clean_broker, tmp_path: Path
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    worker = CeleryProcess("worker", drill_env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        reference = client.post("/v1/enquiries", json=person()).get_json()["reference"]
        (got,) = receiver.wait_for_count(1)
        assert got.verified and got.payload["data"]["reference"] == reference
        wait_for(
            lambda: deliveries(db, NOT_TO_ENQUIRERS)[0].status == "delivered",
            20,
            lambda: _logs(worker),
        )
    finally:
        worker.stop()


def test_a_posted_enquiry_gets_its_confirmation_email_through_the_worker(
    client, db, drill_env, clean_broker, tmp_path: Path
) -> None:
    worker = CeleryProcess("worker", drill_env, tmp_path / "worker.log")
    body = person()
    mail = Path(drill_env["HUB_DATA_DIR"]) / "mail"
    try:
        worker.wait_ready()
        reference = client.post("/v1/enquiries", json=body).get_json()["reference"]
        wait_for(lambda: len(list(mail.glob("*.eml"))) == 1, 20, lambda: _logs(worker))
        (written,) = (path.read_text() for path in mail.glob("*.eml"))
        assert f"To: {body['email']}" in written and f"Your reference is {reference}." in written
        wait_for(lambda: deliveries(db)[0].status == "delivered", 20, lambda: _logs(worker))
    finally:
        worker.stop()


def test_a_worker_killed_mid_send_delivers_once_more_with_the_same_webhook_id(
    db, geography, drill_env, receiver, clean_broker, tmp_path: Path
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    release = threading.Event()
    receiver.script = [Reply(200, hold=release)]
    first = CeleryProcess("worker", drill_env, tmp_path / "first.log")
    second = beat = None
    try:
        first.wait_ready()
        _route_kent(client_for(db), db)
        assert receiver.started.wait(30), _logs(first)
        first.kill()  # SIGKILL while the receiver holds the request
        release.set()
        second = CeleryProcess("worker", drill_env, tmp_path / "second.log")
        beat = CeleryProcess("beat", drill_env, tmp_path / "beat.log")
        second.wait_ready()
        received = receiver.wait_for_count(2, timeout=60)
        assert received[0].webhook_id == received[1].webhook_id
        wait_for(
            lambda: deliveries(db, NOT_TO_ENQUIRERS)[0].status == "delivered",
            20,
            lambda: _logs(second),
        )
        # The killed worker's message comes back once the visibility timeout passes: it finds
        # the delivery done and sends nothing.
        wait_for(
            lambda: _redelivered(drill_env, clean_broker) and broker_idle(clean_broker),
            60,
            lambda: _logs(second, beat),
        )
        assert len(receiver.received) == 2
        assert deliveries(db)[0].attempts == 2
    finally:
        release.set()
        for proc in (beat, second, first):
            if proc is not None:
                proc.stop()


def client_for(db):
    return create_app(db.settings, db=db).test_client()


def _route_kent(client, db) -> str:
    """Store an enquiry and route it here; the worker sends the delivery."""
    reference: str = client.post("/v1/enquiries", json=person()).get_json()["reference"]
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference


def _redelivered(env: dict[str, str], broker: Redis) -> bool:
    if broker.hlen("unacked") == 0:
        return True
    redeliver_expired(env["HUB_REDIS_URL"], float(env["HUB_VISIBILITY_TIMEOUT"]))
    return False


def test_redis_down_while_a_referral_is_routed_is_delivered_when_it_is_back(
    db, geography, drill_env, receiver, tmp_path: Path
) -> None:
    redis = EmbeddedRedis(tmp_path / "redis")
    redis.start()
    env = {**drill_env, "HUB_REDIS_URL": redis.url}
    settings = load_settings(env)
    client = create_app(settings).test_client()
    webhook(db, KENT, receiver.url, receiver=receiver)
    worker = CeleryProcess("worker", env, tmp_path / "worker.log")
    beat = CeleryProcess("beat", env, tmp_path / "beat.log")
    revived = None
    try:
        worker.wait_ready()
        reference = client.post("/v1/enquiries", json=person()).get_json()["reference"]
        wait_for(lambda: enquiry_id_of(db, reference) > 0, 10, "not stored")
        redis.stop()
        # Route it here, publishing to the Redis that is down: the delivery row commits and
        # its send task waits for the sweepers.
        routing_db = Database(settings, publisher=publisher_for(settings))
        try:
            route_enquiry(routing_db, enquiry_id_of(db, reference))
        finally:
            routing_db.dispose()
        (row,) = deliveries(db, NOT_TO_ENQUIRERS)
        assert row.status == "pending" and receiver.received == []
        assert len(deliveries(db)) == 2  # the enquirer's confirmation waits too
        revived = EmbeddedRedis(tmp_path / "redis", port=redis.port, password=redis.password)
        revived.start()
        (got,) = receiver.wait_for_count(1, timeout=180)
        assert got.verified and got.payload["data"]["reference"] == reference
        wait_for(
            lambda: [d.status for d in deliveries(db)] == ["delivered", "delivered"],  # both
            30,
            lambda: _logs(worker, beat),
        )
    finally:
        worker.stop()
        beat.stop()
        if revived is not None:
            revived.stop()
        redis.stop()
