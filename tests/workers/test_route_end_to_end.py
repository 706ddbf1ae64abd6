"""End to end with real processes: POST -> stored -> a Celery worker routes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry
from hub.platform.queues import Queue
from hub.referrals.models import RoutingDecisionRecord
from tests.intake.factories import enquiry_body
from tests.support.processes import CeleryProcess, wait_for

pytestmark = pytest.mark.slow


def _enquiry(db, reference: str) -> Enquiry:
    with db.sessions() as s:
        return s.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()


def _decisions(db, enquiry_id: int) -> int:
    with db.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(RoutingDecisionRecord)
                .where(RoutingDecisionRecord.enquiry_id == enquiry_id)
            )
            or 0
        )


def _routed_events(db, enquiry_id: int) -> int:
    with db.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(JourneyEvent)
                .where(JourneyEvent.enquiry_id == enquiry_id, JourneyEvent.event == "routed")
            )
            or 0
        )


@pytest.fixture
def worker(hub_env: dict[str, str], tmp_path: Path, db) -> Iterator[CeleryProcess]:
    # Earlier tests published route tasks nobody consumed: the worker starts on an empty broker.
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    proc = CeleryProcess("worker", hub_env, tmp_path / "worker.log")
    proc.wait_ready()
    yield proc
    proc.stop()


def test_posted_enquiry_is_routed_to_the_authority_for_its_postcode(client, db, worker) -> None:
    reference = client.post("/v1/enquiries", json=enquiry_body(postcode="ME14 1XQ")).get_json()[
        "reference"
    ]
    wait_for(
        lambda: _enquiry(db, reference).status == "routed",
        30,
        lambda: f"not routed; worker log:\n{worker.log()[-3000:]}",
    )
    enquiry = _enquiry(db, reference)
    assert enquiry.authority_code == "E10000016"  # Kent County Council, not Maidstone Borough
    assert _decisions(db, enquiry.id) == 1
    status = client.get(f"/v1/enquiries/{reference}").get_json()
    assert status["status"] == "routed"


def test_the_request_id_follows_the_enquiry_into_the_worker_log(client, db, worker) -> None:
    response = client.post(
        "/v1/enquiries", json=enquiry_body(), headers={"X-Request-ID": "trace-e2e-7f3a"}
    )
    reference = response.get_json()["reference"]
    wait_for(lambda: _enquiry(db, reference).status == "routed", 30, "not routed")
    wait_for(
        lambda: "trace-e2e-7f3a" in worker.log(),
        10,
        lambda: f"request id not in worker log:\n{worker.log()[-2000:]}",
    )
    assert "sam@" not in worker.log() and "@example.org" not in worker.log()
