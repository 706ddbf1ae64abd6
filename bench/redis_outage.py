"""POST /v1/enquiries latency while Redis is up, stopped and frozen, in one run.

The hub runs under gunicorn (``config/gunicorn.py``) on a fresh SQLite database, with an
embedded Redis as broker and rate-limit store. The same client sends the same enquiries in
three phases:

  up       Redis answers (the baseline).
  stopped  the Redis server is terminated: connections are refused.
  frozen   the Redis server is SIGSTOPped: connections are accepted by the kernel and then
           nothing answers (a hung or unreachable host); only timeouts end a call.

Every POST must still answer 202 (the enquiry and its outbox row are committed before the
publish; the sweeper publishes later). The goal is p99 under 1 s in both outage phases.

    python bench/redis_outage.py [--requests N] [--clients C]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import RAW_ENQUIRY  # noqa: E402

BODY = {
    **RAW_ENQUIRY,
    "postcode": "ME14 1XQ",
    "preferred_contact": "email",
    "consent": {"privacy_notice": True, "keep_in_touch": False},
}


def post(url: str) -> tuple[int, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = int(response.status)
            response.read()
    except urllib.error.HTTPError as error:
        status = int(error.code)
    return status, time.perf_counter() - started


def phase(name: str, url: str, requests: int, clients: int) -> dict[str, float]:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda _: post(url), range(requests)))
    latencies = sorted(seconds for _, seconds in results)
    statuses = {status: 0 for status, _ in results}
    for status, _ in results:
        statuses[status] += 1
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    row = {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": p99 * 1000,
        "max_ms": latencies[-1] * 1000,
        "accepted": statuses.get(202, 0),
    }
    other = {k: v for k, v in statuses.items() if k != 202}
    print(
        f"{name:8} {requests:5} POSTs  p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms"
        f"  max {row['max_ms']:7.1f} ms  202: {row['accepted']:.0f}"
        + (f"  other: {other}" if other else "")
    )
    return row


def wait_serving(url: str, api: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    from hub.embedded.redis_server import EmbeddedRedis, free_port
    from hub.platform.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        redis = EmbeddedRedis(data / "redis")
        redis.start()
        database_url = f"sqlite:///{data / 'hub.db'}"
        upgrade(database_url)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(
            HUB_DATA_DIR=str(data),
            HUB_DATABASE_URL=database_url,
            HUB_REDIS_URL=redis.url,
            HUB_INTAKE_RATE_LIMIT="1000000/minute",
        )
        log = (data / "gunicorn.log").open("wb")
        api = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn"),
                *("--bind", f"127.0.0.1:{port}", "hub.app:create_app()"),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/v1/enquiries"
        try:
            wait_serving(f"http://127.0.0.1:{port}/healthz", api)
            print(
                f"redis outage benchmark: {args.requests} POSTs per phase, {args.clients} "
                f"clients, gunicorn (config/gunicorn.py), SQLite, {os.cpu_count()} cores"
            )
            phase("warm-up", url, 20, args.clients)
            rows = {"up": phase("up", url, args.requests, args.clients)}
            assert redis.process is not None
            os.kill(redis.process.pid, signal.SIGSTOP)
            try:
                rows["frozen"] = phase("frozen", url, args.requests, args.clients)
            finally:
                os.kill(redis.process.pid, signal.SIGCONT)
            redis.stop()
            rows["stopped"] = phase("stopped", url, args.requests, args.clients)
            worst = max(rows["frozen"]["p99_ms"], rows["stopped"]["p99_ms"])
            print(
                f"goal: p99 under 1000 ms during an outage: worst outage p99 {worst:.1f} ms "
                f"({'met' if worst < 1000 else 'NOT met'}); every POST 202: "
                f"{all(row['accepted'] == args.requests for row in rows.values())}"
            )
        finally:
            api.send_signal(signal.SIGTERM)
            api.wait(timeout=30)
            log.close()
            redis.stop()


if __name__ == "__main__":
    main()
