"""What the worker benchmarks (routing, delivery) share: their set-up and small helpers.

A scratch store (SQLite file or a fresh PostgreSQL database, dropped afterwards), an embedded
Redis, the hub's settings pointed at both (through the environment, before any hub module reads
its settings), the geography and the migrations; a Celery worker (one on every queue, or one
per pool: routing, delivery) or beat on that environment; enquiry bodies; polling until a
condition holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CELERY = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]


@dataclass(frozen=True)
class BenchServices:
    """Where a benchmark's services are: its scratch folder, database URL and Redis URL."""

    tmp: Path
    url: str
    redis_url: str


# A valid POST /v1/enquiries body (made-up person), as a client sends it.
RAW_ENQUIRY: dict[str, object] = {
    "given_name": "Sam",
    "family_name": "Jones",
    "email": "sam@example.org",
    "phone": "07911 123456",
    "postcode": "RG1 1AF",
    "preferred_contact": "phone",
    "interest": "mainstream",
    "household": {"adults": 2, "children": 0, "spare_bedroom": True},
    "consent": {"privacy_notice": True, "keep_in_touch": True},
}


def enquiry_body(i: int, postcode: str) -> dict[str, object]:
    """A valid enquiry, loaded through the intake schema as the API would; ``i`` varies it."""
    from hub.intake.schemas import EnquiryInSchema

    raw = {**RAW_ENQUIRY, "email": f"sam{i}@example.org", "postcode": postcode}
    return dict(EnquiryInSchema().load(raw))


def wait(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` every 50 ms until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def database_url(backend: str, tmp: Path) -> tuple[str, Callable[[], None] | None]:
    """A scratch database for ``backend`` and what drops it (None for a SQLite file)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", None
    import psycopg

    name = f"hub_bench_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


@contextmanager
def bench_services(
    backend: str, prefix: str, extra_env: dict[str, str] | None = None
) -> Iterator[BenchServices]:
    """Start Redis, make the database, point the hub at them, build geography and migrate.

    On the way out Redis stops and a PostgreSQL database is dropped; the caller stops its own
    processes and disposes of its engines first (inside the ``with``).
    """
    from hub.embedded.redis_server import EmbeddedRedis

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    redis = EmbeddedRedis(tmp / "redis")
    redis.start()
    drop = None
    try:
        url, drop = database_url(backend, tmp)
        os.environ.update(
            {
                "HUB_DATABASE_URL": url,
                "HUB_REDIS_URL": redis.url,
                "HUB_DATA_DIR": str(tmp),
                "HUB_GEO_DIR": os.environ.get("HUB_GEO_DIR", str(REPO / ".cache" / "geo")),
                # A backlog older than the default 30 s would otherwise be published again by
                # the outbox sweeper (harmless, claims are conditional, but it measures the
                # copies instead of the pipeline).
                "HUB_OUTBOX_STALE_SECONDS": "600",
                **(extra_env or {}),
            }
        )
        # Imported only now: the hub reads its settings once, from the environment just set.
        from hub.geo import ensure_default_geography
        from hub.platform.migrate import upgrade

        bench_settings()
        ensure_default_geography()
        upgrade(url)
        yield BenchServices(tmp=tmp, url=url, redis_url=redis.url)
    finally:
        redis.stop()
        if drop is not None:
            drop()


def bench_settings() -> Settings:
    """The bench process's settings, read once from its environment and installed (keys, rules
    file, geography), as a hub process's edge does."""
    from config.settings import get_settings
    from hub.process_settings import use_settings

    return use_settings(get_settings())


def celery(*args: str, output: IO[bytes] | int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """``celery -A workers.celery_app ARGS`` on this environment, its output to ``output``."""
    return subprocess.Popen(
        [*CELERY, *args],
        cwd=REPO,
        env=dict(os.environ),
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def celery_worker(
    *, include: tuple[str, ...] = (), output: IO[bytes] | int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """A worker on every hub queue, concurrency 2, warnings and errors only."""
    includes = [arg for module in include for arg in ("--include", module)]
    return celery(
        "worker",
        "-Q",
        "routing,delivery,maintenance",
        "-c",
        "2",
        "--loglevel",
        "WARNING",
        *includes,
        "--without-gossip",
        "--without-mingle",
        output=output,
    )


def routing_worker(*, output: IO[bytes] | int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """A worker of the routing pool (routing and beat's maintenance jobs), concurrency 2."""
    return celery(
        "worker",
        "-Q",
        "routing,maintenance",
        "-c",
        "2",
        "-n",
        "routing@%h",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        output=output,
    )


def delivery_worker(*, output: IO[bytes] | int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """A worker of the delivery pool (webhook and e-mail attempts only), concurrency 4."""
    return celery(
        "worker",
        "-Q",
        "delivery",
        "-c",
        "4",
        "-n",
        "delivery@%h",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        output=output,
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminate each process and wait for it."""
    for proc in processes:
        proc.terminate()
        proc.wait()
