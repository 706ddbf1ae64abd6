"""Do people waiting on their confirmation pages slow down the API's intake?

The hub's API under real gunicorn (``hub.embedded.runner.gunicorn_command``: config/gunicorn.py,
2 workers x 4 threads), on a scratch store and an embedded Redis (``bench_services``), with no
Celery worker: every enquiry stays unrouted. First ``--watchers`` people (64) each send an
enquiry through the web form, over HTTP, as a browser does. Then, in interleaved rounds:

  quiet  ``--post-clients`` processes POST /v1/enquiries for ``--seconds``, nobody else about;
  busy   the same POST load while every person reloads their confirmation page, again
         ``--pause`` seconds (the page's own refresh interval) after each answer comes back.

It prints each round (POST p50/p99 and count; confirmation loads and their median), then the
medians over rounds, quiet and busy, and the ratios busy/quiet for p50 and p99. Run it on two
checkouts to compare them (the script only needs the form and the API, which both keep).

    python bench/confirmation_hold.py [--seconds S] [--rounds R] [--post-clients C]
                                      [--watchers W] [--pause P] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import RAW_ENQUIRY, bench_services  # noqa: E402

TIMEOUT = 120  # seconds: a confirmation held behind others can take long; never cut it short
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
REFERENCE = re.compile(r'class="hub-reference">(FE-[^<]+)<')
# The form's pages and a made-up person's answers, as tests/web/journey.py posts them.
ANSWERS: dict[str, dict[str, str]] = {
    "your-name": {"given_name": "Sam", "family_name": "Jones"},
    "contact": {"email": "sam@example.org", "phone": "07911 123456", "preferred_contact": "phone"},
    "where-you-live": {"postcode": "me14 1xq"},
    "fostering": {"interest": "mainstream"},
    "household": {"adults": "2", "children": "0", "spare_bedroom": "yes"},
    "anything-else": {"message": ""},
    "your-information": {"privacy_notice": "yes"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    """One request on a new connection: status, headers (lower-case names), body text."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        conn.close()


