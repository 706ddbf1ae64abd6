"""The supervisor restarts a child that keeps dying with a doubling, capped delay."""

from __future__ import annotations

import sys
import threading

from structlog.testing import capture_logs

from hub.embedded.supervisor import Backoff, Probe, ProcessChild, Supervisor


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


def test_a_child_that_fails_to_start_again_is_retried_with_a_growing_delay() -> None:
    clock = Clock()
    child = ProcessChild("gone", [sys.executable, "-c", "pass"])
    supervisor = Supervisor([child], Backoff(initial=1, cap=30, reset_after=60), clock=clock)
    running = threading.Event()
    with capture_logs() as logs:
        supervisor.start_all()
        _exited(child)
        supervisor.check(running)  # exit noted: restart in 1 s
        child.argv = ["/nonexistent/hub-test-binary"]  # from now on it cannot start
        for _ in range(2):
            clock.now += 100
            supervisor.check(running)
    failed = [e for e in logs if e["event"] == "hub_run.child_restart_failed"]
    assert [e["restart_in"] for e in failed] == [2, 4]
    assert {e["reason"] for e in failed} == {"FileNotFoundError"}


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


SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_live_child_its_probe_calls_stuck_is_stopped_and_restarted() -> None:
    clock = Clock()
    verdicts: list[str | None] = [None, "not consuming: 3 messages waiting"]
    asked: list[float] = []

    def check() -> str | None:
        asked.append(clock.now)
        return verdicts.pop(0) if verdicts else None

    worker = ProcessChild("worker", SLEEPER, probe=Probe(check, every=10, grace=120))
    supervisor = Supervisor([worker], Backoff(initial=1), clock=clock)
    running = threading.Event()
    with capture_logs() as logs:
        supervisor.start_all()
        first = worker.pid
        try:
            clock.now += 60
            supervisor.check(running)  # within the grace: not asked
            assert asked == []
            clock.now += 61
            supervisor.check(running)  # asked: fine
            clock.now += 5
            supervisor.check(running)  # asked again only after `every`
            assert len(asked) == 1 and worker.poll() is None
            clock.now += 5
            supervisor.check(running)  # asked: stuck, so stopped
            assert len(asked) == 2 and worker.poll() is not None
            supervisor.check(running)  # its exit is noted like any other
            clock.now += 1
            supervisor.check(running)  # and it is started again
            assert worker.pid != first and worker.poll() is None
        finally:
            worker.stop(5)
    stuck = [e for e in logs if e["event"] == "hub_run.child_stuck"]
    assert stuck == [
        {
            "event": "hub_run.child_stuck",
            "log_level": "warning",
            "child": "worker",
            "pid": first,
            "reason": "not consuming: 3 messages waiting",
        }
    ]
    assert [e["event"] for e in logs][-1] == "hub_run.child_restarted"


def test_a_probe_that_cannot_answer_stops_nothing() -> None:
    clock = Clock()

    def check() -> str | None:
        raise ConnectionError("redis away")

    child = ProcessChild("worker", SLEEPER, probe=Probe(check, every=1, grace=0))
    supervisor = Supervisor([child], clock=clock)
    supervisor.start_all()
    try:
        with capture_logs() as logs:
            for _ in range(3):
                clock.now += 2
                supervisor.check(threading.Event())
        assert child.poll() is None
        assert [e["event"] for e in logs] == ["hub_run.probe_failed"] * 3
    finally:
        child.stop(5)
