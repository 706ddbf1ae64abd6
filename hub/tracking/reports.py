"""Reports: the funnel, the clocks and retention, by council, cluster, campaign or month.

``hub report NAME``, ``GET /v1/ops/reports/{name}`` (every council) and
``GET /v1/council/reports/{name}`` (the caller's own) all call :func:`build_report`.
Figures that cross councils (any report not limited to one caller's councils) suppress
counts under 5 (and the rates and medians built on them), so no enquirer can be singled out.
Reports read codes, dates and counts only: anonymisation does not change them. They read
from ``HUB_REPORTS_DATABASE_URL`` when it is set (a PostgreSQL replica), so a year's grouped
scans do not compete with intake and routing on the primary; the audit row of a read is
written to the primary.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.csv_export import rows_to_csv
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.rules import RuleSet, get_active_rules
from hub.tracking.calendar import WorkingCalendar, add_months, local_day
from hub.tracking.models import FollowUpStatus
from hub.tracking.queries import is_hub_operator
from hub.tracking.report_queries import (
    GroupBy,
    approvals,
    clock_counts,
    clock_rows,
    follow_up_counts,
    funnel_counts,
    reason_counts,
)
from hub.tracking.stages import PROGRESS, Stage

SUPPRESS_UNDER = 5
# The clock buckets whose promise is decided: met (on time or late), or past due.
DECIDED = ("met_on_time", "met_late", "breached_open", "overdue_running")


class ReportName(StrEnum):
    FUNNEL = "funnel"
    CLOCKS = "clocks"
    RETENTION = "retention"


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _rate(part: int | None, whole: int | None) -> float | None:
    if part is None or whole is None or whole == 0:
        return None
    return round(part / whole, 4)


def _percentile(values: list[tuple[int, int]], share: float) -> float | None:
    """The ``share`` quantile of weighted values [(value, count)] (nearest rank)."""
    total = sum(count for _, count in values)
    if total == 0:
        return None
    rank = max(1, math.ceil(total * share))
    seen = 0
    for value, count in sorted(values):
        seen += count
        if seen >= rank:
            return float(value)
    return float(sorted(values)[-1][0])


def suppress(row: dict[str, Any], counts: Iterable[str]) -> dict[str, Any]:
    """Counts from 1 to ``SUPPRESS_UNDER`` - 1 become None (listed in ``suppressed``)."""
    hidden = [
        name for name in counts if isinstance(row.get(name), int) and 0 < row[name] < SUPPRESS_UNDER
    ]
    for name in hidden:
        row[name] = None
    row["suppressed"] = ";".join(sorted(hidden))
    return row


def funnel(
    db: Database,
    by: GroupBy,
    start: date,
    end: date,
    scope: Collection[str] | None,
) -> list[dict[str, Any]]:
    begin, stop = _instant(start), _instant(end + timedelta(days=1))
    calendar = WorkingCalendar()
    with db.transaction() as session:
        counts = funnel_counts(session, by, begin, stop, scope)
        reasons = reason_counts(
            session,
            by,
            (Stage.WITHDRAWN, Stage.NOT_PROGRESSED, Stage.DEREGISTERED),
            begin,
            stop,
            scope,
        )
        first_contact = clock_rows(
            session, by, begin, stop, utcnow(), scope, kinds=["first_contact"], with_days=True
        )
    waits: dict[str, list[tuple[int, int]]] = defaultdict(list)
    clock_by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for clock in first_contact:
        clock_by_key[clock["key"]][clock["bucket"]] += clock["n"]
        if clock["met_on"] is not None and clock["started_on"] is not None:
            wait = calendar.working_days_between(clock["started_on"], clock["met_on"])
            waits[clock["key"]].append((wait, clock["n"]))
    reason_by_key: dict[str, dict[str, int]] = defaultdict(dict)
    for key, stage, reason, n in reasons:
        reason_by_key[key][f"{stage}:{reason}"] = n
    rows = []
    for raw in sorted(counts, key=lambda r: str(r["key"])):
        key = str(raw["key"])
        row: dict[str, Any] = {
            "key": key,
            "enquiries": int(raw["enquiries"]),
            "people": int(raw["people"]),
        }
        for stage in PROGRESS:
            row[f"reached_{stage}"] = int(raw[str(stage)] or 0)
        row["approvals"] = row[f"reached_{Stage.APPROVED}"]
        clock = clock_by_key.get(key, Counter())
        row["first_contact_decided"] = sum(int(clock.get(name) or 0) for name in DECIDED)
        row["first_contact_within_target"] = int(clock.get("met_on_time") or 0)
        waited = waits.get(key, [])
        row["first_contact_measured"] = sum(n for _, n in waited)
        row["first_contact_median_working_days"] = _percentile(waited, 0.5)
        row["first_contact_p90_working_days"] = _percentile(waited, 0.9)
        row.update(reason_by_key.get(key, {}))
        rows.append(row)
    return rows


def funnel_rates(row: dict[str, Any]) -> None:
    for stage in PROGRESS:
        row[f"conversion_{stage}"] = _rate(row[f"reached_{stage}"], row["enquiries"])
    row["first_contact_within_target_share"] = _rate(
        row["first_contact_within_target"], row["first_contact_decided"]
    )
    if row.get("first_contact_measured") is None:
        row["first_contact_median_working_days"] = None
        row["first_contact_p90_working_days"] = None


def clocks_report(
    db: Database, by: GroupBy, start: date, end: date, scope: Collection[str] | None
) -> list[dict[str, Any]]:
    begin, stop = _instant(start), _instant(end + timedelta(days=1))
    with db.transaction() as session:
        return clock_counts(session, by, begin, stop, utcnow(), scope)


def clock_rates(row: dict[str, Any]) -> None:
    parts = [row.get(name) for name in DECIDED]
    decided = None if any(p is None for p in parts) else sum(int(p or 0) for p in parts)
    row["on_time_share"] = _rate(row.get("met_on_time"), decided)


def retention_report(
    db: Database,
    by: GroupBy,
    start: date,
    end: date,
    scope: Collection[str] | None,
    rules: RuleSet,
    today: date,
) -> list[dict[str, Any]]:
    begin, stop = _instant(start), _instant(end + timedelta(days=1))
    on_time = rules.tracking.follow_ups.on_time_working_days
    calendar = WorkingCalendar()
    with db.transaction() as session:
        approved = approvals(session, by, begin, stop, scope)
        leaving = reason_counts(
            session, by, (Stage.DEREGISTERED,), begin, stop, scope, cohort="stage"
        )
        follow_ups = follow_up_counts(session, by, start, end + timedelta(days=1), scope)
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "approved": 0,
            "eligible_12_months": 0,
            "fostering_12_months_later": 0,
            "deregistered": 0,
            "follow_ups_due": 0,
            "follow_ups_done": 0,
            "follow_ups_done_on_time": 0,
        }
    )
    for key, approved_at, deregistered_at in approved:
        row = rows[key]
        row["approved"] += 1
        year_later = add_months(local_day(approved_at), 12)
        if year_later <= today:
            row["eligible_12_months"] += 1
            if deregistered_at is None or local_day(deregistered_at) > year_later:
                row["fostering_12_months_later"] += 1
    for key, _, reason, n in leaving:
        rows[key]["deregistered"] += n
        rows[key][f"deregistered:{reason}"] = n
    for key, _, due_on, status, done_on, n in follow_ups:
        row = rows[key]
        if status != FollowUpStatus.CANCELLED:
            row["follow_ups_due"] += n
        if status == FollowUpStatus.DONE:
            row["follow_ups_done"] += n
            if done_on is not None and done_on <= calendar.add_working_days(due_on, on_time):
                row["follow_ups_done_on_time"] += n
    return [{"key": key, **rows[key]} for key in sorted(rows)]


def retention_rates(row: dict[str, Any]) -> None:
    row["retained_12_months_share"] = _rate(
        row.get("fostering_12_months_later"), row.get("eligible_12_months")
    )
    row["follow_ups_on_time_share"] = _rate(
        row.get("follow_ups_done_on_time"), row.get("follow_ups_due")
    )


def build_report(
    db: Database,
    name: ReportName,
    *,
    start: date,
    end: date,
    by: GroupBy,
    scope: Collection[str] | None = None,
    rules: RuleSet | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """One report over the days [start, end]; ``scope`` limits it to those councils.

    ``today`` is the day in England (by default, now's): a carer approved a year ago today
    counts as a year on from midnight in England, not from midnight UTC.
    """
    rules = rules or get_active_rules()
    today = today or local_day(utcnow())
    source = db.for_reports()  # a replica when HUB_REPORTS_DATABASE_URL is set
    if name is ReportName.FUNNEL:
        rows, finish = funnel(source, by, start, end, scope), funnel_rates
    elif name is ReportName.CLOCKS:
        rows, finish = clocks_report(source, by, start, end, scope), clock_rates
    else:
        rows, finish = (
            retention_report(source, by, start, end, scope, rules, today),
            retention_rates,
        )
    crosses_councils = scope is None
    for row in rows:
        if crosses_councils:
            suppress(row, [k for k, v in row.items() if isinstance(v, int) and k != "key"])
        finish(row)
    return {
        "report": str(name),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by": str(by),
        "suppressed_under": SUPPRESS_UNDER if crosses_councils else None,
        "rows": rows,
    }


def report_for_caller(
    db: Database, ctx: RequestContext, name: ReportName, *, start: date, end: date, by: GroupBy
) -> dict[str, Any]:
    """The report an API caller may see: operators every council, a council its own. Audited."""
    scope = None if is_hub_operator(ctx.caller) else sorted(ctx.caller.authority_codes)
    report = build_report(db, name, start=start, end=end, by=by, scope=scope)
    with db.transaction() as session:
        add_audit_event(
            session,
            ctx,
            AuditAction.READ_REPORT,
            AuditOutcome.OK,
            visible_to=None if scope is None else ctx.caller.scope_label,
            detail={"report": str(name), "by": str(by)},
        )
    return report


def to_csv(report: dict[str, Any]) -> str:
    """The report's rows as CSV, one column per figure any row has (spreadsheet-safe)."""
    columns: list[str] = []
    for row in report["rows"]:
        columns.extend(name for name in row if name not in columns)
    return rows_to_csv(columns, report["rows"])


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False)
