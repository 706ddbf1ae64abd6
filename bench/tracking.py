"""The tracking store at national scale: a year of generated enquiries with journeys.

Generates N enquiries (default one million) spread over the last 365 days on PostgreSQL, with
SQL (``generate_series``, not the ORM): routing decisions, journeys at every stage, their
stages, clocks and follow-ups, in the proportions of FACTS.md (most enquiries stop after first
contact, a few per cent apply, fewer are approved). The sweep cursors are set as if beat had
been running, and the last minutes carry fresh work (new decisions, clocks just due).

Then it runs the real sweeps (``sweep_clocks``, ``create_follow_ups``, the daily digest) twice
each, prints their times, captures every SELECT they ran and prints its EXPLAIN plan, failing
if any reads a big table by a sequential scan (goal: under 1 s a sweep); and times the funnel
report over the year (goal: under 5 s).

    HUB_GEO_DIR=/work/geo-cache python bench/tracking.py [--enquiries N] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BIG_TABLES = (
    "enquiries",
    "routing_decisions",
    "journeys",
    "journey_stages",
    "journey_clocks",
    "follow_ups",
)
SOUTH_EAST = "Local Authority Fostering South East"
COUNCILS = [  # 15 in the South East cluster, 5 outside any cluster
    ("E06000044", SOUTH_EAST), ("E06000043", SOUTH_EAST), ("E10000016", SOUTH_EAST),
    ("E10000025", SOUTH_EAST), ("E06000037", SOUTH_EAST), ("E06000035", SOUTH_EAST),
    ("E06000041", SOUTH_EAST), ("E06000039", SOUTH_EAST), ("E06000036", SOUTH_EAST),
    ("E10000030", SOUTH_EAST), ("E10000014", SOUTH_EAST), ("E06000045", SOUTH_EAST),
    ("E06000046", SOUTH_EAST), ("E10000032", SOUTH_EAST), ("E10000011", SOUTH_EAST),
    ("E08000025", None), ("E08000028", None), ("E08000024", None), ("E08000032", None),
    ("E10000034", None),
]  # fmt: skip


@contextmanager
def bench_database() -> Iterator[str]:
    name = f"hub_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if "--keep" in sys.argv:
            print(f"kept database {name} (drop it when done)")
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(url: str, n: int, now: datetime) -> dict[str, float]:
    """Fill the store with SQL; return seconds per table."""
    from hub.platform.crypto import get_cipher

    cipher = get_cipher()
    personal = cipher.encrypt_json({"given_name": "Sam", "postcode": "ME14 1XQ"})
    trace = cipher.encrypt_json({"trace": []})
    explanation = cipher.encrypt_json("Generated for the benchmark.")
    codes = "(ARRAY[" + ",".join(f"'{code}'" for code, _ in COUNCILS) + "])"
    clusters = "(ARRAY[" + ",".join(f"'{c}'" if c else "NULL" for _, c in COUNCILS) + "]::text[])"
    span = 365 * 86400
    params = {"n": n, "now": now, "start": now - timedelta(days=365), "span": span}
    # s: one row per enquiry: i, its time t, a pseudo-random h in 0..99, its council.
    base = f"""
        SELECT i, %(start)s + (i::float8 * %(span)s / %(n)s) * interval '1 second' AS t,
               (i::bigint * 7919) %% 100 AS h, {codes}[1 + i %% 20] AS code,
               {clusters}[1 + i %% 20] AS cluster
        FROM generate_series(1, %(n)s) AS i
    """
    steps = {
        "enquiries": f"""
            INSERT INTO enquiries (id, reference, status, status_changed_at, created_at,
                personal, interest, campaign, consent_privacy_notice, consent_keep_in_touch,
                authority_code, authority_name, cluster, acknowledged_at, row_version)
            SELECT i, 'FB' || lpad(i::text, 10, '0'),
                   CASE WHEN t > %(now)s - interval '1 day' THEN 'routed' ELSE 'acknowledged' END,
                   t + interval '5 minutes', t, %(personal)s, 'mainstream',
                   json_build_object('utm_campaign',
                       (ARRAY['spring', 'summer', 'national', 'local'])[1 + i %% 4]),
                   true, i %% 3 = 0, code, code, cluster,
                   CASE WHEN t > %(now)s - interval '1 day' THEN NULL
                        ELSE t + interval '1 day' END, 1
            FROM ({base}) s""",
        "routing_decisions": f"""
            INSERT INTO routing_decisions (enquiry_id, decided_at, decided_by, outcome,
                authority_code, cluster, reason_code, rules_version, geography_version,
                detail, explanation)
            SELECT i, t + interval '5 minutes', 'router', 'routed', code, cluster, 'default',
                   '2025.1', 'bench', %(trace)s, %(explanation)s
            FROM ({base}) s""",
        # 70% of enquiries older than two days reach first contact; their last stage by h.
        "journeys": f"""
            INSERT INTO journeys (enquiry_id, stage, position, stage_at, changed_at,
                first_contact_at, application_at, approved_at, ended_at, deregistered_at)
            SELECT i, stage, position, stage_at, stage_at, t + interval '1 day',
                   CASE WHEN position >= 4 THEN t + interval '30 days' END,
                   CASE WHEN stage = 'approved' THEN stage_at END,
                   CASE WHEN stage IN ('withdrawn', 'not_progressed') THEN stage_at END, NULL
            FROM (
                SELECT i, t, CASE
                    WHEN h < 55 THEN 'first_contact' WHEN h < 70 THEN 'initial_visit'
                    WHEN h < 80 THEN 'withdrawn' WHEN h < 86 THEN 'application'
                    WHEN h < 90 THEN 'stage_two'
                    WHEN h < 94 AND t < %(now)s - interval '250 days' THEN 'approved'
                    WHEN h < 94 THEN 'application' ELSE 'not_progressed' END AS stage,
                  CASE
                    WHEN h < 55 THEN 1 WHEN h < 70 THEN 3 WHEN h < 80 THEN 1 WHEN h < 86 THEN 4
                    WHEN h < 90 THEN 7
                    WHEN h < 94 AND t < %(now)s - interval '250 days' THEN 10
                    WHEN h < 94 THEN 4 ELSE 2 END AS position,
                  t + CASE WHEN h < 55 THEN interval '1 day' WHEN h < 80 THEN interval '12 days'
                           WHEN h < 94 AND t < %(now)s - interval '250 days'
                               THEN interval '240 days'
                           ELSE interval '40 days' END AS stage_at
                FROM ({base}) s WHERE i %% 10 < 7 AND t < %(now)s - interval '45 days'
                   OR (i %% 10 < 7 AND h < 55 AND t < %(now)s - interval '2 days')
            ) j""",
        "journey_stages": """
            INSERT INTO journey_stages (enquiry_id, stage, occurred_at, recorded_at,
                authority_code, actor, reason)
            SELECT j.enquiry_id, 'first_contact', j.first_contact_at, j.first_contact_at,
                   e.authority_code, 'bench', NULL::text
            FROM journeys j JOIN enquiries e ON e.id = j.enquiry_id
            UNION ALL
            SELECT j.enquiry_id, j.stage, j.stage_at, j.stage_at, e.authority_code, 'bench',
                   CASE j.stage WHEN 'withdrawn' THEN (ARRAY['timing', 'finances',
                       'assessment_delays_or_communication', 'household_change'])
                       [1 + j.enquiry_id %% 4]
                       WHEN 'not_progressed' THEN 'not_eligible' END
            FROM journeys j JOIN enquiries e ON e.id = j.enquiry_id
            WHERE j.stage <> 'first_contact'""",
        "journey_clocks": f"""
            INSERT INTO journey_clocks (enquiry_id, kind, authority_code, cluster, target,
                started_at, due_at, state, met_at, breached_at, stopped_at, breach_notified_at)
            SELECT s.i, 'first_contact', code, cluster, '1 working days',
                   t + interval '5 minutes', t + interval '1 day',
                   CASE WHEN j.enquiry_id IS NOT NULL THEN 'met'
                        WHEN t + interval '1 day' > %(now)s - interval '5 minutes' THEN 'running'
                        ELSE 'breached' END,
                   j.first_contact_at,
                   CASE WHEN j.enquiry_id IS NULL
                         AND t + interval '1 day' <= %(now)s - interval '5 minutes'
                        THEN t + interval '1 day' END, NULL::timestamptz,
                   CASE WHEN j.enquiry_id IS NULL
                         AND t + interval '1 day' <= %(now)s - interval '5 minutes'
                        THEN t + interval '1 day' END
            FROM ({base}) s LEFT JOIN journeys j ON j.enquiry_id = s.i
            UNION ALL
            SELECT j.enquiry_id, 'initial_visit', e.authority_code, e.cluster,
                   '10 working days', j.first_contact_at, j.first_contact_at + interval '14 days',
                   CASE WHEN j.position >= 3 THEN 'met'
                        WHEN j.stage IN ('withdrawn', 'not_progressed') THEN 'stopped'
                        WHEN j.first_contact_at + interval '14 days' > %(now)s THEN 'running'
                        ELSE 'breached' END,
                   CASE WHEN j.position >= 3 THEN j.first_contact_at + interval '9 days' END,
                   NULL::timestamptz, NULL::timestamptz, NULL::timestamptz
            FROM journeys j JOIN enquiries e ON e.id = j.enquiry_id""",
        "follow_ups": """
            INSERT INTO follow_ups (enquiry_id, kind, occurrence, due_on, owner, status,
                needs_consent, created_at, outcome_detail, completed_at, outcome)
            SELECT j.enquiry_id, 'stalled_enquiry', 0,
                   (j.first_contact_at + interval '14 days')::date, 'council',
                   CASE WHEN j.first_contact_at < %(now)s - interval '44 days' THEN 'done'
                        ELSE 'due' END,
                   false, j.first_contact_at, '{}'::json,
                   CASE WHEN j.first_contact_at < %(now)s - interval '44 days'
                        THEN j.first_contact_at + interval '15 days' END,
                   CASE WHEN j.first_contact_at < %(now)s - interval '44 days'
                        THEN 'reached' END
            FROM journeys j WHERE j.stage = 'first_contact'
            UNION ALL
            SELECT j.enquiry_id, 'retention_check_in', m,
                   (j.approved_at + m * interval '1 month')::date, 'council',
                   CASE WHEN j.approved_at + m * interval '1 month' < %(now)s THEN 'done'
                        ELSE 'due' END,
                   false, j.approved_at, '{}'::json,
                   CASE WHEN j.approved_at + m * interval '1 month' < %(now)s
                        THEN j.approved_at + m * interval '1 month' + interval '2 days' END,
                   CASE WHEN j.approved_at + m * interval '1 month' < %(now)s
                        THEN 'continuing' END
            FROM journeys j CROSS JOIN unnest(ARRAY[1, 3, 6, 12]) AS m
            WHERE j.stage = 'approved'""",
    }
    seconds: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table, sql in steps.items():
            started = time.perf_counter()
            conn.execute(
                sql,
                {
                    **params,
                    "personal": personal,
                    "trace": trace,  # type: ignore[arg-type]
                    "explanation": explanation,
                },
            )
            seconds[table] = time.perf_counter() - started
        conn.execute("SELECT setval(pg_get_serial_sequence('enquiries', 'id'), %(n)s)", params)
        # Beat has been running: the cursors are where the last runs left them.
        conn.execute(
            "INSERT INTO tracking_sweep_marks (name, swept_to) VALUES "
            "('first_contact_clocks', %(a)s), ('follow_ups', %(b)s), ('follow_up_digest', %(c)s)",
            {
                "a": now - timedelta(minutes=5),
                "b": now - timedelta(hours=1),
                "c": now - timedelta(days=1),
            },
        )
        # A few journeys changed in the last hour (councils at work).
        conn.execute(
            "UPDATE journeys SET changed_at = %(now)s - (enquiry_id %% 3600) * interval '1 second'"
            " WHERE enquiry_id %% 997 = 0 AND stage = 'first_contact'",
            params,
        )
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        seconds["vacuum analyze"] = time.perf_counter() - started
    return seconds


@contextmanager
def capture_selects(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """Every distinct SELECT the engine runs, with its parameters."""
    seen: dict[str, Any] = {}

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and statement not in seen:
            seen[statement] = parameters

    event.listen(engine, "before_cursor_execute", remember)
    captured: list[tuple[str, Any]] = []
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", remember)
        captured.extend(seen.items())


def explain(engine: Any, statement: str, parameters: Any) -> list[str]:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN " + statement, parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        raw.close()


def timed(label: str, work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"  {label:<42} {elapsed * 1000:9.1f} ms   {result}")
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enquiries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    from config.settings import get_settings
    from hub.platform.db import Database
    from hub.platform.migrate import upgrade
    from hub.process_settings import use_settings
    from hub.rules import get_active_rules
    from hub.tracking.create_follow_ups import create_follow_ups
    from hub.tracking.report_queries import GroupBy
    from hub.tracking.reports import ReportName, build_report
    from hub.tracking.send_digest import send_follow_up_digest
    from hub.tracking.sweep_clocks import sweep_clocks

    settings = use_settings(get_settings())  # this process's edge
    rules = get_active_rules()
    now = datetime.now(UTC)
    failures: list[str] = []
    with bench_database() as url:
        upgrade(url)
        started = time.perf_counter()
        seconds = generate(url, args.enquiries, now)
        print(f"generated {args.enquiries:,} enquiries in {time.perf_counter() - started:.1f} s:")
        for table, spent in seconds.items():
            print(f"  {table:<20} {spent:7.1f} s")
        db = Database(settings, url=url)
        with psycopg.connect(url) as conn:
            for table in BIG_TABLES:
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
                print(f"  rows in {table:<18} {count[0] if count else 0:>10,}")
        sweeps: list[tuple[str, Callable[[], Any]]] = [
            ("sweep_clocks", lambda: sweep_clocks(db, rules=rules)),
            ("create_follow_ups", lambda: create_follow_ups(db, rules=rules)),
            ("send_follow_up_digest", lambda: len(send_follow_up_digest(db))),
        ]
        print("sweeps (each run twice: the second finds nothing new; goal < 1 s):")
        statements: list[tuple[str, Any]] = []
        for name, work in sweeps:
            with capture_selects(db.engine) as captured:
                first, _ = timed(f"{name} (first run)", work)
            timed(f"{name} (second run)", work)
            statements.extend(captured)
            if first > 1.0:
                failures.append(f"{name} took {first:.2f} s")
        print("plans of every SELECT the sweeps ran:")
        for statement, parameters in statements:
            plan = explain(db.engine, statement, parameters)
            summary = " ".join(statement.split())[:110]
            print(f"  -- {summary}")
            for line in plan[:8]:
                print(f"     {line[:150]}")
            for table in BIG_TABLES:
                if re.search(rf"Seq Scan on {table}\b", "\n".join(plan)):
                    failures.append(f"sequential scan on {table}: {summary}")
        year = (now - timedelta(days=365)).date(), now.date()
        print("reports over the year (goal < 5 s):")
        for by in (GroupBy.COUNCIL, GroupBy.MONTH):
            elapsed, _ = timed(
                f"funnel by {by}",
                lambda by=by: len(
                    build_report(
                        db, ReportName.FUNNEL, start=year[0], end=year[1], by=by, rules=rules
                    )["rows"]
                ),
            )
            if elapsed > 5:
                failures.append(f"funnel by {by} took {elapsed:.1f} s")
        for name in (ReportName.CLOCKS, ReportName.RETENTION):
            timed(
                f"{name} by council",
                lambda name=name: len(
                    build_report(
                        db, name, start=year[0], end=year[1], by=GroupBy.COUNCIL, rules=rules
                    )["rows"]
                ),
            )
        db.dispose()
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
