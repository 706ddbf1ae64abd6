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
from hub.tracking.models import FollowUp, Journey, JourneyClock, JourneyStage
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
    if by is GroupBy.COUNCIL:
        return func.coalesce(Enquiry.authority_code, NO_VALUE)
    if by is GroupBy.CLUSTER:
        return func.coalesce(Enquiry.cluster, NO_VALUE)
    if by is GroupBy.CAMPAIGN:
        return func.coalesce(Enquiry.campaign["utm_campaign"].as_string(), NO_VALUE)
    if _is_postgresql(session):
        return func.date_trunc("month", func.timezone("UTC", cohort_column))
    return func.substr(cohort_column, 1, 7)


def _in_scope(query: Any, scope: Collection[str] | None) -> Any:
    return query if scope is None else query.where(Enquiry.authority_code.in_(sorted(scope)))


def funnel_counts(
    session: Session, by: GroupBy, start: datetime, end: datetime, scope: Collection[str] | None
) -> list[dict[str, Any]]:
    """Per group: enquiries received in [start, end), and how many reached each stage."""
    key = group_key(session, by, Enquiry.created_at)
    reached = [
        func.sum(case((Journey.position >= position_of(stage), 1), else_=0)).label(str(stage))
        for stage in PROGRESS
    ]
    query = (
        select(key.label("key"), func.count().label("enquiries"), *reached)
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


def first_contact_days(
    session: Session, by: GroupBy, start: datetime, end: datetime, scope: Collection[str] | None
) -> list[tuple[str, date, date, int]]:
    """(key, day routed, day of first contact, count) of met first-contact clocks."""
    key = group_key(session, by, Enquiry.created_at)
    started = day_text(session, JourneyClock.started_at)
    met = day_text(session, JourneyClock.met_at)
    query = (
        select(key, started, met, func.count())
        .select_from(JourneyClock)
        .join(Enquiry, Enquiry.id == JourneyClock.enquiry_id)
        .where(
            JourneyClock.kind == "first_contact",
            JourneyClock.met_at.is_not(None),
            Enquiry.created_at >= start,
            Enquiry.created_at < end,
        )
        .group_by(key, started, met)
    )
    found = []
    for k, s, m, n in session.execute(_in_scope(query, scope)):
        started_on, met_on = as_day(s), as_day(m)
        if started_on is not None and met_on is not None:
            found.append((label(k), started_on, met_on, int(n)))
    return found


def clock_counts(
    session: Session,
    by: GroupBy,
    start: datetime,
    end: datetime,
    now: datetime,
    scope: Collection[str] | None,
    *,
    kinds: Collection[str] | None = None,
    cohort: str = "clock",
) -> list[dict[str, Any]]:
    """Per group and clock kind: started, met on time, met late, breached and open, ..."""
    cohort_column = JourneyClock.started_at if cohort == "clock" else Enquiry.created_at
    key = group_key(session, by, cohort_column)
    met = JourneyClock.met_at.is_not(None)

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            key.label("key"),
            JourneyClock.kind.label("kind"),
            func.count().label("started"),
            count_if(met & (JourneyClock.met_at < JourneyClock.due_at)).label("met_on_time"),
            count_if(met & (JourneyClock.met_at >= JourneyClock.due_at)).label("met_late"),
            count_if(~met & (JourneyClock.state == "breached")).label("breached_open"),
            count_if(
                (JourneyClock.state == "running") & (JourneyClock.due_at <= literal(now))
            ).label("overdue_running"),
            count_if(
                (JourneyClock.state == "running") & (JourneyClock.due_at > literal(now))
            ).label("running"),
            count_if(JourneyClock.state == "paused").label("paused"),
            count_if(~met & (JourneyClock.state == "stopped")).label("stopped"),
        )
        .select_from(JourneyClock)
        .join(Enquiry, Enquiry.id == JourneyClock.enquiry_id)
        .where(cohort_column >= start, cohort_column < end)
        .group_by(key, JourneyClock.kind)
    )
    if kinds is not None:
        query = query.where(JourneyClock.kind.in_(sorted(kinds)))
    return [
        {**row._mapping, "key": label(row.key)} for row in session.execute(_in_scope(query, scope))
    ]


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
