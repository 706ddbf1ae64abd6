"""``hub run``: the embedded default in one foreground process tree, stopped by Ctrl-C.

`hub run` prepares the data directory (0700, files 0600), starts the embedded Redis, migrates,
builds the geography, checks the rules, then supervises five children: Redis, two Celery
workers (the routing pool, which also takes beat's maintenance jobs, and the delivery pool:
``hub.platform.queues.WORKER_POOLS``), beat and the API under gunicorn
(``config/gunicorn.py``). The API's port is taken first, before anything starts, and held by
`hub run` itself: gunicorn serves on that very socket (``fd://``), so a port in use is one
line and exit 1, and whatever answers /healthz on it is our gunicorn. A child that dies is
restarted with a capped exponential backoff (:mod:`hub.embedded.supervisor`); so is a worker
that lives but has stopped taking work from its queues (``worker_probe``).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import FrameType

import click
import structlog

from config.settings import Settings, load_settings
from hub.embedded.redis_server import EmbeddedRedis, private_dir
from hub.embedded.supervisor import Child, Probe, ProcessChild, RedisChild, Supervisor
from hub.geo import ensure_default_geography
from hub.platform.cli_options import record_running_hub_url
from hub.platform.heartbeat import quick_client, read_consumption, stalled_words
from hub.platform.logging import configure_logging
from hub.platform.migrate import upgrade
from hub.platform.queues import WORKER_POOLS
from hub.process_settings import use_settings
from hub.rules import get_active_rules

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


def gunicorn_command(
    host: str, port: int, workers: int, *extra: str, fd: int | None = None
) -> list[str]:
    """The API under gunicorn with the hub's settings (multiprocess metrics, timeouts).

    ``extra`` options go to gunicorn before the app (an access log, for tests). With ``fd``,
    gunicorn serves on that inherited, already listening socket instead of binding
    ``host:port`` itself.
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:config.gunicorn",
        "--bind",
        f"fd://{fd}" if fd is not None else f"{host}:{port}",
        "--workers",
        str(workers),
        *extra,
        "hub.app:create_app()",
    ]


class ApiPortError(RuntimeError):
    """The API's host and port cannot be listened on (most often: something else has it)."""


# As gunicorn's own default backlog.
LISTEN_BACKLOG = 2048


def listen_for_api(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` for the API, or ApiPortError saying why not.

    Taken before anything else starts, and held for the whole run: nobody else can take the
    port while gunicorn starts or restarts, and a connection made meanwhile waits in the
    backlog. SO_REUSEADDR, as gunicorn sets it, so a port a stopped hub left in TIME_WAIT
    is free, while one another program listens on is not.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise ApiPortError(f"cannot listen on {host}: {error.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ApiPortError(
                f"port {port} on {host} is already in use (another hub, or another program); "
                "choose another with --port"
            ) from None
        raise ApiPortError(f"cannot listen on port {port} on {host}: {error.strerror}") from None
    return sock


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
        with quick_client(settings.redis_url, settings.redis_sentinel_master) as client:
            consumption = read_consumption(client, time.time(), queues)
        return stalled_words(consumption) if consumption.stalled(limit) else None

    return Probe(check, every=min(10.0, max(limit / 4, 0.5)), grace=limit)


def _wait_until_serving(
    url: str, api: Child, supervisor: Supervisor, stopping: threading.Event
) -> bool:
    """Supervise until our API answers /healthz (or a stop is asked for).

    Only our gunicorn can answer on the socket `hub run` holds; the API child must also be
    running when it does, so an answer is never taken from anything else.
    """
    while not stopping.is_set():
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own loopback URL
                if api.poll() is None:
                    return True
        except OSError:
            pass
        supervisor.check(stopping)
        stopping.wait(0.2)
    return False


def run_embedded(host: str, port: int, data_dir: Path) -> None:
    """Take the API's port, start embedded Redis, migrate, build geography, then supervise
    API + workers + beat.

    ApiPortError, before anything has started or been written, when the port cannot be had.
    """
    with listen_for_api(host, port) as api_socket:
        _run_embedded(host, api_socket, data_dir)


def _run_embedded(host: str, api_socket: socket.socket, data_dir: Path) -> None:
    port = int(api_socket.getsockname()[1])  # the one the system chose, for --port 0
    os.umask(0o077)
    secure_data_dir(data_dir)
    os.environ["HUB_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("HUB_GEO_DIR", str((data_dir / "geo").resolve()))
    # Links in webhooks and e-mails (written by the worker) point at this hub.
    os.environ.setdefault("HUB_PUBLIC_BASE_URL", f"http://{host}:{port}")
    record_running_hub_url(data_dir, os.environ["HUB_PUBLIC_BASE_URL"])
    configure_logging(json_logs=load_settings().log_json)

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
        # The run's settings, read once its environment (which the children inherit) is
        # complete, and installed in this process.
        settings = use_settings(load_settings())

        upgrade(settings.resolved_database_url)
        if settings.resolved_database_url.startswith("sqlite:///"):
            secure_data_dir(data_dir)  # the SQLite file and its WAL, if just created
        click.echo("database ready", err=True)
        version = ensure_default_geography()
        click.echo(f"geography ready: {version}", err=True)
        # An invalid rules file stops the hub here, before any enquiry could be routed by it.
        rules = get_active_rules()
        click.echo(f"cluster rules ready: version {rules.version}", err=True)

        api = ProcessChild(
            "api",
            gunicorn_command(host, port, settings.api_workers, fd=api_socket.fileno()),
            pass_fds=(api_socket.fileno(),),
        )
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
                api,
            ]
        )
        for child in children[started:]:
            supervisor.start_child(child)
        if _wait_until_serving(f"http://{host}:{port}/healthz", api, supervisor, stopping):
            click.echo(f"hub running at http://{host}:{port}/  (docs at /docs; Ctrl-C stops)")
        supervisor.run(stopping)
    finally:
        started_stop = time.monotonic()
        supervisor.stop_all()
        log.info("hub_run.stopped", seconds=round(time.monotonic() - started_stop, 1))
        click.echo("hub stopped", err=True)
