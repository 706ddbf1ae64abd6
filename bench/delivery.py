"""Delivery latency and recovery through a real Celery worker (concurrency 2) and beat.

A receiver on loopback verifies every webhook with the ``standardwebhooks`` verifier. Prints:
  1. enquiries submitted at a steady 50/s for 20 s (Kent postcodes, a Kent webhook): latency
     from submit to the signed webhook received (p50, p99; goal p99 < 1 s);
  2. the receiver down (connections refused) for 30 s while enquiries keep coming, then back:
     how long after recovery the last delivery arrived (goal: all within 2 minutes) and how
     many webhook ids arrived twice (goal: none).

    python bench/delivery.py [--rate R] [--seconds S] [--down S] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
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
    enquiry_body,
    stop,
    wait,
)


class BenchReceiver:
    """Records when each reference's webhook arrived, and every webhook id it was sent with."""

    def __init__(self, secret: str, port: int = 0) -> None:
        from standardwebhooks.webhooks import Webhook

        self.verifier = Webhook(secret)
        self.arrived: dict[str, float] = {}
        self.ids: Counter[str] = Counter()
        self.bad = 0
        self.lock = threading.Lock()
        self.port = port
        self.server: ThreadingHTTPServer | None = None

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
                    receiver.ids[self.headers["webhook-id"]] += 1
                    receiver.arrived.setdefault(payload["data"]["reference"], now)
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


def body(i: int) -> dict[str, object]:
    return enquiry_body(i, "ME14 1XQ")  # Kent


def paced(db, rate: float, seconds: float, start_index: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Submit ``rate`` enquiries a second for ``seconds``; reference -> submit time."""
    from hub.intake.submit import submit_enquiry

    submitted: dict[str, float] = {}
    count = int(rate * seconds)
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        at = time.time()
        result = submit_enquiry(db, body(start_index + i), status_url_for=str)
        submitted[result.body["reference"]] = at
    return submitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--down", type=float, default=30.0)
    parser.add_argument("--down-rate", type=float, default=10.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    # Beat publishes due retries every second (default 5 s): recovery is measured, not the sweep.
    with bench_services(
        args.backend, "hub-bench-delivery-", {"HUB_DELIVERY_SWEEP_SECONDS": "1"}
    ) as services:
        run(args, services.url, services.tmp)


def run(args: argparse.Namespace, url: str, tmp: Path) -> None:
    from hub.access.manage_tokens import resolve_token_scope
    from hub.delivery.manage_subscriptions import add_webhook
    from hub.platform.db import Database

    db = Database(bench_settings(), url=url)  # publishes after each commit, as the API does
    receiver = BenchReceiver("whsec_" + "A" * 43 + "=")
    receiver.start()
    made = add_webhook(
        db,
        resolve_token_scope("Kent", hub_operator=False),
        f"http://127.0.0.1:{receiver.port}/hook",
    )
    receiver.verifier = type(receiver.verifier)(made.secret)
    worker_log = (tmp / "worker.log").open("wb")  # warnings and errors only
    procs = [
        celery_worker(output=worker_log),
        celery("beat", "--loglevel", "WARNING", "-s", str(tmp / "beat-schedule")),
    ]
    try:
        warm = paced(db, 5, 1, 0)  # warm the worker (imports, geography) before timing
        if not wait(lambda: all(r in receiver.arrived for r in warm), 120):
            raise RuntimeError("the worker did not deliver the warm-up enquiries")

        # 1. Steady rate: submit -> webhook received.
        steady = paced(db, args.rate, args.seconds, 100)
        wait(lambda: all(r in receiver.arrived for r in steady), 120)
        latencies = sorted(
            receiver.arrived[r] - at for r, at in steady.items() if r in receiver.arrived
        )
        p50 = statistics.median(latencies)
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]

        # 2. Receiver down, enquiries keep coming, receiver back.
        receiver.stop()
        during = paced(db, args.down_rate, args.down, 100_000)
        receiver.start()  # same port
        recovered = time.time()
        all_in = wait(lambda: all(r in receiver.arrived for r in during), 180)
        last = max((receiver.arrived.get(r, float("inf")) for r in during), default=recovered)
        twice = sum(1 for count in receiver.ids.values() if count > 1)

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"delivery benchmark ({args.backend}, worker concurrency 2, {os.cpu_count()} cores, "
            f"load average {load}; worker log {tmp / 'worker.log'})"
        )
        print(
            f"steady {args.rate:.0f}/s for {args.seconds:.0f} s: submit->webhook received "
            f"p50 {p50 * 1000:.0f} ms  p99 {p99 * 1000:.0f} ms  (goal p99 < 1000 ms; "
            f"{len(latencies)}/{len(steady)} received)"
        )
        print(
            f"receiver down {args.down:.0f} s ({len(during)} enquiries meanwhile): "
            f"{'all' if all_in else 'NOT all'} delivered, the last {last - recovered:.1f} s after "
            f"recovery (goal < 120 s); webhook ids received twice: {twice}; "
            f"signatures refused: {receiver.bad}"
        )
    finally:
        stop(procs)
        db.dispose()


if __name__ == "__main__":
    main()
