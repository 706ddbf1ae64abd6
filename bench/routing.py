"""Routing throughput and latency through a real Celery worker (concurrency 2).

Prints, in one run on one broker:
  1. a burst of N no-op tasks: tasks/s (the baseline);
  2. a burst of N stored enquiries routed by the worker: enquiries/s, and the ratio (goal >= 0.6);
  3. enquiries submitted at a steady 50/s: latency from submit to `routed` (p50, p99; goal
     p99 < 1 s), measured from the database's own timestamps.

    python bench/routing.py [--burst N] [--rate R] [--seconds S] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import bench_services, bench_settings, celery_worker, enquiry_body, stop, wait  # noqa: E402

POSTCODES = [
    "RG1 1AF",
    "ME14 1XQ",
    "KT1 1EU",
    "SW1A 1AA",
    "M1 1AE",
    "LS1 4AP",
    "CF10 1EP",
    "PO1 2AL",
    "B1 1AA",
    "NE1 1AD",
]


def body(i: int) -> dict[str, object]:
    return enquiry_body(i, POSTCODES[i % len(POSTCODES)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with bench_services(args.backend, "hub-bench-") as services:
        run(args, services.url, services.redis_url)


def run(args: argparse.Namespace, url: str, redis_url: str) -> None:
    from redis import Redis
    from sqlalchemy import func, select

    from hub.enquiries.models import Enquiry
    from hub.intake.submit import submit_enquiry
    from hub.platform.db import Database
    from hub.platform.outbox import OutboxEntry, publish_entry

    db = Database(bench_settings(), url=url)  # publishes after each commit, as the API does
    held: list[OutboxEntry] = []
    storing_db = Database(
        bench_settings(), url=url, publisher=held.append
    )  # stores now, publishes in the burst
    broker = Redis.from_url(redis_url)
    worker = celery_worker(include=("bench.noop_tasks",))
    try:
        from celery import Celery

        sender = Celery("bench", broker=redis_url, set_as_current=False)
        # Warm the worker (imports, geography load) before anything is timed.
        sender.send_task("bench.noop", args=[0], queue="routing")
        if not wait(lambda: int(broker.get("bench:noop") or 0) >= 1, 60):
            raise RuntimeError("worker did not start")
        submit_enquiry(db, body(0), status_url_for=str)  # warm-up, published after commit

        def routed() -> int:
            with db.sessions() as s:
                return int(
                    s.scalar(
                        select(func.count())
                        .select_from(Enquiry)
                        .where(Enquiry.status != "received")
                    )
                    or 0
                )

        wait(lambda: routed() >= 1, 60)

        # 1 and 2, interleaved for --rounds rounds (medians reported): a burst of no-op tasks,
        # then a burst of stored enquiries (stored before the clock starts) routed by the worker.
        noop_rates: list[float] = []
        route_rates: list[float] = []
        routed_so_far = routed()
        for _round in range(args.rounds):
            broker.set("bench:noop", 0)
            started = time.perf_counter()
            for i in range(args.burst):
                sender.send_task("bench.noop", args=[i], queue="routing")
            wait(lambda: int(broker.get("bench:noop") or 0) >= args.burst, 600)
            noop_rates.append(args.burst / (time.perf_counter() - started))

            for i in range(args.burst):
                submit_enquiry(storing_db, body(i), status_url_for=str)
            target = routed_so_far + args.burst
            started = time.perf_counter()
            for entry in held:
                publish_entry(entry, settings=bench_settings())
            held.clear()
            wait(lambda target=target: routed() >= target, 600)  # type: ignore[misc]
            route_rates.append(args.burst / (time.perf_counter() - started))
            routed_so_far = target
        noop_rate = statistics.median(noop_rates)
        route_rate = statistics.median(route_rates)
        before = routed_so_far - args.burst

        # 3. Steady 50/s: submit + publish like the API, latency from the database timestamps.
        count = int(args.rate * args.seconds)
        first_id = None
        started = time.perf_counter()
        for i in range(count):
            target = started + i / args.rate
            delay = target - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            result = submit_enquiry(db, body(i), status_url_for=str)
            first_id = first_id or result.enquiry_id
        wait(lambda: routed() >= before + args.burst + count, 120)
        with db.sessions() as s:
            rows = s.execute(
                select(Enquiry.created_at, Enquiry.status_changed_at).where(
                    Enquiry.id >= (first_id or 0), Enquiry.status != "received"
                )
            ).all()
        latencies = sorted((changed - created).total_seconds() for created, changed in rows)
        p50 = statistics.median(latencies)
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]

        print(f"routing benchmark ({args.backend}, worker concurrency 2, {os.cpu_count()} cores)")
        print(
            f"no-op tasks      {noop_rate:8.1f}/s   (median of {args.rounds} bursts of "
            f"{args.burst}: {', '.join(f'{r:.0f}' for r in noop_rates)})"
        )
        print(
            f"routed enquiries {route_rate:8.1f}/s   (median; "
            f"{', '.join(f'{r:.0f}' for r in route_rates)})  "
            f"ratio {route_rate / noop_rate:.2f} (goal >= 0.60)"
        )
        print(
            f"steady {args.rate:.0f}/s for {args.seconds:.0f} s: submit->routed "
            f"p50 {p50 * 1000:.0f} ms  p99 {p99 * 1000:.0f} ms  (goal p99 < 1000 ms; "
            f"{len(latencies)}/{count} routed)"
        )
    finally:
        stop([worker])
        db.dispose()


if __name__ == "__main__":
    main()