class Person:
    """A browser's session cookie, kept across the form's pages."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def go(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = dict(BROWSER)
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, got, text = request(self.port, method, path, body, headers)
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";", 1)[0]
        return status, text

    def send_enquiry(self) -> str:
        """Fill in every page and send; returns the session cookie that finds the receipt."""
        status, page = self.go("GET", "/enquire/your-name")
        match = CSRF.search(page)
        assert status == 200 and match, (status, page[:300])
        token = match.group(1)
        for slug, answers in ANSWERS.items():
            status, page = self.go("POST", f"/enquire/{slug}", {"csrf_token": token, **answers})
            assert status == 303, (slug, status, page[:300])
        status, page = self.go("GET", "/enquire/check-answers")
        match = SUBMISSION.search(page)
        assert status == 200 and match, (status, page[:300])
        status, page = self.go(
            "POST", "/enquire", {"csrf_token": token, "submission": match.group(1)}
        )
        assert status == 303, (status, page[:300])
        return self.cookie


def _watch(port: int, cookies: list[str], pause: float, stop: mp.Event, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """Every person reloads their confirmation page until ``stop``; one thread each."""
    loads: list[float] = []
    unrouted: list[bool] = []
    lock = threading.Lock()

    def person(cookie: str) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            status, _h, page = request(
                port, "GET", "/enquire/confirmation", headers={**BROWSER, "Cookie": cookie}
            )
            elapsed = time.perf_counter() - started
            assert status == 200 and REFERENCE.search(page), (status, page[:300])
            with lock:
                loads.append(elapsed)
                unrouted.append("What happens next" in page and "Kent" not in page)
            stop.wait(pause)

    threads = [threading.Thread(target=person, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((loads, all(unrouted)))


def _post(port: int, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """POST /v1/enquiries, one after another, for ``seconds`` (the last one is waited for)."""
    body = json.dumps(RAW_ENQUIRY).encode()
    latencies: list[float] = []
    accepted = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status, _h, _b = request(
            port, "POST", "/v1/enquiries", body, {"Content-Type": "application/json"}
        )
        latencies.append(time.perf_counter() - started)
        accepted += status == 202
    out.put((accepted, latencies))


def post_load(port: int, clients: int, seconds: float) -> dict[str, float]:
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [mp.Process(target=_post, args=(port, seconds, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    lat = sorted(x for r in results for x in r[1])
    return {
        "sent": len(lat),
        "accepted": sum(r[0] for r in results),
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
    }


def busy_load(
    port: int, cookies: list[str], args: argparse.Namespace
) -> tuple[dict[str, float], dict[str, float]]:
    """The POST load while every person reloads their confirmation page."""
    stop = mp.Event()
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    watchers = mp.Process(target=_watch, args=(port, cookies, args.pause, stop, queue))
    watchers.start()
    time.sleep(min(args.pause, 3.0) + 1.0)  # everyone on their page before the POSTs start
    posts = post_load(port, args.post_clients, args.seconds)
    stop.set()
    loads, unrouted = queue.get()
    watchers.join()
    return posts, {
        "loads": len(loads),
        "median_ms": statistics.median(loads) * 1000 if loads else 0.0,
        "unrouted": float(unrouted),
    }


def wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            request(port, "GET", "/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run(args: argparse.Namespace) -> None:
    limits = {
        "HUB_INTAKE_RATE_LIMIT": "100000000/minute",
        "HUB_FORM_RATE_LIMIT": "100000000/minute",
    }
    with bench_services(args.backend, "hub-bench-confirm-", limits):
        # Imported only now: the hub reads its settings once, from the environment just set.
        from hub.embedded.runner import gunicorn_command

        port = free_port()
        server = subprocess.Popen(
            gunicorn_command("127.0.0.1", port, 2, "--log-level", "warning"),
            cwd=REPO,
            env=dict(os.environ),
        )
        try:
            wait_up(port, server)
            with ThreadPoolExecutor(8) as pool:
                cookies = list(
                    pool.map(lambda _i: Person(port).send_enquiry(), range(args.watchers))
                )
            post_load(port, args.post_clients, 3.0)  # warm-up
            rounds: dict[str, list[dict[str, float]]] = {"quiet": [], "busy": []}
            for number in range(1, args.rounds + 1):
                quiet = post_load(port, args.post_clients, args.seconds)
                rounds["quiet"].append(quiet)
                busy, pages = busy_load(port, cookies, args)
                rounds["busy"].append(busy)
                for name, f in (("quiet", quiet), ("busy", busy)):
                    extra = ""
                    if name == "busy":
                        extra = (
                            f"  confirmation loads {int(pages['loads'])}"
                            f" (median {pages['median_ms']:.0f} ms"
                            f"{', all unrouted' if pages['unrouted'] else ', SOME ROUTED'})"
                        )
                    print(
                        f"round {number}  {name:5}  POST p50 {f['p50_ms']:8.1f} ms"
                        f"  p99 {f['p99_ms']:8.1f} ms  ({int(f['accepted'])}/{int(f['sent'])}"
                        f" 202){extra}",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait()

    med = {
        name: {k: statistics.median(r[k] for r in rs) for k in ("p50_ms", "p99_ms")}
        for name, rs in rounds.items()
    }
    print()
    print(
        f"POST /v1/enquiries, medians of {args.rounds} rounds of {args.seconds:.0f} s,"
        f" {args.post_clients} POST clients; busy = {args.watchers} people reloading"
        f" unrouted confirmation pages every {args.pause:g} s; {args.backend}"
    )
    print(f"{'load':6} {'p50 ms':>9} {'p99 ms':>9}")
    for name in ("quiet", "busy"):
        print(f"{name:6} {med[name]['p50_ms']:9.1f} {med[name]['p99_ms']:9.1f}")
    print(
        f"busy/quiet: p50 {med['busy']['p50_ms'] / med['quiet']['p50_ms']:.2f},"
        f" p99 {med['busy']['p99_ms'] / med['quiet']['p99_ms']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved quiet/busy rounds")
    parser.add_argument("--post-clients", type=int, default=4)
    parser.add_argument("--watchers", type=int, default=64)
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between reloads")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
