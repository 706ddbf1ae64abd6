"""Keeping `hub run`'s child processes alive: restart what dies, with a capped backoff.

Each child (the API under gunicorn, the Celery worker, beat, the embedded Redis) runs in its
own process group, so Ctrl-C reaches only `hub run`, which then stops the children in order
(API first, Redis last) and kills a group's leftovers. On Linux every child is also told to
die with `hub run` (``PR_SET_PDEATHSIG``), so even a SIGKILLed `hub run` leaves no orphan.
Every start, exit and restart is logged with the child's name, pid and exit code only.

A child can also be alive and useless (a Celery worker whose consumer hung after a broker
reconnect keeps running and beating): a child with a ``Probe`` is asked, every ``every``
seconds once it has run ``grace`` seconds, whether it is stuck; one that says why is stopped
and then restarted like a child that died.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from hub.embedded.redis_server import EmbeddedRedis

log = structlog.get_logger(__name__)

PR_SET_PDEATHSIG = 1
# Loaded once in the parent: a child between fork and exec should only make the call.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """In a child, before exec: its own process group, umask 077, SIGTERM when `hub run` dies."""
    os.setpgid(0, 0)
    os.umask(0o077)
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def kill_group(pgid: int, sig: signal.Signals) -> None:
    """Signal every process left in a child's group (the group may be gone already)."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass(frozen=True)
class Probe:
    """Asks whether a running child is stuck: ``check`` answers why, or None when it is fine."""

    check: Callable[[], str | None]
    every: float = 10.0
    grace: float = 120.0


class Child(Protocol):
    name: str
    probe: Probe | None

    @property
    def pid(self) -> int | None: ...

    def start(self) -> None: ...

    def poll(self) -> int | None: ...

    def stop(self, timeout: float) -> None: ...

    def reap(self) -> None: ...


class ProcessChild:
    """A command run as a child process in its own process group."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        probe: Probe | None = None,
        pass_fds: Sequence[int] = (),
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.probe = probe
        self.pass_fds = tuple(pass_fds)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            self.argv,
            env=self.env,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
            pass_fds=self.pass_fds,
        )

    def poll(self) -> int | None:
        return self.process.poll() if self.process is not None else 0

    def stop(self, timeout: float) -> None:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL the whole group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_group(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.reap()

    def reap(self) -> None:
        """Kill whatever the child left in its group (a killed worker's pool processes)."""
        if self.process is not None:
            kill_group(self.process.pid, signal.SIGKILL)


class RedisChild:
    """The embedded Redis: restarted on the same port, with the same password."""

    def __init__(self, redis: EmbeddedRedis) -> None:
        self.name = "redis"
        self.redis = redis
        self.probe: Probe | None = None

    @property
    def pid(self) -> int | None:
        return self.redis.process.pid if self.redis.process is not None else None

    def start(self) -> None:
        self.redis.start(preexec_fn=die_with_parent)

    def poll(self) -> int | None:
        return self.redis.process.poll() if self.redis.process is not None else 0

    def stop(self, timeout: float) -> None:
        self.redis.stop()

    def reap(self) -> None:
        """Redis forks no helpers that outlive it."""


@dataclass
class Backoff:
    """Restart delays: ``initial``, doubling up to ``cap``; a long run resets them."""

    initial: float = 1.0
    cap: float = 30.0
    reset_after: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.initial * 2 ** max(failures - 1, 0), self.cap))


@dataclass
class _State:
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    probed_at: float = 0.0


@dataclass
class Supervisor:
    """Start children in order, restart any that exits, stop them in reverse order."""

    children: list[Child]
    backoff: Backoff = field(default_factory=Backoff)
    stop_timeout: float = 30.0
    stuck_stop_timeout: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _states: dict[str, _State] = field(default_factory=dict)

    def start_all(self) -> None:
        for child in self.children:
            self.start_child(child)

    def start_child(self, child: Child) -> None:
        state = self._states.setdefault(child.name, _State())
        state.restart_at = None
        child.start()
        state.started_at = self.clock()
        log.info("hub_run.child_started", child=child.name, pid=child.pid)

    def check(self, stopping: threading.Event) -> None:
        """One round: note exits, and restart children whose backoff has passed."""
        now = self.clock()
        for child in self.children:
            if stopping.is_set():
                return
            state = self._states.setdefault(child.name, _State())
            if state.restart_at is None:
                code = child.poll()
                if code is None:
                    self._probe(child, state, now)
                    continue
                child.reap()
                if now - state.started_at >= self.backoff.reset_after:
                    state.failures = 0
                delay = self._back_off(state, now)
                log.warning(
                    "hub_run.child_exited",
                    child=child.name,
                    pid=child.pid,
                    returncode=code,
                    restart_in=delay,
                    failures=state.failures,
                )
            elif now >= state.restart_at:
                try:
                    self.start_child(child)
                except Exception as exc:  # it failed to start: back off and try again
                    delay = self._back_off(state, self.clock())
                    log.error(
                        "hub_run.child_restart_failed",
                        child=child.name,
                        reason=type(exc).__name__,
                        restart_in=delay,
                    )
                else:
                    log.info("hub_run.child_restarted", child=child.name, pid=child.pid)

    def _back_off(self, state: _State, now: float) -> float:
        """Count one more failure and set the restart time; the delay chosen."""
        state.failures += 1
        delay = self.backoff.delay(state.failures)
        state.restart_at = now + delay
        return delay

    def _probe(self, child: Child, state: _State, now: float) -> None:
        """Stop a running child its probe calls stuck; the next round restarts it."""
        probe = child.probe
        if probe is None or now - state.started_at < probe.grace:
            return
        if now - state.probed_at < probe.every:
            return
        state.probed_at = now
        try:
            reason = probe.check()
        except Exception as exc:  # no verdict (e.g. Redis away, which has its own child)
            log.info("hub_run.probe_failed", child=child.name, reason=type(exc).__name__)
            return
        if reason is None:
            return
        log.warning("hub_run.child_stuck", child=child.name, pid=child.pid, reason=reason)
        child.stop(self.stuck_stop_timeout)

    def run(self, stopping: threading.Event, interval: float = 0.2) -> None:
        """Supervise until ``stopping`` is set."""
        while not stopping.is_set():
            self.check(stopping)
            stopping.wait(interval)

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop(self.stop_timeout)
            log.info("hub_run.child_stopped", child=child.name)
