"""A council whose webhook answers slowly holds its own share of the delivery pool, no more.

Real processes: a routing worker, a delivery worker with three slots, beat, Redis, two
receivers on loopback. Kent's receiver holds every request until the test lets it go (a
council whose endpoint takes its whole timeout and then says 200); Birmingham's answers at
once. While Kent holds its requests, every enquiry is routed, every Birmingham referral
arrives, Kent has only its share in flight and the rest of its deliveries wait as rows.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from hub.delivery.models import Delivery
from hub.enquiries.models import Enquiry
from hub.platform.queued_marks import QUEUED_PREFIX
from hub.platform.queues import Queue
from tests.delivery.receiver import Receiver, Reply, running_receiver
from tests.delivery.support import person, webhook
from tests.support.council import BIRMINGHAM, KENT
from tests.support.processes import CeleryProcess, wait_for

pytestmark = pytest.mark.slow

KENT_POSTCODE, BIRMINGHAM_POSTCODE = "ME14 1XQ", "B1 1AA"
EACH = 6

# Kent's held requests must outlast the test's waits: a long read timeout (and a lease and task
# limits above it), so the slow council is slow, not failing.
SLOW_ENV = {
    "HUB_DELIVERY_SWEEP_SECONDS": "1",
    "HUB_WEBHOOK_READ_TIMEOUT": "40",
    "HUB_DELIVERY_LEASE_SECONDS": "60",
    "HUB_TASK_SOFT_TIME_LIMIT": "50",
    "HUB_TASK_TIME_LIMIT": "55",
    "HUB_VISIBILITY_TIMEOUT": "120",
}


@pytest.fixture
def slow_env(delivery_env: dict[str, str]) -> dict[str, str]:
    return {**delivery_env, **SLOW_ENV}


@pytest.fixture
def clean_broker(hub_env: dict[str, str]) -> Iterator[Redis]:
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    yield broker
    broker.close()


@pytest.fixture
def birmingham() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


def _kent_waiting_rows(db, subscription_id: int) -> int:
    with db.sessions() as session:
        rows = session.scalars(
            select(Delivery).where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == "pending",
                Delivery.published_at.is_(None),
                Delivery.locked_until.is_(None),
            )
        ).all()
    return len(rows)


def _unrouted(db) -> int:
    with db.sessions() as session:
        return len(session.scalars(select(Enquiry).where(Enquiry.status == "received")).all())


def test_a_slow_council_holds_only_its_share_and_nobody_else_waits(
    client, db, geography, slow_env, receiver, birmingham, clean_broker, tmp_path: Path
) -> None:
    kent = webhook(db, KENT, receiver.url, receiver=receiver)
    webhook(db, BIRMINGHAM, birmingham.url, receiver=birmingham)
    release = threading.Event()
    receiver.script = [Reply(200, hold=release) for _ in range(EACH)]
    routing = CeleryProcess(
        "worker", slow_env, tmp_path / "routing.log", "-Q", "routing,maintenance"
    )
    delivery = CeleryProcess(
        "worker",
        slow_env,
        tmp_path / "delivery.log",
        "-Q",
        "delivery",
        "--pool",
        "prefork",
        "-c",
        "3",
    )
    beat = CeleryProcess("beat", slow_env, tmp_path / "beat.log")
    procs = (routing, delivery, beat)

    def logs() -> str:
        return "\n".join(p.log()[-2000:] for p in procs)

    try:
        routing.wait_ready()
        delivery.wait_ready()
        for postcode in [KENT_POSTCODE, BIRMINGHAM_POSTCODE] * EACH:
            response = client.post("/v1/enquiries", json=person(postcode=postcode))
            assert response.status_code == 202, response.get_json()

        # While Kent holds its requests: Birmingham hears of every referral, every enquiry is
        # routed, Kent has its two places in flight and its other four wait as rows.
        wait_for(lambda: len(birmingham.received) >= EACH, 60, logs)
        wait_for(lambda: _unrouted(db) == 0, 30, logs)
        wait_for(lambda: _kent_waiting_rows(db, kent.subscription.id) == EACH - 2, 30, logs)
        wait_for(lambda: receiver.started_count == 2, 30, logs)
        # Its other four have no message anywhere: nothing more can reach Kent until it answers.
        assert _kent_waiting_rows(db, kent.subscription.id) == EACH - 2
        assert receiver.started_count == 2
        assert not release.is_set() and len(receiver.received) == 0
        assert sorted(Counter(birmingham.ids()).values()) == [1] * EACH

        # Kent answers again: what waited goes, each webhook id once.
        release.set()
        receiver.wait_for_count(EACH, timeout=60)
        assert sorted(Counter(receiver.ids()).values()) == [1] * EACH
        # Every message a worker took cleared its queued mark (the outbox sweeper's guide).
        assert list(clean_broker.scan_iter(match=f"{QUEUED_PREFIX}*")) == []
    finally:
        release.set()
        for proc in procs:
            proc.stop()
