"""What bench/spike.py prints: its figures, read from the clients, the receivers, the broker's
samples and the database, each beside its goal."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.slow_council import percentiles
from bench.spike_load import SHARED_ADDRESSES, Outcome

GOAL_POST_P99 = 0.100
GOAL_ROUTED_P99 = 1.0
GOAL_WEBHOOK_P99 = 2.0
GOAL_RATIO = 1.20


def ms(values: list[float]) -> str:
    p50, p99, top = percentiles(values)
    return (
        f"p50 {p50 * 1000:.0f} ms  p99 {p99 * 1000:.0f} ms  max {top * 1000:.0f} ms  "
        f"(n={len(values)})"
    )


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def routed_at(db: Any, references: list[str]) -> dict[str, tuple[str, float | None]]:
    """Each enquiry's status and seconds from its creation to its first decision."""
    from sqlalchemy import func, select

    from hub.enquiries.models import Enquiry
    from hub.referrals.models import RoutingDecisionRecord

    first = (
        select(
            RoutingDecisionRecord.enquiry_id,
            func.min(RoutingDecisionRecord.decided_at).label("decided_at"),
            func.count().label("decisions"),
        )
        .group_by(RoutingDecisionRecord.enquiry_id)
        .subquery()
    )
    found: dict[str, tuple[str, float | None]] = {}
    wanted = set(references)
    with db.sessions() as session:
        rows = session.execute(
            select(Enquiry.reference, Enquiry.status, Enquiry.created_at, first.c.decided_at).join(
                first, first.c.enquiry_id == Enquiry.id, isouter=True
            )
        ).all()
    for reference, status, created, decided in rows:
        if reference in wanted:
            seconds = (decided - created).total_seconds() if decided is not None else None
            found[reference] = (str(status), seconds)
    return found


def counts(db: Any) -> tuple[int, int]:
    """Enquiries stored, and enquiries with more than one routing decision."""
    from sqlalchemy import func, select

    from hub.enquiries.models import Enquiry
    from hub.referrals.models import RoutingDecisionRecord

    with db.sessions() as session:
        stored = int(session.scalar(select(func.count()).select_from(Enquiry)) or 0)
        per = (
            select(RoutingDecisionRecord.enquiry_id)
            .group_by(RoutingDecisionRecord.enquiry_id)
            .having(func.count() > 1)
            .subquery()
        )
        twice = int(session.scalar(select(func.count()).select_from(per)) or 0)
    return stored, twice


def deliveries_of(db: Any, authority_code: str) -> Counter[str]:
    """A council's deliveries by status, ``attempts`` (their attempts added up) and
    ``retries`` (the attempts after each delivery's first)."""
    from sqlalchemy import case, func, select

    from hub.delivery.models import Delivery

    found: Counter[str] = Counter()
    with db.sessions() as session:
        rows = session.execute(
            select(
                Delivery.status,
                func.count(),
                func.sum(Delivery.attempts),
                func.sum(case((Delivery.attempts > 1, Delivery.attempts - 1), else_=0)),
            )
            .where(Delivery.authority_code == authority_code)
            .group_by(Delivery.status)
        ).all()
    for status, number, attempts, retries in rows:
        found[str(status)] += int(number)
        found["attempts"] += int(attempts or 0)
        found["retries"] += int(retries or 0)
    return found


