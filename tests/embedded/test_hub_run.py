"""`hub run` heals itself: a killed worker, beat or Redis is restarted, and nothing is orphaned.

Each test starts the real `hub run` (gunicorn, Celery worker and beat, embedded Redis, SQLite)
on a temporary data directory and a free port, and kills its children with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.embedded.redis_server import free_port
from tests.conftest import GEO_CACHE
from tests.intake.factories import enquiry_body
from tests.support.processes import REPO, http_get, http_post_json, wait_for

pytestmark = pytest.mark.slow


class HubRun:
    """`hub run` as a person starts it, in its own session (so a test can press Ctrl-C)."""

    def __init__(self, tmp: Path) -> None:
        self.data_dir = tmp / "data"
        self.port = free_port()
        self.log_path = tmp / "hub-run.log"
        self._log = self.log_path.open("ab")
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env = {
            **inherited,
            "HUB_GEO_DIR": str(GEO_CACHE),
            "HUB_LOG_JSON": "true",
            "HUB_WORKER_HEARTBEAT_SECONDS": "0.5",
            "HUB_OUTBOX_SWEEP_SECONDS": "1",
            # A killed beat's lock (RedBeat) outlives it this long before the restarted one
            # sends again (30 s by default; the test below waits 30 s in all).
            "HUB_BEAT_LOCK_SECONDS": "5",
            "HUB_OUTBOX_STALE_SECONDS": "2",
            "HUB_INTAKE_RATE_LIMIT": "100000/minute",
        }
        hub = str(Path(sys.executable).with_name("hub"))
        self.process = subprocess.Popen(
            [hub, "run", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def events(self, event: str, child: str | None = None) -> list[dict[str, Any]]:
        """The supervisor's JSON log lines for one event (and child)."""
        found = []
        for line in self.log().splitlines():
            if not line.startswith("{") or f'"{event}"' not in line:
                continue
            entry = json.loads(line)
            if entry.get("event") == event and (child is None or entry.get("child") == child):
                found.append(entry)
        return found

    def pid_of(self, child: str) -> int:
        return int(self.events("hub_run.child_started", child)[-1]["pid"])

    def ready(self) -> bool:
        try:
            return http_get(f"{self.base_url}/readyz", timeout=2)[0] == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 120) -> None:
        wait_for(self.ready, timeout, lambda: f"hub run never ready:\n{self.log()[-4000:]}")

    def kill_child(self, child: str) -> int:
        """SIGKILL one child; wait until the supervisor has started a new one; its pid."""
        old = self.pid_of(child)
        restarts = len(self.events("hub_run.child_restarted", child))
        os.kill(old, signal.SIGKILL)
        wait_for(
            lambda: len(self.events("hub_run.child_restarted", child)) > restarts,
            60,
            lambda: f"{child} not restarted:\n{self.log()[-4000:]}",
        )
        new = self.pid_of(child)
        assert new != old
        return new

    def submit_and_wait_routed(self) -> str:
        status, body = http_post_json(f"{self.base_url}/v1/enquiries", enquiry_body())
        assert status == 202, body
        reference = str(body["reference"])

        def routed() -> bool:
            code, raw = http_get(f"{self.base_url}/v1/enquiries/{reference}")
            return code == 200 and json.loads(raw)["status"] == "routed"

        wait_for(routed, 90, lambda: f"{reference} not routed:\n{self.log()[-4000:]}")
        return reference

    def interrupt(self, sig: signal.Signals = signal.SIGINT) -> int:
        """Ctrl-C (SIGINT to the terminal's process group) or SIGTERM; the exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        try:
            return self.process.wait(timeout=90)
        finally:
            self._log.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.interrupt(signal.SIGTERM)
        self._log.close()


def processes_of(data_dir: Path) -> list[int]:
    """Live processes whose environment names this data directory (hub run's children)."""
    marker = f"HUB_DATA_DIR={data_dir.resolve()}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if marker in environ.split(b"\0") and "State:\tZ" not in status:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    running = HubRun(tmp_path_factory.mktemp("hub-run"))
    try:
        running.wait_ready()
        yield running
    finally:
        running.close()


def test_hub_run_serves_the_api_with_gunicorn(hub: HubRun) -> None:
    cmdline = Path(f"/proc/{hub.pid_of('api')}/cmdline").read_bytes().split(b"\0")
    assert b"gunicorn" in cmdline
    assert b"python:config.gunicorn" in cmdline


def test_a_killed_worker_is_restarted_and_routes_what_is_posted_afterwards(hub: HubRun) -> None:
    hub.kill_child("worker-routing")
    hub.submit_and_wait_routed()
    exited = hub.events("hub_run.child_exited", "worker-routing")[-1]
    assert exited["returncode"] == -signal.SIGKILL
    assert exited["restart_in"] > 0


def test_a_killed_beat_is_restarted_and_sweeps_again(hub: HubRun) -> None:
    hub.kill_child("beat")
    mark = len(hub.log())
    wait_for(
        lambda: "Sending due task sweep-outbox" in hub.log()[mark:],
        30,
        lambda: f"restarted beat never swept:\n{hub.log()[-3000:]}",
    )


def test_a_killed_redis_is_restarted_and_enquiries_are_routed_again(hub: HubRun) -> None:
    hub.kill_child("redis")
    hub.submit_and_wait_routed()


def test_the_data_directory_is_private(hub: HubRun) -> None:
    def mode(path: Path) -> int:
        return stat.S_IMODE(path.lstat().st_mode)

    assert mode(hub.data_dir) == 0o700
    assert mode(hub.data_dir / "redis") == 0o700
    assert mode(hub.data_dir / "hub.db") == 0o600
    paths = [path for path in hub.data_dir.rglob("*") if not path.is_symlink()]
    assert {str(p): mode(p) for p in paths} == {
        str(p): 0o700 if p.is_dir() else 0o600 for p in paths
    }


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_stops_every_child_and_leaves_no_orphan(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    hub = HubRun(tmp_path)
    try:
        hub.wait_ready()
        children = processes_of(hub.data_dir)
        assert len(children) >= 5  # redis, workers (+ pools), beat, gunicorn (+ workers)
        assert hub.interrupt(stop_signal) == 0
        wait_for(
            lambda: processes_of(hub.data_dir) == [],
            20,
            lambda: f"orphans: {processes_of(hub.data_dir)}",
        )
        assert [e["child"] for e in hub.events("hub_run.child_stopped")] == [
            "api",
            "beat",
            "worker-delivery",
            "worker-routing",
            "redis",
        ]
    finally:
        hub.close()
