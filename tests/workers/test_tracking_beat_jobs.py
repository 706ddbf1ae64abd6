"""End to end with a real worker: the tracking beat jobs run as Celery tasks (twice each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from hub.platform.broker import celery_config
from hub.platform.queues import Queue, TaskName
from hub.tracking.models import FollowUp, JourneyClock
from tests.support.council import KENT, routed, token_for
from tests.support.processes import CeleryProcess, wait_for
from tests.tracking.support import progress

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(hub_env: dict[str, str], tmp_path: Path, db) -> Iterator[CeleryProcess]:
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    proc = CeleryProcess("worker", hub_env, tmp_path / "worker.log")
    proc.wait_ready()
    yield proc
    proc.stop()


def _count(db, model) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_sweeps_run_in_the_worker_and_a_second_run_creates_nothing(
    client, db, worker, hub_settings
) -> None:
    from celery import Celery

    reference = routed(client, db)
    progress(client, token_for(db, KENT), reference, "first_contact")
    sender = Celery("test-sender")
    sender.conf.update(celery_config(hub_settings))
    for _ in range(2):
        for task in (TaskName.SWEEP_CLOCKS, TaskName.CREATE_FOLLOW_UPS):
            sender.send_task(str(task), queue=str(Queue.MAINTENANCE))
    done = lambda: worker.log().count("succeeded") >= 4  # noqa: E731
    wait_for(done, 60, lambda: f"the worker did not run the sweeps:\n{worker.log()[-3000:]}")
    # first contact + initial visit clocks, and one stalled-enquiry follow-up: made by the
    # routing and the stage, and not again by the sweeps.
    assert (_count(db, JourneyClock), _count(db, FollowUp)) == (2, 1)
