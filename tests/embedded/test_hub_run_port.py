"""`hub run` on a port something else listens on: one line, exit 1, nothing started."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.embedded.runner import ApiPortError, listen_for_api
from tests.support.processes import REPO

HUB = Path(sys.executable).with_name("hub")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on for the whole test."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_hub_run_on_a_port_in_use_is_one_line_and_starts_nothing(
    tmp_path: Path, taken_port: int
) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    result = subprocess.run(
        [str(HUB), "run", "--port", str(taken_port), "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"hub run: port {taken_port} on 127.0.0.1 is already in use (another hub, or another "
        "program); choose another with --port"
    ]
    assert not data_dir.exists()  # no Redis, no database: nothing was started


def test_the_api_port_is_held_until_the_socket_is_closed(taken_port: int) -> None:
    with pytest.raises(ApiPortError, match="already in use"):
        listen_for_api("127.0.0.1", taken_port)
    with listen_for_api("127.0.0.1", 0) as held:
        port = held.getsockname()[1]
        with pytest.raises(ApiPortError, match=f"port {port} on 127.0.0.1 is already in use"):
            listen_for_api("127.0.0.1", port)
