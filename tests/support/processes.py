"""Real Celery worker and beat processes for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hub.embedded.runner import ALL_QUEUES

REPO = Path(__file__).resolve().parents[2]


class CeleryProcess:
    """A celery worker or beat subprocess whose output goes to a log file."""

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
            args, cwd=REPO, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30.0, marker: str = "ready.") -> None:
        wait_for(lambda: marker in self.log(), timeout, f"celery not ready:\n{self.log()[-3000:]}")

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


def wait_for(condition: Callable[[], bool], timeout: float, message: str) -> None:
    """Poll a condition (an observable event, not a fixed sleep) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(message() if callable(message) else message)
