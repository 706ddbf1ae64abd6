"""More than one machine, on loopback: two API machines, three worker machines, two beats, one
PostgreSQL and one Redis (the services backend only: the shape it checks is the production one).

Each "machine" is a loopback address of its own (127.0.0.2, 127.0.0.3, ...) with its own data
directory: the API processes listen on theirs, the workers are named for theirs (a worker
listens on nothing). Enquiries go to the two APIs in turn, as a proxy spreads them, and a
request that dies with its API is sent again to the other with the same ``Idempotency-Key``,
as a proxy retries. One API machine and one worker are SIGKILLed mid-stream. Checked: every
enquiry stored once and routed once, every worker routed some, and the beats sent each job
once per period (whichever beat holds RedBeat's lock in Redis sends; on a loaded machine the
lock may pass from one to the other, and a job is still not sent twice in a period).
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

from hub.embedded.redis_server import free_port
from hub.enquiries.models import Enquiry, EnquiryStatus
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

pytestmark = [pytest.mark.slow, pytest.mark.one_backend("services")]

ENQUIRIES = 90
KILL_API_AFTER = 30
KILL_WORKER_AFTER = 45
API_ADDRESSES = ("127.0.0.2", "127.0.0.3")
WORKER_ADDRESSES = ("127.0.0.4", "127.0.0.5", "127.0.0.6")
POSTCODES = ("ME14 1XQ", "KT1 1EU", "RG1 1AF", "TW9 1DN", "LS1 1UR", "BN1 1AA")
SENT = re.compile(r"^\[(\S+ \S+): INFO/MainProcess\] Scheduler: Sending due task (\S+)", re.M)
ROUTED = re.compile(r"Task hub\.route_enquiry\[\S+\] succeeded")
EVERY_SECOND = ("sweep-outbox", "sweep-deliveries")


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every process under it (a gunicorn master and its workers), as a
    machine that loses its power takes them all at once."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
    for each in found:
        try:
            os.kill(each, signal.SIGKILL)
        except ProcessLookupError:
            continue


def beat_sends(logs: list[str]) -> dict[str, list[tuple[datetime, int]]]:
    """Each job's sends from the beats' logs: (when, which beat), oldest first."""
    sends: dict[str, list[tuple[datetime, int]]] = {}
    for beat, text in enumerate(logs):
        for when, job in SENT.findall(text):
            sends.setdefault(job, []).append((datetime.fromisoformat(when.replace(",", ".")), beat))
    return {job: sorted(times) for job, times in sends.items()}


def _count(db, query) -> int:
    with db.sessions() as s:
        return int(s.scalar(query) or 0)


@pytest.fixture
def machine_env(hub_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **hub_env,
        # Short periods so that a test sees several: beat's lock (RedBeat), the sweeps, and a
        # killed worker's message back after a short visibility timeout.
        "HUB_BEAT_LOCK_SECONDS": "3",
        "HUB_OUTBOX_SWEEP_SECONDS": "1",
        "HUB_DELIVERY_SWEEP_SECONDS": "1",
        "HUB_OUTBOX_STALE_SECONDS": "5",
        "HUB_VISIBILITY_TIMEOUT": "6",
        "HUB_TASK_TIME_LIMIT": "5",
        "HUB_TASK_SOFT_TIME_LIMIT": "4",
    }
    broker = Redis.from_url(env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    for key in broker.scan_iter(match="hub:beat*"):
        broker.delete(key)
    yield env
    broker.close()


def on_machine(env: dict[str, str], tmp_path: Path, address: str) -> dict[str, str]:
    """A machine's environment: the shared settings, its own data directory."""
    data = tmp_path / address
    data.mkdir(exist_ok=True)
    return {**env, "HUB_DATA_DIR": str(data)}


