"""Intake throughput: the hub under gunicorn vs a bare Flask + marshmallow + one insert.

Both servers run under gunicorn with the same worker count, on the same database, driven by the
same client processes in the same run. Prints accepted/s and p50/p99 latency for each, and the
ratio (goal: hub >= 0.8 x baseline) on SQLite and on PostgreSQL (when it answers).

    python bench/intake.py [--requests N] [--clients C] [--workers W] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BODY = {
    "given_name": "Sam",
    "family_name": "Jones",
    "email": "sam@example.org",
    "phone": "07911 123456",
    "postcode": "RG1 1AF",
    "preferred_contact": "phone",
    "interest": "mainstream",
    "household": {"adults": 2, "children": 0, "spare_bedroom": True},
    "consent": {"privacy_notice": True, "keep_in_touch": True},
}
THREADS = 1
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


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


def database_url(backend: str, tmp: Path) -> tuple[str, object]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", None
    import psycopg

    name = f"hub_bench_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def run_backend(backend: str, args: argparse.Namespace, redis_url: str) -> None:
    from hub.platform.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url, drop = database_url(backend, tmp)
        try:
            upgrade(url)
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
            figures = {}
            for name, app in (
                ("baseline", "bench.baseline_app:create_baseline_app()"),
                ("hub", "hub.app:create_app()"),
            ):
                port = free_port()
                proc = gunicorn(app, port, args.workers, env)
                try:
                    wait_up(port, proc)
                    drive(port, min(200, args.requests), args.clients)  # warm-up
                    figures[name] = drive(port, args.requests, args.clients)
                finally:
                    proc.terminate()
                    proc.wait()
            for name, f in figures.items():
                print(
                    f"{backend:10} {name:8} accepted/s {f['rate']:8.1f}  p50 {f['p50_ms']:6.1f} ms"
                    f"  p99 {f['p99_ms']:6.1f} ms  ({int(f['accepted'])}/{int(f['sent'])} 202)"
                )
            ratio = figures["hub"]["rate"] / figures["baseline"]["rate"]
            print(f"{backend:10} ratio hub/baseline {ratio:.2f}  (goal >= 0.80)")
        finally:
            if drop is not None:
                drop()  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads
    from hub.embedded.redis_server import EmbeddedRedis
    from hub.geo import ensure_default_geography

    os.environ.setdefault("HUB_GEO_DIR", str(REPO / ".cache" / "geo"))
    ensure_default_geography()
    with tempfile.TemporaryDirectory() as redis_dir:
        redis = EmbeddedRedis(Path(redis_dir))
        redis.start()
        try:
            print(
                f"intake benchmark: {args.requests} POSTs, {args.clients} client processes, "
                f"gunicorn --workers {args.workers} --threads {args.threads}, "
                f"{os.cpu_count()} cores"
            )
            backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
            for backend in backends:
                try:
                    run_backend(backend, args, redis.url)
                except Exception as exc:
                    print(f"{backend:10} not measured: {type(exc).__name__}: {exc}")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
