"""Intake throughput: the hub under gunicorn vs two baselines, in interleaved rounds.

  bare  bench/baseline_app.py: bare Flask, the hub's marshmallow schema, one insert.
  fair  bench/fair_baseline_app.py: the same, plus what any correct intake must also do: one
        Celery publish (by task name, the row id only) to the same Redis after the commit.
  hub   hub.app:create_app().

All three run under gunicorn with the same worker and thread counts, on the same database and
Redis, driven by the same client processes in the same run; the rounds interleave (bare, fair,
hub, repeated) because a small machine is noisy, and the table reports medians: accepted/s,
p50/p99 latency, and the ratios hub/bare (goal >= 0.80) and hub/fair (each the median of the
per-round ratios, with the ratio of the medians in brackets), on SQLite and on
PostgreSQL (when it answers). Each round's raw figures are printed first, with the number of
messages that reached the routing queue (nothing consumes them; emptied after each round).

    python bench/intake.py [--requests N] [--rounds R] [--clients C] [--workers W]
                           [--threads T] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import RAW_ENQUIRY as BODY  # noqa: E402
from bench.support import bench_settings, database_url  # noqa: E402

THREADS = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(port: int, count: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    body = json.dumps(BODY).encode()
    latencies: list[float] = []
    ok = 0
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        try:
            conn.request("POST", "/v1/enquiries", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            ok += response.status == 202
        except OSError:
            pass  # counted as not accepted; the run reports accepted/sent
        latencies.append(time.perf_counter() - started)
        conn.close()
    out.put((ok, latencies))


def drive(port: int, requests: int, clients: int) -> dict[str, float]:
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    per = requests // clients
    procs = [mp.Process(target=_client, args=(port, per, queue)) for _ in range(clients)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join()
    ok = sum(r[0] for r in results)
    lat = sorted(x for r in results for x in r[1])
    return {
        "accepted": ok,
        "sent": per * clients,
        "rate": ok / elapsed,
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000,
    }


def wait_up(port: int, proc: subprocess.Popen[bytes], path: str = "/") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(THREADS),
        "--log-level",
        "warning",
        app,
    ]
    return subprocess.Popen(args, cwd=REPO, env={**os.environ, **env})


APPS = (
    ("bare", "bench.baseline_app:create_baseline_app()"),
    ("fair", "bench.fair_baseline_app:create_fair_baseline_app()"),
    ("hub", "hub.app:create_app()"),
)


def queued(redis_url: str) -> int:
    """Messages waiting in the routing queue (nothing consumes them), then empty it."""
    from redis import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="routing*"))  # kombu's priority lists too
        count = sum(int(client.llen(k)) for k in keys if client.type(k) == b"list")
        if keys:
            client.delete(*keys)
        return count
    finally:
        client.close()


def run_backend(
    backend: str, args: argparse.Namespace, redis_url: str
) -> dict[str, list[dict[str, float]]]:
    from hub.platform.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url, drop = database_url(backend, tmp)
        procs: list[subprocess.Popen[bytes]] = []
        try:
            upgrade(url)
            import bench.fair_baseline_app  # noqa: F401  (adds its table to the metadata)
            from bench.baseline_app import metadata
            from hub.platform.db import make_engine

            engine = make_engine(url)
            metadata.create_all(engine)
            engine.dispose()
            env = {
                "HUB_DATABASE_URL": url,
                "HUB_REDIS_URL": redis_url,
                "HUB_DATA_DIR": str(tmp),
                "HUB_INTAKE_RATE_LIMIT": "100000000/minute",
                "BENCH_DATABASE_URL": url,
                "HUB_GEO_DIR": os.environ.get("HUB_GEO_DIR", str(REPO / ".cache" / "geo")),
            }
            # All three servers stay up for the whole run (idle while another is driven), so
            # the rounds can interleave: bare, fair, hub, bare, fair, hub, ...
            ports: dict[str, int] = {}
            for name, app in APPS:
                port = free_port()
                proc = gunicorn(app, port, args.workers, env)
                procs.append(proc)
                wait_up(port, proc)
                ports[name] = port
            for name, _app in APPS:
                drive(ports[name], min(200, args.requests), args.clients)  # warm-up
            queued(redis_url)
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _app in APPS}
            for number in range(1, args.rounds + 1):
                for name, _app in APPS:
                    f = drive(ports[name], args.requests, args.clients)
                    f["published"] = queued(redis_url)
                    rounds[name].append(f)
                    print(
                        f"{backend:10} round {number}  {name:4}  req/s {f['rate']:7.1f}"
                        f"  p50 {f['p50_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms"
                        f"  ({int(f['accepted'])}/{int(f['sent'])} 202,"
                        f" {int(f['published'])} queued)",
                        flush=True,
                    )
            return rounds
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait()
            if drop is not None:
                drop()


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rounds) for k in ("rate", "p50_ms", "p99_ms")}


def print_table(results: dict[str, dict[str, list[dict[str, float]]]], count: int) -> None:
    # The headline ratio is the median of the per-round ratios: the apps of one round run
    # seconds apart, so a slow spell on this noisy machine mostly cancels out within a round,
    # whereas the ratio of the medians can pair a fast round of one app with a slow one of another.
    print()
    print(
        f"medians of {count} interleaved rounds; ratio = median over rounds of "
        "(hub req/s / this app's req/s) [ratio of the medians]"
    )
    print(f"{'backend':10} {'app':5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  ratio")
    for backend, rounds in results.items():
        m = {name: medians(r) for name, r in rounds.items()}
        for name, _app in APPS:
            ratio = ""
            if name != "hub":
                per_round = [
                    h["rate"] / b["rate"] for h, b in zip(rounds["hub"], rounds[name], strict=True)
                ]
                goal = "  goal >= 0.80" if name == "bare" else ""
                ratio = (
                    f"hub/{name} {statistics.median(per_round):.2f}"
                    f" [{m['hub']['rate'] / m[name]['rate']:.2f}]"
                    f"  (rounds {', '.join(f'{r:.2f}' for r in per_round)}){goal}"
                )
            f = m[name]
            if any(r["accepted"] < r["sent"] for r in rounds[name]):
                ratio += "  (some requests not 202: see the rounds above)"
            print(
                f"{backend:10} {name:5} {f['rate']:8.1f} {f['p50_ms']:8.1f} {f['p99_ms']:8.1f}"
                f"  {ratio}".rstrip()
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads
    from hub.embedded.redis_server import EmbeddedRedis
    from hub.geo import ensure_default_geography

    os.environ.setdefault("HUB_GEO_DIR", str(REPO / ".cache" / "geo"))
    bench_settings()  # installs the geography directory, as a hub process's edge does
    ensure_default_geography()
    with tempfile.TemporaryDirectory() as redis_dir:
        redis = EmbeddedRedis(Path(redis_dir))
        redis.start()
        try:
            print(
                f"intake benchmark: {args.requests} POSTs, {args.clients} client processes, "
                f"gunicorn --workers {args.workers} --threads {args.threads}, "
                f"{args.rounds} interleaved rounds, {os.cpu_count()} cores"
            )
            backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
            results = {}
            for backend in backends:
                try:
                    results[backend] = run_backend(backend, args, redis.url)
                except Exception as exc:
                    print(f"{backend:10} not measured: {type(exc).__name__}: {exc}")
            if results:
                print_table(results, args.rounds)
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
