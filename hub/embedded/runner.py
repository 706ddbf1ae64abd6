"""``hub run``: the embedded default in one foreground process tree, stopped by Ctrl-C.

`hub run` prepares the data directory (0700, files 0600), starts the embedded Redis, migrates,
builds the geography, checks the rules, then supervises five children: Redis, two Celery
workers (the routing pool, which also takes beat's maintenance jobs, and the delivery pool:
``hub.platform.queues.WORKER_POOLS``), beat and the API under gunicorn
(``config/gunicorn.py``). A child that dies is restarted with a capped exponential backoff
(:mod:`hub.embedded.supervisor`); so is a worker that lives but has stopped taking work from
its queues (``worker_probe``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import FrameType

import click
import structlog

from config.settings import Settings, get_settings
from hub.embedded.redis_server import EmbeddedRedis, private_dir
from hub.embedded.supervisor import Child, Probe, ProcessChild, RedisChild, Supervisor
from hub.geo import ensure_default_geography
from hub.platform.heartbeat import quick_client, read_consumption, stalled_words
from hub.platform.logging import configure_logging
from hub.platform.migrate import upgrade
from hub.platform.queues import WORKER_POOLS
from hub.routing import get_active_rules

log = structlog.get_logger(__name__)


def celery_command(kind: str, data_dir: Path, concurrency: int = 2, pool: str = "all") -> list[str]:
    """The celery command line for a worker of one pool (``WORKER_POOLS``) or beat."""
    base = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
    if kind == "worker":
        return [
            *base,
            "worker",
            "-Q",
            ",".join(str(queue) for queue in WORKER_POOLS[pool]),
            "-c",
            str(concurrency),
            "--loglevel",
            "INFO",
            "-n",
            f"hub-{pool}-{os.getpid()}@%h",
        ]
    return [
        *base,
        "beat",
        "--loglevel",
        "INFO",
        "-s",
        str((data_dir / "celerybeat-schedule").resolve()),
    ]


def gunicorn_command(host: str, port: int, workers: int, *extra: str) -> list[str]:
    """The API under gunicorn with the hub's settings (multiprocess metrics, timeouts).

    ``extra`` options go to gunicorn before the app (an access log, for tests).
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:config.gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        *extra,
        "hub.app:create_app()",
    ]


def secure_data_dir(data_dir: Path) -> None:
    """Make the data directory and everything in it private: directories 0700, files 0600.

    New files are private from birth (`hub run` and its children run with umask 077); this
    also closes up what an older version, or another tool, left readable.
    """
    private_dir(data_dir)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            path = Path(root, name)
            if not path.is_symlink():
                path.chmod(0o700)
        for name in files:
            path = Path(root, name)
            if not path.is_symlink():
                path.chmod(0o600)


def worker_probe(settings: Settings, pool: str = "all") -> Probe:
    """A pool's worker is stuck when work waits in its queues that nobody has taken for the
    stall time."""
    limit = settings.worker_stall_seconds
    queues = [str(queue) for queue in WORKER_POOLS[pool]]

    def check() -> str | None:
        with quick_client(settings.redis_url) as client:
            consumption = read_consumption(client, time.time(), queues)
        return stalled_words(consumption) if consumption.stalled(limit) else None

    return Probe(check, every=min(10.0, max(limit / 4, 0.5)), grace=limit)


def _wait_until_serving(url: str, supervisor: Supervisor, stopping: threading.Event) -> bool:
    """Supervise until the API answers /healthz (or a stop is asked for)."""
    while not stopping.is_set():
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own loopback URL
                return True
        except OSError:
            supervisor.check(stopping)
            stopping.wait(0.2)
    return False


def run_embedded(host: str, port: int, data_dir: Path) -> None:
    """Start embedded Redis, migrate, build geography, then supervise API + workers + beat."""
    os.umask(0o077)
    secure_data_dir(data_dir)
    os.environ["HUB_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("HUB_GEO_DIR", str((data_dir / "geo").resolve()))
    if port:  # links in webhooks and e-mails (written by the worker) point at this hub
        os.environ.setdefault("HUB_PUBLIC_BASE_URL", f"http://{host}:{port}")
    get_settings.cache_clear()
    configure_logging(json_logs=get_settings().log_json)

    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)

    children: list[Child] = []
    supervisor = Supervisor(children)
    try:
        if not os.environ.get("HUB_REDIS_URL"):
            redis = RedisChild(EmbeddedRedis(data_dir / "redis"))
            children.append(redis)
            supervisor.start_all()
            os.environ["HUB_REDIS_URL"] = redis.redis.url
            click.echo(f"embedded redis on {redis.redis.display_url}", err=True)
            get_settings.cache_clear()
        settings = get_settings()

        upgrade(settings.resolved_database_url)
        if settings.resolved_database_url.startswith("sqlite:///"):
            secure_data_dir(data_dir)  # the SQLite file and its WAL, if just created
        click.echo("database ready", err=True)
        version = ensure_default_geography()
        click.echo(f"geography ready: {version}", err=True)
        # An invalid rules file stops the hub here, before any enquiry could be routed by it.
        rules = get_active_rules()
        click.echo(f"cluster rules ready: version {rules.version}", err=True)

        started = len(children)
        children.extend(
            [
                ProcessChild(
                    "worker-routing",
                    celery_command("worker", data_dir, settings.routing_concurrency, "routing"),
                    probe=worker_probe(settings, "routing"),
                ),
                ProcessChild(
                    "worker-delivery",
                    celery_command("worker", data_dir, settings.delivery_concurrency, "delivery"),
                    probe=worker_probe(settings, "delivery"),
                ),
                ProcessChild("beat", celery_command("beat", data_dir)),
                ProcessChild("api", gunicorn_command(host, port, settings.api_workers)),
            ]
        )
        for child in children[started:]:
            supervisor.start_child(child)
        if _wait_until_serving(f"http://{host}:{port}/healthz", supervisor, stopping):
            click.echo(f"hub running at http://{host}:{port}/  (docs at /docs; Ctrl-C stops)")
        supervisor.run(stopping)
    finally:
        started_stop = time.monotonic()
        supervisor.stop_all()
        log.info("hub_run.stopped", seconds=round(time.monotonic() - started_stop, 1))
        click.echo("hub stopped", err=True)
