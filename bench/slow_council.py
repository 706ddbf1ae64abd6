"""One slow council: the other councils' referrals still arrive on time, through real workers.

Seven councils each subscribe a receiver on loopback, which verifies every webhook with the
``standardwebhooks`` verifier: five healthy, one SLOW (answers 200 after --slow-seconds) and one
FAILING (answers 500 every time). Enquiries go in at a steady --rate for --seconds, spread evenly
over the seven councils' postcodes, in two phases of one run:
  a. baseline: the slow and the failing council answer 200 at once, like the others;
  b. drill: the slow council sleeps before its 200, the failing one answers 500.
Prints for each phase: the healthy councils' latency from submit to the signed webhook received
(p50, p99; goal in the drill: p99 < 2 s and within 20% of the baseline's), submit to routed from
the database's own timestamps (p50, p99, max; goal max < 2 s), the most requests the slow council
had in flight at once, the longest routing and delivery queues (sampled every second) and the
webhook ids accepted twice; after the drill and a drain of at most --drain s, whether every
healthy referral arrived exactly once and how many of the slow council's did.

Workers (--shape): split, a routing worker (routing and maintenance queues, concurrency 2) and a
delivery worker (delivery queue, concurrency 4), as `hub run` starts them; shared, one worker on
every queue (concurrency 2), the shape before the pools, for comparison. Beat in both.

    python bench/slow_council.py [--shape split|shared] [--rate R] [--seconds S]
        [--slow-seconds S] [--drain S] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import (  # noqa: E402
    bench_services,
    bench_settings,
    celery,
    celery_worker,
    delivery_worker,
    enquiry_body,
    routing_worker,
    stop,
    wait,
)

HEALTHY, SLOW, FAILING = "healthy", "slow", "failing"


@dataclass(frozen=True)
class Council:
    """A council as the hub's rules name it, a postcode routed to it, and how it answers."""

    name: str
    postcode: str
    role: str


# Each postcode routes to its own council (none is sent to a hub by the cluster rules), checked
# by the warm-up: every council's receiver hears of its own referrals and of no other's.
COUNCILS = (
    Council("Kingston upon Thames", "KT1 1EU", HEALTHY),
    Council("Richmond upon Thames", "TW9 1DN", HEALTHY),
    Council("Reading", "RG1 1AF", HEALTHY),
    Council("Brighton and Hove", "BN1 1AA", HEALTHY),
    Council("Leeds", "LS1 1UR", HEALTHY),
    Council("Kent", "ME14 1XQ", SLOW),
    Council("Manchester", "M1 1AE", FAILING),
)


class BenchReceiver:
    """One council's endpoint: answers ``status`` after ``delay`` s; records what it accepted.

    ``arrived`` is when each reference's referral came in, for the requests answered 2xx;
    ``accepted`` counts each webhook id answered 2xx; ``attempts`` counts every verified request.
    """

    def __init__(self, secret: str, authority_code: str | None = None, port: int = 0) -> None:
        from standardwebhooks.webhooks import Webhook

        self.verifier = Webhook(secret)
        self.authority_code = authority_code
        self.status = 200
        self.delay = 0.0
        self.arrived: dict[str, float] = {}
        self.accepted: Counter[str] = Counter()
        self.attempts = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.misdirected = 0
        self.bad = 0
        self.lock = threading.Lock()
        self.port = port
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                now = time.time()
                try:
                    payload = receiver.verifier.verify(body, dict(self.headers.items()))
                except Exception:
                    with receiver.lock:
                        receiver.bad += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with receiver.lock:
                    status, delay = receiver.status, receiver.delay
                    receiver.attempts += 1
                    receiver.in_flight += 1
                    receiver.most_in_flight = max(receiver.most_in_flight, receiver.in_flight)
                try:
                    if delay:
                        time.sleep(delay)
                    if status < 300:
                        with receiver.lock:
                            receiver.accepted[self.headers["webhook-id"]] += 1
                            if payload["type"] == "referral.routed":
                                data = payload["data"]
                                receiver.arrived.setdefault(data["reference"], now)
                                if data["authority_code"] != receiver.authority_code:
                                    receiver.misdirected += 1
                    self.send_response(status)
                    self.end_headers()
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset_most_in_flight(self) -> None:
        with self.lock:
            self.most_in_flight = self.in_flight

    def twice(self) -> int:
        """How many webhook ids this receiver accepted more than once."""
        with self.lock:
            return sum(1 for count in self.accepted.values() if count > 1)

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


