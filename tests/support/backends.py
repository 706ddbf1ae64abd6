"""Test backends: real PostgreSQL + Redis when HUB_TEST_BACKEND=services, else embedded.

The suite runs in parallel (pytest-xdist): every worker process is its own test session, with
its own backend. Services: a fresh PostgreSQL database per session (a random name) and a
Redis database number claimed for the session under a file lock, so that neither two xdist
workers nor two test runs on one machine ever flush each other's Redis. Embedded: a SQLite
file and a redis-server on a free port in the session's own temporary directory.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psycopg
from redis import Redis

from hub.embedded.redis_server import EmbeddedRedis

PG_ADMIN_URL = os.environ.get("HUB_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SERVICE_REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# The first Redis database number a session tries (the next free one is claimed).
FIRST_REDIS_DB = 9
# How long a session waits for a Redis database number when every one is claimed.
REDIS_DB_WAIT_SECONDS = 600.0


def backend_name() -> str:
    return os.environ.get("HUB_TEST_BACKEND", "embedded")


def xdist_worker_index() -> int:
    """This process's pytest-xdist worker index (gw0 -> 0, gw3 -> 3); 0 when not distributed."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


@dataclass
class Backend:
    name: str
    database_url: str
    redis_url: str


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"hub_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"HUB_TEST_BACKEND=services but PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}"
        ) from exc
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_database_count(client: Redis) -> int:
    """How many numbered databases the Redis server has (16 unless configured otherwise)."""
    try:
        answer = client.config_get("databases")
        return int(answer.get("databases", 16))
    except Exception:  # CONFIG may be renamed or forbidden on a managed Redis
        return 16


def redis_db_candidates(first: int, count: int, worker: int) -> list[int]:
    """The Redis database numbers a session tries, in order.

    Worker ``n`` starts at ``first + n`` (so the workers of one run usually get one number
    each at the first try), then takes any other number but 0 (a developer's own hub uses 0).
    """
    usable = [n for n in range(count) if n != 0] or [0]
    start = (first + worker) % count
    ordered = [n for n in range(start, count)] + [n for n in range(start)]
    return [n for n in ordered if n in usable]


def _lock_path(redis_url: str, number: int) -> Path:
    place = redis_url.rsplit("/", 1)[0].split("://", 1)[-1].replace("/", "_").replace(":", "_")
    return Path(tempfile.gettempdir()) / f"hub-test-redis-{place}-db{number}.lock"


@contextmanager
def claimed_redis_db(
    redis_url: str,
    candidates: list[int],
    in_use: Callable[[int], bool] = lambda number: False,
    wait: float = REDIS_DB_WAIT_SECONDS,
) -> Iterator[int]:
    """Hold an exclusive claim on one of ``candidates`` for as long as the block runs.

    The claim is an ``flock`` on a file per (server, number) in the temporary directory, so
    it is released when the holder exits, however it exits. Redis runs on this machine's
    loopback in the test setups, so every session that uses it sees the same lock files.
    A number nobody has claimed but that ``in_use`` says holds data (a run that takes no
    lock, or a developer's own hub) is taken only when no other number is free.
    """
    deadline = time.monotonic() + wait
    while True:
        for only_unused in (True, False):
            for number in candidates:
                handle: IO[str] = _lock_path(redis_url, number).open("a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                if only_unused and in_use(number):
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
                    continue
                try:
                    yield number
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
                return
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"every Redis database number of {redis_url} ({candidates}) is in use by other "
                "test sessions; run fewer at once (pytest -n) or set HUB_TEST_REDIS_DB"
            )
        time.sleep(0.5)


@contextmanager
def service_redis() -> Iterator[str]:
    """A Redis database of the service Redis for this session alone, flushed at the start."""
    try:
        client = Redis.from_url(SERVICE_REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:
        raise RuntimeError(f"Redis is not reachable at {SERVICE_REDIS_URL}: {exc}") from exc
    with client:
        count = redis_database_count(client)
    first = int(os.environ.get("HUB_TEST_REDIS_DB", str(FIRST_REDIS_DB)))
    candidates = redis_db_candidates(first, count, xdist_worker_index())
    base = SERVICE_REDIS_URL.rsplit("/", 1)[0]

    def holds_data(number: int) -> bool:
        with Redis.from_url(f"{base}/{number}", socket_connect_timeout=2) as probe:
            return int(probe.dbsize()) > 0

    with claimed_redis_db(SERVICE_REDIS_URL, candidates, holds_data) as number:
        redis_url = f"{base}/{number}"
        with Redis.from_url(redis_url) as claimed:
            claimed.flushdb()
        yield redis_url


@contextmanager
def session_backend(tmp: Path) -> Iterator[Backend]:
    """The database and Redis the whole test session uses."""
    if backend_name() == "services":
        with service_redis() as redis_url, postgres_database() as url:
            yield Backend("services", url, redis_url)
        return
    redis = EmbeddedRedis(tmp / "redis")
    redis.start()
    try:
        yield Backend("embedded", f"sqlite:///{tmp / 'hub.db'}", redis.url)
    finally:
        redis.stop()
