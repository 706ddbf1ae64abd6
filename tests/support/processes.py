"""Real Celery worker and beat processes for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from kombu import Connection
from redis import Redis

from hub.embedded.runner import gunicorn_command
from hub.platform.queues import Queue

ALL_QUEUES = ",".join(str(queue) for queue in Queue)

REPO = Path(__file__).resolve().parents[2]


def process_env(hub_env: dict[str, str]) -> dict[str, str]:
    """The environment of a worker process: its HUB_* settings come from ``hub_env`` only.

    Everything else (PATH, locale, ...) is inherited; HUB_* variables of the shell that runs
    the tests are dropped, so a worker is configured exactly as the test's settings say.
    """
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return {**inherited, **hub_env}


class CeleryProcess:
    """A celery worker or beat subprocess whose output goes to a log file.

    ``env`` holds every HUB_* setting the process needs (the session's ``hub_env``, with any
    changes the test makes).
    """

    def __init__(self, kind: str, env: dict[str, str], log_path: Path, *extra: str) -> None:
        args = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
        if kind == "worker":
            args += [
                "worker",
                "-Q",
                ALL_QUEUES,
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ]
        else:
            args += ["beat", "--loglevel", "INFO", "-s", str(log_path.with_suffix(".schedule"))]
        args += list(extra)
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            args, cwd=REPO, env=process_env(env), stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 90.0, marker: str = "ready.") -> None:
        # Generous: a parallel run starts several workers at once on a machine with few cores,
        # and a worker's start is mostly imports. Ready workers answer at once.
        try:
            wait_for(
                lambda: marker in self.log(),
                timeout,
                lambda: f"celery not ready:\n{self.log()[-3000:]}",
            )
        except AssertionError:
            # Stopped here, or a fixture that never reaches its teardown would leave a worker
            # that takes the session's later tests' messages.
            self.stop()
            raise

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def wait_for(
    condition: Callable[[], bool], timeout: float, message: str | Callable[[], str]
) -> None:
    """Poll a condition (an observable event, not a fixed sleep) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(message() if callable(message) else message)


def broker_idle(broker: Redis) -> bool:
    """Nothing waits in the hub's queues and no delivered message is still unacknowledged.

    Tasks acknowledge late, so a message stays in ``unacked`` until its task has finished (or,
    for a killed worker, until the visibility timeout hands it out again). Once the broker is
    idle, every copy of a message that was ever published has been handled.
    """
    queued = sum(int(broker.llen(str(queue))) for queue in Queue)
    return queued == 0 and int(broker.hlen("unacked")) == 0


def redeliver_expired(broker_url: str, visibility_timeout: float) -> None:
    """Hand unacknowledged messages older than the visibility timeout back to their queues.

    This is kombu's own restore scan, the one a consumer runs to redeliver the message of a
    worker that died; consumers run it only every ~100 s (``unacked_restore_throttle``), so a
    test runs it when it wants the redelivery to happen.
    """
    transport = {"visibility_timeout": visibility_timeout}
    with Connection(broker_url, transport_options=transport) as connection:
        connection.default_channel.qos.restore_visible(num=None, interval=1)


class GunicornProcess:
    """The hub's API under gunicorn (``config/gunicorn.py``), as `hub run` and compose serve it.

    The access log records each request's worker pid, so a test can see which worker answered.
    """

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        port: int,
        workers: int = 2,
        host: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.port = port
        self.log_path = log_dir / "gunicorn.log"
        self.access_path = log_dir / "access.log"
        self._log = self.log_path.open("ab")
        args = gunicorn_command(
            host,
            port,
            workers,
            "--access-logfile",
            str(self.access_path),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
        )
        self.process = subprocess.Popen(
            args, cwd=REPO, env=process_env(env), stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def access_log(self) -> list[str]:
        if not self.access_path.exists():
            return []
        return self.access_path.read_text().splitlines()

    def wait_ready(self, timeout: float = 120.0) -> None:
        def answers() -> bool:
            try:
                return http_get(f"{self.base_url}/healthz", timeout=1)[0] == 200
            except OSError:
                return False

        try:
            wait_for(answers, timeout, lambda: f"gunicorn not answering:\n{self.log()[-3000:]}")
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """GET a URL on loopback: (status, body), without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def http_post_json(
    url: str, body: object, timeout: float = 10, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, object]]:
    """POST a JSON body to a URL on loopback: (status, parsed JSON answer)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"{}")