def report(
    args: argparse.Namespace,
    db: Any,
    receivers: dict[tuple[str, str, str], Any],
    sampler: Any,
    tmp: Path,
    *,
    phases: tuple[tuple[str, list[Outcome], float, float], ...],
    side: dict[str, tuple[list[float], int]],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
    failing_attempts: int,
    b_submitted: float,
    warm: list[Outcome],
) -> None:
    councils = list(receivers)
    role = {i: c[2] for i, c in enumerate(councils)}
    healthy = [i for i, r in role.items() if r == "healthy"]
    rate = args.enquiries / args.seconds
    fmt = ", ".join(f"{x:.1f}" for x in loads[0])
    end = ", ".join(f"{x:.1f}" for x in loads[1])
    print(
        f"spike benchmark: {args.enquiries} enquiries in {args.seconds:.0f} s ({rate:.1f}/s; "
        f"the issue's scale is 10,000 in 600 s: --full), {args.form_share:.0%} through the form; "
        f"{args.backend}; {os.cpu_count()} cores, load average {fmt} before, {end} after; "
        f"logs in {tmp}"
    )
    print(
        f"hub: gunicorn {args.api_workers} workers x HUB_API_THREADS, routing worker -c 2, "
        f"delivery worker -c 4, beat; HUB_TRUSTED_PROXIES=1, {args.addresses} client "
        f"addresses + {len(SHARED_ADDRESSES)} shared by {args.shared_share:.0%} of people; "
        f"{len(warm)} watchers' enquiries first, then {args.watchers} people reloading their "
        f"confirmation every 3 s and {args.staff} staff loading their pages every 5 s"
    )
    print(
        "councils: "
        + "; ".join(f"{c[0]} {c[2]}" for c in councils)
        + f" (slow: 200 after {args.slow_seconds:.0f} s; failing: 500; refusing: port closed)"
    )
    healthy_p99: dict[str, float] = {}
    for name, outcomes, started, settled in phases:
        ok = [o for o in outcomes if o.reference]
        refused = Counter(o.status for o in outcomes if not o.reference)
        print(
            f"{name}: {len(outcomes)} sent, {len(ok)} accepted"
            + (f", refused {dict(refused)}" if refused else "")
            + f"; settled {settled - started:.0f} s after it started"
        )
        form = [o for o in outcomes if o.kind == "form"]
        api = [o for o in outcomes if o.kind == "api"]
        sends = [o.send_seconds for o in form if o.at]
        pages = [s for o in form for s in o.page_posts]
        api_posts = [o.send_seconds for o in api]
        print(f"   POST /enquire (form send)  {ms(sends)}")
        print(f"   POST /enquire/<page>       {ms(pages)}")
        print(f"   POST /v1/enquiries (API)   {ms(api_posts)}")
        worst = max(percentiles(v)[1] for v in (sends, pages, api_posts) if v)
        print(f"   POST p99 goal < 100 ms: {met(worst < GOAL_POST_P99)}")
        shared = [o for o in outcomes if o.address in SHARED_ADDRESSES]
        print(
            f"   rate-limited answers (429): {sum(o.rate_limited for o in outcomes)} "
            f"({sum(o.rate_limited for o in shared)} on shared addresses, "
            f"{len(shared)} people sent from them)"
        )
        states = routed_at(db, [o.reference for o in ok if o.reference])
        routed = [s for _st, s in states.values() if s is not None]
        p99 = percentiles(routed)[1]
        print(
            f"   submit->routed             {ms(routed)}; "
            f"goal p99 < 1 s: {met(p99 < GOAL_ROUTED_P99)}"
        )
        hook = [
            receivers[councils[o.council]].arrived[o.reference] - o.at
            for o in ok
            if o.council in healthy and o.reference in receivers[councils[o.council]].arrived
        ]
        healthy_p99[name] = percentiles(hook)[1]
        print(
            f"   healthy submit->webhook    {ms(hook)}; goal p99 < 2 s: "
            f"{met(healthy_p99[name] < GOAL_WEBHOOK_P99)}"
        )
    names = list(healthy_p99)
    ratio = healthy_p99[names[1]] / healthy_p99[names[0]] if healthy_p99[names[0]] else 0.0
    print(
        f"healthy webhook p99 spike/baseline {ratio:.2f}: goal <= {GOAL_RATIO:.2f}: "
        f"{met(ratio <= GOAL_RATIO)}"
    )
    for kind, (loads_, failed) in side.items():
        print(f"{kind} page loads during both phases: {ms(loads_)}; failed {failed}")

    print(
        "queues (longest in each 10 s: r routing, d delivery) and the workers' memory at its "
        "end (MiB of PSS, each worker's processes together, routing/delivery):"
    )
    samples = sampler.samples
    if samples:
        t0 = samples[0][0]
        buckets: dict[int, list[Any]] = {}
        for sample in samples:
            buckets.setdefault(int((sample[0] - t0) // 10), []).append(sample)
        line = []
        for bucket, group in sorted(buckets.items()):
            r = max(s[1] for s in group)
            d = max(s[2] for s in group)
            mem = group[-1][3]
            line.append(
                f"t+{bucket * 10:>3}s r{r} d{d} {mem['routing'] >> 20}/{mem['delivery'] >> 20}"
            )
        for n in range(0, len(line), 4):
            print("   " + " | ".join(line[n : n + 4]))
        peak = {k: max(s[3][k] for s in samples) >> 20 for k in samples[0][3]}
        print(
            f"   peak memory: routing worker {peak['routing']} MiB, "
            f"delivery worker {peak['delivery']} MiB"
        )

    slow_i = next(i for i, r in role.items() if r == "slow")
    print(
        f"slow council: most requests at once {receivers[councils[slow_i]].most_in_flight} "
        f"(its share of the delivery pool)"
    )
    print(f"failing councils (max attempts {args.max_attempts}, retry scale 0.05):")
    print(
        "   500 answers received by the failing council's endpoint in the spike: "
        f"{failing_attempts}"
    )
    for i, r in role.items():
        if r in ("failing", "refusing", "slow"):
            code = receivers[councils[i]].authority_code
            d = deliveries_of(db, code)
            rows = {k: v for k, v in d.items() if k not in ("attempts", "retries")}
            print(
                f"   {councils[i][0]} ({r}), over the whole run: deliveries {rows}, attempts "
                f"{d['attempts']} (retries {d['retries']}), dead letters {d.get('dead', 0)}"
            )

    every = [o for _n, outcomes, _s, _e in phases for o in outcomes] + warm
    accepted = [o for o in every if o.reference]
    states = routed_at(db, [o.reference for o in accepted if o.reference])
    missing = [o for o in accepted if o.reference not in states]
    waiting = [r for r, (status, _s) in states.items() if status == "received"]
    by_status = Counter(status for status, _s in states.values())
    stored, decided_twice = counts(db)
    healthy_ok = [o for o in accepted if o.council in healthy]
    not_arrived = [
        o for o in healthy_ok if o.reference not in receivers[councils[o.council]].arrived
    ]
    twice = sum(receivers[councils[i]].twice() for i in healthy)
    misdirected = sum(r.misdirected for r in receivers.values())
    bad = sum(r.bad for r in receivers.values())
    print(
        f"nothing lost, nothing twice: {len(accepted)} accepted, {stored} stored "
        f"({stored - len(accepted)} stored without an accepted answer), missing {len(missing)}, "
        f"by status {dict(by_status)}, still waiting {len(waiting)}, decided twice "
        f"{decided_twice}; healthy councils received {len(healthy_ok) - len(not_arrived)}/"
        f"{len(healthy_ok)}, a webhook id accepted twice {twice}, misdirected {misdirected}, "
        f"signatures refused {bad}: "
        + met(not missing and not waiting and not decided_twice and not not_arrived and not twice)
    )
    print(
        f"(run ended {datetime.now().isoformat(timespec='seconds')}; the spike's last submit "
        f"{b_submitted - phases[1][2]:.0f} s after it began)"
    )
