"""The supervisor restarts a child that keeps dying with a doubling, capped delay."""

from __future__ import annotations

import sys
import threading

from structlog.testing import capture_logs

from hub.embedded.supervisor import Backoff, ProcessChild, Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _exited(child: ProcessChild) -> None:
    assert child.process is not None
    child.process.wait(timeout=30)


def test_a_child_that_keeps_dying_is_restarted_with_a_doubling_capped_delay() -> None:
    clock = Clock()
    crasher = ProcessChild("crasher", [sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = Supervisor([crasher], Backoff(initial=1, cap=4, reset_after=60), clock=clock)
    running = threading.Event()
    delays = []
    with capture_logs() as logs:
        supervisor.start_all()
        for _ in range(5):
            _exited(crasher)
            supervisor.check(running)  # notes the exit, schedules the restart
            exited = [e for e in logs if e["event"] == "hub_run.child_exited"][-1]
            delays.append(exited["restart_in"])
            assert exited["returncode"] == 3
            clock.now += exited["restart_in"] - 0.01
            supervisor.check(running)  # not yet
            assert crasher.process is not None and crasher.process.returncode == 3
            clock.now += 0.02
            supervisor.check(running)  # restarted
    assert delays == [1, 2, 4, 4, 4]
    assert len([e for e in logs if e["event"] == "hub_run.child_restarted"]) == 5


def test_a_child_that_ran_long_enough_starts_again_from_the_first_delay() -> None:
    clock = Clock()
    child = ProcessChild("short", [sys.executable, "-c", "pass"])
    supervisor = Supervisor([child], Backoff(initial=1, cap=30, reset_after=60), clock=clock)
    running = threading.Event()
    with capture_logs() as logs:
        supervisor.start_all()
        _exited(child)
        supervisor.check(running)
        clock.now += 1
        supervisor.check(running)  # restarted after 1 s
        clock.now += 120  # this time it ran for two minutes
        _exited(child)
        supervisor.check(running)
    delays = [e["restart_in"] for e in logs if e["event"] == "hub_run.child_exited"]
    assert delays == [1, 1]


def test_nothing_is_restarted_once_stopping() -> None:
    clock = Clock()
    child = ProcessChild("short", [sys.executable, "-c", "pass"])
    supervisor = Supervisor([child], Backoff(initial=1), clock=clock)
    stopping = threading.Event()
    supervisor.start_all()
    first = child.pid
    _exited(child)
    supervisor.check(threading.Event())
    stopping.set()
    clock.now += 10
    supervisor.check(stopping)
    assert child.pid == first
