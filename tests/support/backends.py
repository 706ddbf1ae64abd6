"""Test backends: real PostgreSQL + Redis when HUB_TEST_BACKEND=services, else embedded."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from redis import Redis

from hub.embedded.redis_server import EmbeddedRedis

PG_ADMIN_URL = os.environ.get("HUB_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SERVICE_REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def backend_name() -> str:
    return os.environ.get("HUB_TEST_BACKEND", "embedded")


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


@contextmanager
def session_backend(tmp: Path) -> Iterator[Backend]:
    """The database and Redis the whole test session uses."""
    if backend_name() == "services":
        try:
            Redis.from_url(SERVICE_REDIS_URL, socket_connect_timeout=2).ping()
        except Exception as exc:
            raise RuntimeError(f"Redis is not reachable at {SERVICE_REDIS_URL}: {exc}") from exc
        redis_db = int(os.environ.get("HUB_TEST_REDIS_DB", "9"))
        redis_url = SERVICE_REDIS_URL.rsplit("/", 1)[0] + f"/{redis_db}"
        Redis.from_url(redis_url).flushdb()
        with postgres_database() as url:
            yield Backend("services", url, redis_url)
        return
    redis = EmbeddedRedis(tmp / "redis")
    redis.start()
    try:
        yield Backend("embedded", f"sqlite:///{tmp / 'hub.db'}", redis.url)
    finally:
        redis.stop()
