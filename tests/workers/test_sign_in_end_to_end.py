"""End to end with a real worker: POST /sign-in -> outbox -> Celery -> the link e-mailed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from hub.access.models import SignInRequest
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import Queue, TaskName
from tests.support.processes import CeleryProcess, wait_for
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    invite,
    link_path,
    mails_to,
    new_address,
    own_address,
    use_link,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(hub_env: dict[str, str], tmp_path: Path, db) -> Iterator[CeleryProcess]:
    # Earlier tests published tasks nobody consumed: the worker starts on an empty broker.
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    proc = CeleryProcess("worker", hub_env, tmp_path / "worker.log")
    proc.wait_ready()
    yield proc
    proc.stop()


def _open_sign_in_tasks(db) -> int:
    with db.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.task_name == str(TaskName.SEND_SIGN_IN_LINK),
                    OutboxMessage.completed_at.is_(None),
                )
            )
            or 0
        )


def test_the_worker_e_mails_the_link_a_known_address_asked_for(client, db, worker) -> None:
    known, stranger = new_address(), new_address()
    invite(known, council="Kent")
    own_address(client)
    for address in (known, stranger):
        token = csrf_from(client.get("/sign-in", headers=BROWSER).get_data(as_text=True))
        response = client.post(
            "/sign-in", data={"csrf_token": token, "email": address}, headers=BROWSER
        )
        assert response.status_code == 303
    wait_for(
        lambda: len(mails_to(known)) == 2 and _open_sign_in_tasks(db) == 0,
        30,
        lambda: f"no sign-in link sent; worker log:\n{worker.log()[-3000:]}",
    )
    assert mails_to(stranger) == []
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SignInRequest)) == 0
    assert use_link(client, link_path(known)).status_code == 303
    log = worker.log().lower()
    assert "send_sign_in_link" in log
    assert known.split("@")[0] not in log and stranger.split("@")[0] not in log
