"""The SQL behind the reports: counts grouped in the database, by council, cluster, campaign
or month, so a year of a million enquiries is a few grouped scans, not a million rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Date, case, cast, func, literal, select
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
from hub.tracking.models import ClockState, FollowUp, Journey, JourneyClock, JourneyStage
from hub.tracking.stages import PROGRESS, Stage, position_of


class GroupBy(StrEnum):
    COUNCIL = "council"
    CLUSTER = "cluster"
    CAMPAIGN = "campaign"
    MONTH = "month"


NO_VALUE = "(none)"


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def day_text(session: Session, column: Any) -> ColumnElement[Any]:
    """The column's UTC day: a date on PostgreSQL (a cast is cheaper than to_char on a million
    rows), 'YYYY-MM-DD' text on SQLite; :func:`as_day` reads either."""
    if _is_postgresql(session):
        return cast(func.timezone("UTC", column), Date)
    return func.substr(column, 1, 10)


def as_day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def label(value: Any) -> str:
    """A group's name: a month as 'YYYY-MM', anything else as text."""
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}"
    return str(value)


def group_key(session: Session, by: GroupBy, cohort_column: Any) -> ColumnElement[Any]:
    """Enquiries grouped by their council, cluster or campaign, or by ``cohort_column``'s month."""
    return _key(session, by, Enquiry.authority_code, Enquiry.cluster, cohort_column)


def _key(
    session: Session, by: GroupBy, council: Any, cluster: Any, month_of: Any
) -> ColumnElement[Any]:
    """The grouping expression: council or cluster (from the columns given), the enquiry's
    campaign, or the month of ``month_of`` (UTC; text 'YYYY-MM' on SQLite)."""
    if by is GroupBy.COUNCIL:
        return func.coalesce(council, NO_VALUE)
    if by is GroupBy.CLUSTER:
        return func.coalesce(cluster, NO_VALUE)
    if by is GroupBy.CAMPAIGN:
        return func.coalesce(Enquiry.campaign["utm_campaign"].as_string(), NO_VALUE)
    if _is_postgresql(session):
        return func.date_trunc("month", func.timezone("UTC", month_of))
    return func.substr(month_of, 1, 7)


def _in_scope(query: Any, scope: Collection[str] | None) -> Any:
    return query if scope is None else query.where(Enquiry.authority_code.in_(sorted(scope)))


def funnel_counts(
    session: Session, by: GroupBy, start: datetime, end: datetime, scope: Collection[str] | None
) -> list[dict[str, Any]]:
    """Per group: enquiries received in [start, end), the people who sent them, and how many
    reached each stage."""
    key = group_key(session, by, Enquiry.created_at)
    reached = [
        func.sum(case((Journey.position >= position_of(stage), 1), else_=0)).label(str(stage))
        for stage in PROGRESS
    ]
    # People: enquiries of one person (hub.enquiries.repeats) count once per group.
    people = func.count(func.distinct(func.coalesce(Enquiry.person_key, Enquiry.id)))
    query = (
        select(key.label("key"), func.count().label("enquiries"), people.label("people"), *reached)
        .select_from(Enquiry)
        .outerjoin(Journey, Journey.enquiry_id == Enquiry.id)
        .where(Enquiry.created_at >= start, Enquiry.created_at < end)
        .group_by(key)
    )
    return [
        {**row._mapping, "key": label(row.key)} for row in session.execute(_in_scope(query, scope))
    ]


def reason_counts(
    session: Session,
    by: GroupBy,
    stages: Collection[Stage],
    start: datetime,
    end: datetime,
    scope: Collection[str] | None,
    *,
    cohort: str = "enquiry",
) -> list[tuple[str, str, str, int]]:
    """(key, stage, reason, count) for stages recorded with a reason.

    ``cohort`` ``enquiry``: enquiries received in the period; ``stage``: stages that
    happened in the period.
    """
    cohort_column = Enquiry.created_at if cohort == "enquiry" else JourneyStage.occurred_at
    key = group_key(session, by, cohort_column)
    query = (
        select(key, JourneyStage.stage, JourneyStage.reason, func.count())
        .select_from(JourneyStage)
        .join(Enquiry, Enquiry.id == JourneyStage.enquiry_id)
        .where(
            JourneyStage.stage.in_([str(s) for s in stages]),
            cohort_column >= start,
            cohort_column < end,
        )
        .group_by(key, JourneyStage.stage, JourneyStage.reason)
    )
    return [
        (label(k), str(stage), str(reason or NO_VALUE), int(n))
        for k, stage, reason, n in session.execute(_in_scope(query, scope))
    ]


BUCKETS = (
    "met_on_time",
    "met_late",
    "breached_open",
    "overdue_running",
    "running",
    "paused",
    "stopped",
)


