"""Peak day: a campaign's spike of enquiries while three councils' endpoints fail.

The hub as it is deployed, on this machine: the API under gunicorn (config/gunicorn.py, behind
one trusted proxy: ``HUB_TRUSTED_PROXIES=1``), a routing worker, a delivery worker and beat,
on a scratch store and an embedded Redis (``bench_services``). Eight councils subscribe a
receiver each (bench/slow_council.py's, which verifies every signed webhook): five healthy,
one SLOW (answers 200 after --slow-seconds, 8 s), one FAILING (500 every time), one REFUSING
(its host refuses connections). Enquiries come from many client addresses, a few shared by
many people (a library, an office), --form-share of them through the form's pages (every page
saved, check answers, send, the confirmation), the rest through POST /v1/enquiries, open loop
(each starts at its own time whatever the others are doing). Meanwhile --watchers people
reload their confirmation pages every 3 s and --staff officers and operators load their pages.

  warm-up   the watchers' own enquiries through the form (every council answers at once);
  a. baseline  --baseline-share of the spike's count at the spike's rate, every council
               answering at once: the healthy councils' figures without the failing ones;
  b. spike  --enquiries in --seconds while the slow, failing and refusing councils fail.

Prints the scale, the machine's load average, POST p50/p99 (form send, form page saves, API),
submit->routed, submit->webhook received for the healthy councils in both phases (and their
p99 ratio), the queues and the workers' memory over time, the failing councils' attempts,
retries and dead letters, the rate-limited answers, and the count that proves nothing was lost
or sent twice in effect. Goals: POST p99 < 100 ms, routed p99 < 1 s, healthy
webhook p99 < 2 s and within 20% of the baseline's, nothing lost.

    python bench/spike.py [--enquiries 2000] [--seconds 120] [--full] [--backend sqlite|postgresql]
        [--form-share 0.7] [--watchers 200] [--staff 5] [--clients 4] [--drain 180]

``--full`` is the issue's scale, 10,000 enquiries in 10 minutes.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.slow_council import BenchReceiver  # noqa: E402
from bench.spike_load import (  # noqa: E402
    Outcome,
    Plan,
    run_plan,
    sign_in_over_http,
    staff_pages,
    watch_confirmations,
)
from bench.spike_report import report  # noqa: E402
from bench.support import (  # noqa: E402
    bench_services,
    bench_settings,
    celery,
    delivery_worker,
    routing_worker,
    stop,
    wait,
)

HEALTHY, SLOW, FAILING, REFUSING = "healthy", "slow", "failing", "refusing"
# Each postcode routes to its own council; the warm-up checks that every receiver hears of its
# own referrals and of no other's.
COUNCILS: tuple[tuple[str, str, str], ...] = (
    ("Kingston upon Thames", "KT1 1EU", HEALTHY),
    ("Richmond upon Thames", "TW9 1DN", HEALTHY),
    ("Reading", "RG1 1AF", HEALTHY),
    ("Brighton and Hove", "BN1 1AA", HEALTHY),
    ("Leeds", "LS1 1UR", HEALTHY),
    ("Kent", "ME14 1XQ", SLOW),
    ("Manchester", "M1 1AE", FAILING),
    ("Birmingham", "B1 1AA", REFUSING),
)
POSTCODES = tuple(c[1] for c in COUNCILS)


class Sampler:
    """Every second: the routing and delivery queues' lengths in the broker, and the resident
    memory of each worker (its main process and its pool's processes together)."""

    def __init__(self, redis_url: str, workers: dict[str, int]) -> None:
        from redis import Redis

        self.broker = Redis.from_url(redis_url)
        self.workers = workers
        self.samples: list[tuple[float, int, int, dict[str, int]]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _length(self, name: str) -> int:
        from hub.platform.queues import queue_keys

        return sum(int(self.broker.llen(key)) for key in queue_keys(name))

    def _run(self) -> None:
        while not self.stopped.is_set():
            memory = {name: tree_rss(pid) for name, pid in self.workers.items()}
            self.samples.append(
                (time.time(), self._length("routing"), self._length("delivery"), memory)
            )
            self.stopped.wait(1.0)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.broker.close()


def tree_rss(pid: int) -> int:
    """Proportional set size of a process and its descendants (Linux /proc): pages a prefork
    pool shares with its parent are counted once between them."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spike(
    args: argparse.Namespace, port: int, count: int, seconds: float, base: int
) -> list[Outcome]:
    """``count`` enquiries over ``seconds`` from --clients processes; every outcome."""
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    started = time.time() + 1.0
    procs = [
        mp.Process(
            target=run_plan,
            args=(
                Plan(
                    port=port,
                    postcodes=POSTCODES,
                    first=k,
                    step=args.clients,
                    count=count,
                    rate=count / seconds,
                    started=started,
                    form_share=args.form_share,
                    distinct=args.addresses,
                    shared_share=args.shared_share,
                    threads=args.threads,
                    index_base=base,
                ),
                out,
            ),
        )
        for k in range(args.clients)
    ]
    for p in procs:
        p.start()
    outcomes: list[Outcome] = [o for _ in procs for o in out.get()]
    for p in procs:
        p.join()
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--full", action="store_true", help="10,000 enquiries in 10 minutes")
    parser.add_argument("--baseline-share", type=float, default=0.25)
    parser.add_argument("--form-share", type=float, default=0.7)
    parser.add_argument("--addresses", type=int, default=5000, help="distinct client addresses")
    parser.add_argument("--shared-share", type=float, default=0.05, help="people on shared ones")
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4, help="load processes")
    parser.add_argument("--threads", type=int, default=48, help="threads per load process")
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--slow-seconds", type=float, default=8.0)
    parser.add_argument("--max-attempts", type=int, default=4)
    parser.add_argument("--drain", type=float, default=180.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if args.full:
        args.enquiries, args.seconds = 10_000, 600.0
    env = {
        "HUB_TRUSTED_PROXIES": "1",
        # Beat offers due deliveries every second, the failing councils' retries come twenty
        # times sooner than in production and a delivery is dead after --max-attempts, so that
        # retries and dead letters happen within the run.
        "HUB_DELIVERY_SWEEP_SECONDS": "1",
        "HUB_DELIVERY_RETRY_SCALE": "0.05",
        "HUB_DELIVERY_MAX_ATTEMPTS": str(args.max_attempts),
    }
    with bench_services(args.backend, "hub-bench-spike-", env) as services:
        run(args, services.url, services.redis_url, services.tmp)


def run(args: argparse.Namespace, url: str, redis_url: str, tmp: Path) -> None:
    from hub.embedded.runner import gunicorn_command
    from hub.platform.db import Database

    db = Database(bench_settings(), url=url)
    receivers = subscribe(db)
    staff_links = invite_staff(db, args.staff)
    load_start = os.getloadavg()

    def log(name: str) -> Any:
        return (tmp / f"{name}.log").open("wb")

    port = free_port()
    api = subprocess.Popen(
        gunicorn_command("127.0.0.1", port, args.api_workers, "--log-level", "warning"),
        cwd=REPO,
        env=dict(os.environ),
        stdout=log("api"),
        stderr=subprocess.STDOUT,
    )
    beat = celery("beat", "--loglevel", "WARNING", "-s", str(tmp / "beat-schedule"))
    routing, delivery = (
        routing_worker(output=log("routing")),
        delivery_worker(output=log("delivery")),
    )
    procs = [beat, routing, delivery, api]
    sampler = Sampler(redis_url, {"routing": routing.pid, "delivery": delivery.pid})
    stop_side = mp.Event()
    side_out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    side: list[mp.Process] = []
    try:
        from bench.spike_load import request

        if not wait(lambda: _answers(request, port), 90):
            raise RuntimeError("gunicorn did not start")
        sampler.start()

        # Warm-up: the watchers' enquiries, through the form, everybody answering at once.
        warm_args = argparse.Namespace(**{**vars(args), "form_share": 1.0, "clients": 2})
        warm = spike(warm_args, port, args.watchers, max(10.0, args.watchers / 20), 0)
        accepted_warm = [o for o in warm if o.reference]
        if not wait(lambda: arrived(receivers, accepted_warm) == len(accepted_warm), 180):
            raise RuntimeError(
                f"warm-up: {arrived(receivers, accepted_warm)}/{len(accepted_warm)} arrived "
                f"({len(warm) - len(accepted_warm)} not accepted: "
                f"{sorted({o.status for o in warm if not o.reference})})"
            )
        if any(r.misdirected for r in receivers.values()):
            raise RuntimeError("a council's receiver heard of another council's referral")
        cookies = [(o.cookie, o.address) for o in accepted_warm]
        staff = [
            (sign_in_over_http(port, token, f"192.0.2.{n + 1}"), f"192.0.2.{n + 1}", paths)
            for n, (token, paths) in enumerate(staff_links)
        ]
        side = [
            mp.Process(target=watch_confirmations, args=(port, cookies, 3.0, stop_side, side_out)),
            mp.Process(target=staff_pages, args=(port, staff, 5.0, stop_side, side_out)),
        ]
        for p in side:
            p.start()

        # a. Baseline: every council answers at once.
        a_count = int(args.enquiries * args.baseline_share)
        a_started = time.time()
        baseline = spike(args, port, a_count, args.seconds * args.baseline_share, 10**6)
        a_ok = [o for o in baseline if o.reference]
        wait(lambda: arrived(receivers, a_ok) == len(a_ok), args.drain)
        a_settled = time.time()

        # b. The spike, with three councils failing.
        slow = next(r for c, r in receivers.items() if c[2] == SLOW)
        failing = next(r for c, r in receivers.items() if c[2] == FAILING)
        refusing = next(r for c, r in receivers.items() if c[2] == REFUSING)
        with slow.lock:
            slow.delay = args.slow_seconds
        with failing.lock:
            failing.status = 500
        refusing.stop()  # its port is closed: connections are refused
        failing_before = failing.attempts
        b_started = time.time()
        drill = spike(args, port, args.enquiries, args.seconds, 2 * 10**6)
        b_submitted = time.time()
        b_ok = [o for o in drill if o.reference]
        healthy_b = [o for o in b_ok if COUNCILS[o.council][2] == HEALTHY]
        wait(
            lambda: arrived(receivers, healthy_b) == len(healthy_b) and unrouted(db) == 0,
            args.drain,
        )
        b_settled = time.time()
        stop_side.set()
        side_results = {
            kind: (loads, failed) for kind, loads, failed in (side_out.get() for _ in side)
        }
        load_end = os.getloadavg()
        report(
            args, db, receivers, sampler, tmp,
            phases=(("a. baseline", baseline, a_started, a_settled),
                    ("b. spike", drill, b_started, b_settled)),
            side=side_results, loads=(load_start, load_end),
            failing_attempts=failing.attempts - failing_before, b_submitted=b_submitted,
            warm=warm,
        )  # fmt: skip
    finally:
        stop_side.set()
        for p in side:
            p.join(timeout=30)
        sampler.stop()
        stop(procs)
        for council, receiver in receivers.items():
            if council[2] != REFUSING:
                receiver.stop()
        db.dispose()


def _answers(request: Any, port: int) -> bool:
    try:
        return bool(request(port, "GET", "/livez", None, {})[0] == 200)
    except OSError:
        return False


def subscribe(db: Any) -> dict[tuple[str, str, str], BenchReceiver]:
    """A receiver for each council, subscribed to its webhooks with the secret the hub made."""
    from hub.access.manage_tokens import resolve_token_scope
    from hub.delivery.manage_subscriptions import add_webhook

    receivers = {}
    for council in COUNCILS:
        receiver = BenchReceiver("whsec_" + "A" * 43 + "=")
        receiver.start()
        scope = resolve_token_scope(council[0], hub_operator=False)
        made = add_webhook(db, scope, receiver.url)
        receiver.verifier = type(receiver.verifier)(made.secret)
        receiver.authority_code = scope.value
        receivers[council] = receiver
    return receivers


def invite_staff(db: Any, count: int) -> list[tuple[str, tuple[str, ...]]]:
    """Sign-in links for ``count`` staff: operators first, then healthy councils' officers,
    each with the pages they keep loading."""
    from hub.access.manage_staff import invite_staff_user
    from hub.access.manage_tokens import resolve_token_scope
    from hub.access.sign_in_links import issue_link

    links: list[tuple[str, tuple[str, ...]]] = []
    for n in range(count):
        email = f"staff{n}@example.org"
        paths: tuple[str, ...]
        if n < 2:
            choice, paths = (
                resolve_token_scope(None, hub_operator=True),
                ("/ops/", "/ops/deliveries"),
            )
        else:
            council = COUNCILS[(n - 2) % 5][0]
            choice, paths = resolve_token_scope(council, hub_operator=False), ("/council/",)
        invite_staff_user(db, email, choice)
        issued = issue_link(db, email)
        assert issued is not None
        links.append((issued.token, paths))
    return links


def arrived(receivers: dict[tuple[str, str, str], BenchReceiver], outcomes: list[Outcome]) -> int:
    return sum(1 for o in outcomes if o.reference in receivers[COUNCILS[o.council]].arrived)


def unrouted(db: Any) -> int:
    """How many enquiries are still waiting to be routed."""
    from sqlalchemy import func, select

    from hub.enquiries.models import Enquiry, EnquiryStatus

    with db.sessions() as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(Enquiry)
            .where(Enquiry.status == EnquiryStatus.RECEIVED)
        )
    return int(waiting or 0)


if __name__ == "__main__":
    main()