class QueueSampler:
    """The routing and delivery queues' lengths in the broker, sampled every second."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.broker = Redis.from_url(redis_url)
        self.samples: list[tuple[float, int, int]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _length(self, queue: str) -> int:
        from hub.platform.queues import queue_keys

        return sum(int(self.broker.llen(key)) for key in queue_keys(queue))

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.time(), self._length("routing"), self._length("delivery")))
            self.stopped.wait(1.0)

    def start(self) -> None:
        self.thread.start()

    def longest(self, since: float, until: float) -> tuple[int, int]:
        """The longest routing and delivery queues sampled between ``since`` and ``until``."""
        window = [s for s in self.samples if since <= s[0] <= until]
        return max((s[1] for s in window), default=0), max((s[2] for s in window), default=0)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.broker.close()


@dataclass(frozen=True)
class Submitted:
    """One enquiry as submitted: its council (an index into COUNCILS), when, its row id."""

    council: int
    at: float
    enquiry_id: int


def paced(db, rate: float, seconds: float, start_index: int) -> dict[str, Submitted]:  # type: ignore[no-untyped-def]
    """Submit ``rate`` enquiries a second for ``seconds``, the councils in turn; by reference."""
    from hub.intake.submit import submit_enquiry

    submitted: dict[str, Submitted] = {}
    count = int(rate * seconds)
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        council = i % len(COUNCILS)
        at = time.time()
        result = submit_enquiry(
            db, enquiry_body(start_index + i, COUNCILS[council].postcode), status_url_for=str
        )
        assert result.enquiry_id is not None  # a new enquiry, not an idempotent replay
        submitted[result.body["reference"]] = Submitted(council, at, result.enquiry_id)
    return submitted


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max of ``values`` (seconds; zeros when there are none)."""
    if not values:
        return 0.0, 0.0, 0.0
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)], ordered[-1]


