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
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


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
    from hub.intake.schemas import EnquiryInSchema

    raw = {
        "given_name": "Sam",
        "family_name": "Jones",
        "email": f"sam{i}@example.org",
        "phone": "07911 123456",
        "postcode": "ME14 1XQ",
        "preferred_contact": "phone",
        "interest": "mainstream",
        "household": {"adults": 2, "children": 0, "spare_bedroom": True},
        "consent": {"privacy_notice": True, "keep_in_touch": True},
    }
    return dict(EnquiryInSchema().load(raw))


def wait(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


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

    from hub.embedded.redis_server import EmbeddedRedis

    tmp = Path(tempfile.mkdtemp(prefix="hub-bench-delivery-"))
    redis = EmbeddedRedis(tmp / "redis")
    redis.start()
    drop = None
    if args.backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        import psycopg

        name = f"hub_bench_{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"

        def drop() -> None:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env = {
        "HUB_DATABASE_URL": url,
        "HUB_REDIS_URL": redis.url,
        "HUB_DATA_DIR": str(tmp),
        "HUB_GEO_DIR": os.environ.get("HUB_GEO_DIR", str(REPO / ".cache" / "geo")),
        "HUB_DELIVERY_SWEEP_SECONDS": "1",
        # As in bench/routing.py: a backlog older than the default 30 s would otherwise be
        # published again by the outbox sweeper (harmless, claims are conditional, but it
        # measures the copies instead of the pipeline).
        "HUB_OUTBOX_STALE_SECONDS": "600",
    }
    os.environ.update(env)
    from hub.access.manage_tokens import resolve_token_scope
    from hub.delivery.manage_subscriptions import add_webhook
    from hub.geo import ensure_default_geography
    from hub.platform.db import Database
    from hub.platform.migrate import upgrade

    ensure_default_geography()
    upgrade(url)
    db = Database(url)  # publishes after each commit, as the API does
    receiver = BenchReceiver("whsec_" + "A" * 43 + "=")
    receiver.start()
    made = add_webhook(
        db,
        resolve_token_scope("Kent", hub_operator=False),
        f"http://127.0.0.1:{receiver.port}/hook",
    )
    receiver.verifier = type(receiver.verifier)(made.secret)
    celery = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
    worker_log = (tmp / "worker.log").open("wb")  # warnings and errors only
    procs = [
        subprocess.Popen(
            [
                *celery,
                "worker",
                "-Q",
                "routing,delivery,maintenance",
                "-c",
                "2",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [*celery, "beat", "--loglevel", "WARNING", "-s", str(tmp / "beat-schedule")],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
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
        for proc in procs:
            proc.terminate()
            proc.wait()
        db.dispose()
        redis.stop()
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
