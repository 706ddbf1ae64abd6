"""``hub run``: the embedded default in one foreground process tree, stopped by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType

import click
from werkzeug.serving import make_server

from config.settings import get_settings
from hub.app import create_app
from hub.embedded.redis_server import EmbeddedRedis
from hub.geo import ensure_default_geography
from hub.platform.migrate import upgrade
from hub.platform.queues import Queue
from hub.routing import get_active_rules

ALL_QUEUES = ",".join(str(queue) for queue in Queue)


def celery_command(kind: str, data_dir: Path, concurrency: int = 2) -> list[str]:
    """The celery command line for a worker or beat of this hub."""
    base = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
    if kind == "worker":
        return [
            *base,
            "worker",
            "-Q",
            ALL_QUEUES,
            "-c",
            str(concurrency),
            "--loglevel",
            "INFO",
            "-n",
            f"hub-worker-{os.getpid()}@%h",
        ]
    return [
        *base,
        "beat",
        "--loglevel",
        "INFO",
        "-s",
        str((data_dir / "celerybeat-schedule").resolve()),
    ]


def run_embedded(host: str, port: int, data_dir: Path) -> None:
    """Start embedded Redis, migrate, build geography, then API + worker + beat."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["HUB_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("HUB_GEO_DIR", str((data_dir / "geo").resolve()))
    if port:  # links in webhooks and e-mails (written by the worker) point at this hub
        os.environ.setdefault("HUB_PUBLIC_BASE_URL", f"http://{host}:{port}")
    redis: EmbeddedRedis | None = None
    if not os.environ.get("HUB_REDIS_URL"):
        redis = EmbeddedRedis(data_dir / "redis")
        redis.start()
        os.environ["HUB_REDIS_URL"] = redis.url
        click.echo(f"embedded redis on {redis.url}", err=True)

    get_settings.cache_clear()
    settings = get_settings()
    children: list[subprocess.Popen[bytes]] = []
    server = None
    try:
        upgrade(settings.resolved_database_url)
        click.echo("database ready", err=True)
        version = ensure_default_geography()
        click.echo(f"geography ready: {version}", err=True)

        # An invalid rules file stops the hub here, before any enquiry could be routed by it.
        rules = get_active_rules()
        click.echo(f"cluster rules ready: version {rules.version}", err=True)
        for kind in ("worker", "beat"):
            children.append(subprocess.Popen(celery_command(kind, data_dir)))  # noqa: S603

        server = make_server(host, port, create_app(settings), threaded=True)
        stop = threading.Event()

        def _stop(signum: int, _frame: FrameType | None) -> None:
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        click.echo(f"hub running at http://{host}:{server.port}/  (docs at /docs; Ctrl-C stops)")
        server.serve_forever()
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        if redis is not None:
            redis.stop()
        click.echo("hub stopped", err=True)