def clock_key(session: Session, by: GroupBy) -> ColumnElement[Any]:
    """Clocks are grouped by the council that held the referral when the clock started (its
    own columns: no join with the enquiries), or by the enquiry's campaign."""
    return _key(
        session, by, JourneyClock.authority_code, JourneyClock.cluster, JourneyClock.started_at
    )


def clock_rows(
    session: Session,
    by: GroupBy,
    start: datetime,
    end: datetime,
    now: datetime,
    scope: Collection[str] | None,
    *,
    kinds: Collection[str] | None = None,
    with_days: bool = False,
) -> list[dict[str, Any]]:
    """Clocks started in [start, end), counted per group, kind and bucket (met on time, met
    late, breached and still open, ...); with ``with_days`` also per (day started, day met)."""
    key = clock_key(session, by)
    met = JourneyClock.met_at.is_not(None)
    running = JourneyClock.state == ClockState.RUNNING
    bucket = case(
        (met & (JourneyClock.met_at < JourneyClock.due_at), "met_on_time"),
        (met, "met_late"),
        (JourneyClock.state == ClockState.BREACHED, "breached_open"),
        (running & (JourneyClock.due_at <= literal(now)), "overdue_running"),
        (running, "running"),
        (JourneyClock.state == ClockState.PAUSED, "paused"),
        else_="stopped",
    )
    columns: list[Any] = [key.label("key"), JourneyClock.kind.label("kind"), bucket.label("bucket")]
    if with_days:
        columns += [
            day_text(session, JourneyClock.started_at).label("started_on"),
            day_text(session, JourneyClock.met_at).label("met_on"),
        ]
    query = select(*columns, func.count().label("n")).select_from(JourneyClock)
    if by is GroupBy.CAMPAIGN:
        query = query.join(Enquiry, Enquiry.id == JourneyClock.enquiry_id)
    query = query.where(
        JourneyClock.started_at >= start,
        JourneyClock.started_at < end,
        # The applicant's windows are no promise: they are never met nor breached.
        JourneyClock.state != ClockState.WINDOW,
    )
    if kinds is not None:
        query = query.where(JourneyClock.kind.in_(sorted(kinds)))
    if scope is not None:
        query = query.where(JourneyClock.authority_code.in_(sorted(scope)))
    query = query.group_by(*columns)
    rows = []
    for row in session.execute(query):
        found = {**row._mapping, "key": label(row.key), "n": int(row.n)}
        if with_days:
            found["started_on"] = as_day(row.started_on)
            found["met_on"] = as_day(row.met_on)
        rows.append(found)
    return rows


def clock_counts(
    session: Session,
    by: GroupBy,
    start: datetime,
    end: datetime,
    now: datetime,
    scope: Collection[str] | None,
) -> list[dict[str, Any]]:
    """Per group and clock kind: started, and how many fell in each bucket."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for row in clock_rows(session, by, start, end, now, scope):
        entry = totals.setdefault(
            (row["key"], row["kind"]),
            {"key": row["key"], "kind": row["kind"], "started": 0, **dict.fromkeys(BUCKETS, 0)},
        )
        entry["started"] += row["n"]
        entry[row["bucket"]] += row["n"]
    return [totals[k] for k in sorted(totals)]


def approvals(
    session: Session, by: GroupBy, start: datetime, end: datetime, scope: Collection[str] | None
) -> list[tuple[str, datetime, datetime | None]]:
    """(key, approved at, deregistered at) of carers approved in the period."""
    key = group_key(session, by, Journey.approved_at)
    query = (
        select(key, Journey.approved_at, Journey.deregistered_at)
        .select_from(Journey)
        .join(Enquiry, Enquiry.id == Journey.enquiry_id)
        .where(Journey.approved_at >= start, Journey.approved_at < end)
    )
    return [(label(k), a, d) for k, a, d in session.execute(_in_scope(query, scope))]


def follow_up_counts(
    session: Session, by: GroupBy, start: date, end: date, scope: Collection[str] | None
) -> list[tuple[str, str, date, str, date | None, int]]:
    """(key, kind, due day, status, day done, count) of follow-ups due in [start, end)."""
    key = group_key(session, by, FollowUp.due_on)
    if by is GroupBy.MONTH:
        key = func.substr(func.cast(FollowUp.due_on, Enquiry.reference.type), 1, 7)
    done = day_text(session, FollowUp.completed_at)
    query = (
        select(key, FollowUp.kind, FollowUp.due_on, FollowUp.status, done, func.count())
        .select_from(FollowUp)
        .join(Enquiry, Enquiry.id == FollowUp.enquiry_id)
        .where(FollowUp.due_on >= start, FollowUp.due_on < end)
        .group_by(key, FollowUp.kind, FollowUp.due_on, FollowUp.status, done)
    )
    return [
        (label(k), str(kind), due, str(status), as_day(d), int(n))
        for k, kind, due, status, d, n in session.execute(_in_scope(query, scope))
    ]