def test_two_apis_three_workers_two_beats_lose_an_api_and_a_worker_and_nothing(
    db, geography: str, machine_env: dict[str, str], tmp_path: Path
) -> None:
    env = machine_env
    broker = Redis.from_url(env["HUB_REDIS_URL"])
    with ExitStack() as stack:
        apis = []
        for address in API_ADDRESSES:
            api = GunicornProcess(
                on_machine(env, tmp_path, address), tmp_path / address, free_port(), 1, address
            )
            stack.callback(api.stop)
            apis.append(api)
        workers = []
        for n, address in enumerate(WORKER_ADDRESSES):
            name = f"worker-{n}@{address}"
            log = tmp_path / address / "worker.log"
            worker = CeleryProcess("worker", on_machine(env, tmp_path, address), log, "-n", name)
            stack.callback(worker.stop)
            workers.append(worker)
        beats = []
        for address in WORKER_ADDRESSES[:2]:
            beat = CeleryProcess(
                "beat", on_machine(env, tmp_path, address), tmp_path / address / "beat.log"
            )
            stack.callback(beat.stop)
            beats.append(beat)
        for api in apis:
            api.wait_ready()
        for worker in workers:
            worker.wait_ready()
        wait_for(
            lambda: any("Acquired lock" in beat.log() for beat in beats),
            30,
            lambda: "no beat took the lock:\n" + "\n".join(b.log()[-1500:] for b in beats),
        )

        references: list[str] = []
        lock = threading.Lock()
        alive = [True, True]

        def submit(n: int) -> None:
            body = enquiry_body(postcode=POSTCODES[n % len(POSTCODES)])
            key = str(uuid.uuid4())
            for attempt in range(4):  # the proxy sends it to the next API that answers
                which = (n + attempt) % 2
                if not alive[which]:
                    continue
                try:
                    status, answer = http_post_json(
                        f"{apis[which].base_url}/v1/enquiries",
                        body,
                        headers={"Idempotency-Key": key},
                    )
                except OSError:
                    continue
                if status == 202:
                    with lock:
                        references.append(str(answer["reference"]))
                    return
            raise AssertionError(f"enquiry {n} was not accepted by any API")

        with ThreadPoolExecutor(max_workers=6) as pool:
            for done, _ in enumerate(pool.map(submit, range(ENQUIRIES)), start=1):
                if done == KILL_API_AFTER:
                    kill_tree(apis[0].process.pid)  # requests in flight on it die with it
                    alive[0] = False
                if done == KILL_WORKER_AFTER:
                    wait_for(lambda: bool(ROUTED.search(workers[0].log())), 60, workers[0].log)
                    workers[0].kill()
        apis[0].process.wait()

        def routed() -> int:
            return _count(
                db,
                select(func.count())
                .select_from(Enquiry)
                .where(Enquiry.status != EnquiryStatus.RECEIVED),
            )

        def settled() -> bool:
            if broker.hlen("unacked"):
                redeliver_expired(env["HUB_REDIS_URL"], float(env["HUB_VISIBILITY_TIMEOUT"]))
                return False
            open_rows = _count(
                db,
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.completed_at.is_(None)),
            )
            return open_rows == 0 and broker_idle(broker)

        # A deadline, not a speed target: it only stops a test that would hang.
        wait_for(lambda: routed() == ENQUIRIES, 120, lambda: f"{routed()}/{ENQUIRIES} routed")
        wait_for(settled, 30, "the broker never settled")

        assert len(references) == len(set(references)) == ENQUIRIES
        assert _count(db, select(func.count()).select_from(Enquiry)) == ENQUIRIES
        with db.sessions() as s:
            per_enquiry = s.execute(
                select(RoutingDecisionRecord.enquiry_id, func.count()).group_by(
                    RoutingDecisionRecord.enquiry_id
                )
            ).all()
        assert len(per_enquiry) == ENQUIRIES and {count for _, count in per_enquiry} == {1}

        routed_by = [len(ROUTED.findall(worker.log())) for worker in workers]
        assert all(count > 0 for count in routed_by), routed_by  # spread over the three

        sends = beat_sends([beat.log() for beat in beats])
        for job in EVERY_SECOND:
            times = [when for when, _beat in sends[job]]
            gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
            assert len(times) >= 5 and min(gaps) > 0.5, (job, gaps)  # once a second, not twice
        for job, sent in sends.items():
            if job not in EVERY_SECOND:  # periods of minutes to a day: at most once here
                assert len(sent) <= 1, (job, sent)
    broker.close()
