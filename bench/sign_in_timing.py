"""Does ``POST /sign-in`` take as long for an address with an account as for one without?

A difference is an account-enumeration oracle: whoever can time the answer learns which
addresses have staff accounts. In one run, through the Flask test client on a scratch store
and an embedded Redis (no worker: what is measured is the request, as the person waits for
it), this asks for a link for a known and an unknown address in turns (the order of each pair
drawn at random, so neither always runs on a warm cache), each from its own client address
(the form's rate limit) and each known address a different account (the per-account cap on
links would otherwise hide the work). It prints the median and p90 of each and the ratios
known/unknown (goal: both within a few per cent of 1.00), and how many e-mails were written
while the requests ran.

    python bench/sign_in_timing.py [--requests N] [--warmup W] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import bench_services, bench_settings  # noqa: E402

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def run(requests: int, warmup: int, backend: str) -> None:
    with bench_services(backend, "hub-bench-sign-in-") as services:
        # Imported only now: the hub reads its settings once, from the environment just set.
        from hub.access.manage_staff import invite_staff_user
        from hub.access.manage_tokens import resolve_token_scope
        from hub.app import create_app
        from hub.platform.db import Database

        db = Database(bench_settings(), url=services.url)
        operators = resolve_token_scope(None, hub_operator=True)
        known = [f"bench-{uuid.uuid4().hex[:12]}@hub.example" for _ in range(warmup + requests)]
        for address in known:
            invite_staff_user(db, address, operators)
        unknown = [f"nobody-{uuid.uuid4().hex[:12]}@hub.example" for _ in known]

        app = create_app(db=db)
        client = app.test_client()
        page = client.get("/sign-in", headers=BROWSER).get_data(as_text=True)
        match = CSRF.search(page)
        assert match, page[:500]
        token = match.group(1)
        serial = iter(range(1, 10**7))

        def ask(address: str) -> float:
            n = next(serial)
            client.environ_base["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            started = time.perf_counter()
            response = client.post(
                "/sign-in", data={"csrf_token": token, "email": address}, headers=BROWSER
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 303, response.status_code
            return elapsed

        mail = services.tmp / "mail"
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        rng = random.Random(20261202)
        for i, (k, u) in enumerate(zip(known, unknown, strict=True)):
            pair = [("known", k), ("unknown", u)]
            rng.shuffle(pair)
            for kind, address in pair:
                elapsed = ask(address)
                if i >= warmup:
                    timings[kind].append(elapsed)
        mails = len(list(mail.glob("*.eml"))) if mail.is_dir() else 0
        db.dispose()

    print(f"POST /sign-in, {requests} of each kind interleaved ({warmup} pairs warm-up), {backend}")
    print(f"{'address':<10} {'median ms':>10} {'p90 ms':>10}")
    for kind, values in timings.items():
        print(f"{kind:<10} {statistics.median(values) * 1000:>10.2f} {p90(values) * 1000:>10.2f}")
    ratio_median = statistics.median(timings["known"]) / statistics.median(timings["unknown"])
    ratio_p90 = p90(timings["known"]) / p90(timings["unknown"])
    print(f"known/unknown: median {ratio_median:.2f}, p90 {ratio_p90:.2f}")
    print(f"e-mails written during the requests: {mails} (for {len(known)} known addresses)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    run(args.requests, args.warmup, args.backend)


if __name__ == "__main__":
    main()