def routed_latencies(db, submitted: dict[str, Submitted]) -> list[float]:  # type: ignore[no-untyped-def]
    """Submit -> routed for each routed enquiry: its first decision's time less its creation."""
    from sqlalchemy import func, select

    from hub.enquiries.models import Enquiry
    from hub.referrals.models import RoutingDecisionRecord

    ids = [s.enquiry_id for s in submitted.values()]
    first_decision = (
        select(
            RoutingDecisionRecord.enquiry_id,
            func.min(RoutingDecisionRecord.decided_at).label("decided_at"),
        )
        .where(RoutingDecisionRecord.enquiry_id.between(min(ids), max(ids)))
        .group_by(RoutingDecisionRecord.enquiry_id)
        .subquery()
    )
    with db.sessions() as session:
        rows = session.execute(
            select(Enquiry.created_at, first_decision.c.decided_at).join(
                first_decision, first_decision.c.enquiry_id == Enquiry.id
            )
        ).all()
    return [(decided - created).total_seconds() for created, decided in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shape", choices=["split", "shared"], default="split")
    parser.add_argument("--rate", type=float, default=22.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--slow-seconds", type=float, default=8.0)
    parser.add_argument("--drain", type=float, default=120.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    # Beat offers due and waiting deliveries every second (default 5 s), and the failing
    # council's retries come twenty times sooner than in production.
    env = {"HUB_DELIVERY_SWEEP_SECONDS": "1", "HUB_DELIVERY_RETRY_SCALE": "0.05"}
    with bench_services(args.backend, "hub-bench-slow-council-", env) as services:
        run(args, services.url, services.redis_url, services.tmp)


def run(args: argparse.Namespace, url: str, redis_url: str, tmp: Path) -> None:
    from hub.access.manage_tokens import resolve_token_scope
    from hub.delivery.manage_subscriptions import add_webhook
    from hub.platform.db import Database

    db = Database(bench_settings(), url=url)  # publishes after each commit, as the API does
    receivers: list[BenchReceiver] = []
    for council in COUNCILS:
        receiver = BenchReceiver("whsec_" + "A" * 43 + "=")
        receiver.start()
        receivers.append(receiver)
        scope = resolve_token_scope(council.name, hub_operator=False)
        made = add_webhook(db, scope, receiver.url)
        receiver.verifier = type(receiver.verifier)(made.secret)
        receiver.authority_code = scope.value
    slow = receivers[[c.role for c in COUNCILS].index(SLOW)]
    failing = receivers[[c.role for c in COUNCILS].index(FAILING)]
    healthy = [i for i, c in enumerate(COUNCILS) if c.role == HEALTHY]

    def log(name: str) -> Any:
        return (tmp / f"{name}.log").open("wb")  # the worker's output, the hub's log lines

    # Beat first, so that it is stopped first: it then publishes nothing the workers are gone for.
    procs = [celery("beat", "--loglevel", "WARNING", "-s", str(tmp / "beat-schedule"))]
    if args.shape == "split":
        procs += [routing_worker(output=log("routing")), delivery_worker(output=log("delivery"))]
        workers = (
            "routing worker -c 2 on routing,maintenance + delivery worker -c 4 on delivery + beat"
        )
    else:
        procs.append(celery_worker(output=log("worker")))
        workers = "one worker -c 2 on routing,delivery,maintenance + beat"
    sampler = QueueSampler(redis_url)
    sampler.start()

    def arrived(submitted: dict[str, Submitted], councils: list[int]) -> int:
        return sum(
            1
            for reference, s in submitted.items()
            if s.council in councils and reference in receivers[s.council].arrived
        )

    def expected(submitted: dict[str, Submitted], councils: list[int]) -> int:
        return sum(1 for s in submitted.values() if s.council in councils)

    def healthy_latencies(submitted: dict[str, Submitted]) -> list[float]:
        return [
            receivers[s.council].arrived[reference] - s.at
            for reference, s in submitted.items()
            if s.council in healthy and reference in receivers[s.council].arrived
        ]

    everyone = list(range(len(COUNCILS)))
    try:
        # Warm every worker process (imports, geography, connections) at the benchmark's rate
        # before timing; every council hears of its own referrals and of no other's.
        warm = paced(db, args.rate, 3, 0)
        if not wait(lambda: arrived(warm, everyone) == len(warm), 120):
            missing = {
                COUNCILS[s.council].name
                for r, s in warm.items()
                if r not in receivers[s.council].arrived
            }
            raise RuntimeError(f"the warm-up referrals did not reach: {', '.join(sorted(missing))}")
        if any(r.misdirected for r in receivers):
            raise RuntimeError("a council's receiver heard of another council's referral")

        # a. Baseline: everybody answers at once.
        slow.reset_most_in_flight()
        a_started = time.time()
        baseline = paced(db, args.rate, args.seconds, 1000)
        a_submitted = time.time() - a_started
        wait(lambda: arrived(baseline, everyone) == len(baseline), 120)
        a_settled = time.time()
        a_healthy = percentiles(healthy_latencies(baseline))
        a_routed_list = routed_latencies(db, baseline)
        a_routed = percentiles(a_routed_list)
        a_slow_most = slow.most_in_flight
        a_queues = sampler.longest(a_started, a_settled)
        a_twice = sum(r.twice() for r in receivers)

        # b. Drill: the slow council sleeps, the failing one answers 500.
        with slow.lock:
            slow.delay = args.slow_seconds
        with failing.lock:
            failing.status = 500
        failing_attempts_before = failing.attempts
        slow.reset_most_in_flight()
        b_started = time.time()
        drill = paced(db, args.rate, args.seconds, 100_000)
        b_submitted = time.time() - b_started
        drain_until = time.time() + args.drain
        healthy_in = wait(
            lambda: arrived(drill, healthy) == expected(drill, healthy),
            drain_until - time.time(),
        )
        b_settled = time.time()
        b_healthy = percentiles(healthy_latencies(drill))
        b_received = arrived(drill, healthy)
        b_queues = sampler.longest(b_started, b_settled)
        slow_councils = [receivers.index(slow)]
        wait(
            lambda: arrived(drill, slow_councils) == expected(drill, slow_councils),
            max(0.0, drain_until - time.time()),
        )
        drained = time.time() - (b_started + b_submitted)
        # The decisions' stored times: read once the drain is over, so none is still to come.
        b_routed_list = routed_latencies(db, drill)
        b_routed = percentiles(b_routed_list)
        b_slow_most = slow.most_in_flight
        once = healthy_in and all(
            count == 1 for i in healthy for count in receivers[i].accepted.values()
        )
        twice = sum(r.twice() for r in receivers)

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"slow-council benchmark (shape {args.shape}: {workers}; {args.backend}, "
            f"{os.cpu_count()} cores, load average {load}; logs in {tmp})"
        )
        names = ", ".join(COUNCILS[i].name for i in healthy)
        slow_name = COUNCILS[receivers.index(slow)].name
        failing_name = COUNCILS[receivers.index(failing)].name
        print(
            f"councils: healthy {names}; slow {slow_name} (200 after {args.slow_seconds:.0f} s "
            f"in the drill); failing {failing_name} (500 in the drill)"
        )
        each = len(baseline) // len(COUNCILS)
        print(
            f"a. baseline {args.rate:.0f}/s for {args.seconds:.0f} s ({len(baseline)} enquiries, "
            f"~{each} a council, submitted in {a_submitted:.1f} s; everybody answers at once)"
        )
        print(
            f"   healthy submit->webhook received p50 {a_healthy[0] * 1000:.0f} ms  "
            f"p99 {a_healthy[1] * 1000:.0f} ms  ({arrived(baseline, healthy)}/"
            f"{expected(baseline, healthy)} received)"
        )
        print(
            f"   submit->routed p50 {a_routed[0] * 1000:.0f} ms  p99 {a_routed[1] * 1000:.0f} ms  "
            f"max {a_routed[2] * 1000:.0f} ms  ({len(a_routed_list)}/{len(baseline)} routed)"
        )
        print(
            f"   slow council's most requests at once {a_slow_most}; longest queues: routing "
            f"{a_queues[0]}, delivery {a_queues[1]}; webhook ids accepted twice {a_twice}"
        )
        ratio = b_healthy[1] / a_healthy[1] if a_healthy[1] else float("inf")
        print(
            f"b. drill {args.rate:.0f}/s for {args.seconds:.0f} s ({len(drill)} enquiries, "
            f"submitted in {b_submitted:.1f} s; {slow_name} sleeps {args.slow_seconds:.0f} s, "
            f"{failing_name} answers 500)"
        )
        print(
            f"   healthy submit->webhook received p50 {b_healthy[0] * 1000:.0f} ms  "
            f"p99 {b_healthy[1] * 1000:.0f} ms  ({b_received}/{expected(drill, healthy)} "
            f"received); p99 drill/baseline {ratio:.2f} (goal p99 < 2000 ms and ratio <= 1.20)"
        )
        print(
            f"   submit->routed p50 {b_routed[0] * 1000:.0f} ms  p99 {b_routed[1] * 1000:.0f} ms  "
            f"max {b_routed[2] * 1000:.0f} ms  ({len(b_routed_list)}/{len(drill)} routed; "
            f"goal max < 2000 ms)"
        )
        print(
            f"   slow council's most requests at once {b_slow_most}; longest queues: routing "
            f"{b_queues[0]}, delivery {b_queues[1]}; failing council's attempts "
            f"{failing.attempts - failing_attempts_before} (for "
            f"{expected(drill, [receivers.index(failing)])} referrals)"
        )
        print(
            f"after the drill ({drained:.0f} s, drain at most {args.drain:.0f} s): healthy "
            f"referrals {'all arrived exactly once' if once else 'NOT all arrived exactly once'} "
            f"({b_received}/{expected(drill, healthy)}); slow council's arrived "
            f"{arrived(drill, slow_councils)}/{expected(drill, slow_councils)}; webhook ids "
            f"accepted twice (any receiver) {twice}; signatures refused "
            f"{sum(r.bad for r in receivers)}"
        )
    finally:
        sampler.stop()
        stop(procs)
        for receiver in receivers:
            receiver.stop()
        db.dispose()


if __name__ == "__main__":
    main()
