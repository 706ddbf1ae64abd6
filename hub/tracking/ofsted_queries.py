"""The SQL behind Ofsted's fostering data return: counts grouped by council in the database.

Each function counts one column family of the return for the instants [start, end) and, with
``scope``, only the councils named. A referral counts for the council that holds it now (a
transfer carries its journey with it, as everywhere in the tracking room).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from hub.enquiries.models import Enquiry
from hub.tracking.models import Journey, JourneyStage
from hub.tracking.ofsted_reasons import OfstedWithdrawal
from hub.tracking.stages import Stage

ALL = "all"  # the key of the row across every council in scope
# Stages that show the assessment reached panel (a withdrawal after them is not "before panel").
AT_OR_AFTER_PANEL = (Stage.PANEL, Stage.ADM_DECISION, Stage.REFUSED, Stage.APPROVED)


def _in_scope(query: Any, scope: Collection[str] | None) -> Any:
    query = query.where(Enquiry.authority_code.is_not(None))
    return query if scope is None else query.where(Enquiry.authority_code.in_(sorted(scope)))


def initial_enquiries(
    session: Session, start: datetime, end: datetime, scope: Collection[str] | None
) -> dict[str, int]:
    """People whose enquiry the hub passed to a council in the year: per council, and across
    them (``ALL``), each person once (``person_key``: hub.enquiries.repeats)."""
    person = func.coalesce(Enquiry.person_key, -Enquiry.id)
    base = select(Enquiry.authority_code, person.label("person")).where(
        Enquiry.created_at >= start, Enquiry.created_at < end
    )
    rows = _in_scope(base, scope).subquery()
    per_council = select(rows.c.authority_code, func.count(func.distinct(rows.c.person))).group_by(
        rows.c.authority_code
    )
    found = {str(code): int(n) for code, n in session.execute(per_council)}
    found[ALL] = int(session.scalar(select(func.count(func.distinct(rows.c.person)))) or 0)
    return found


def stage_counts(
    session: Session,
    stage: Stage,
    start: datetime,
    end: datetime,
    scope: Collection[str] | None,
) -> dict[str, int]:
    """Households (enquiries) with ``stage`` recorded in the year, per council and across."""
    query = (
        select(Enquiry.authority_code, func.count(func.distinct(JourneyStage.enquiry_id)))
        .select_from(JourneyStage)
        .join(Enquiry, Enquiry.id == JourneyStage.enquiry_id)
        .where(
            JourneyStage.stage == stage,
            JourneyStage.occurred_at >= start,
            JourneyStage.occurred_at < end,
        )
        .group_by(Enquiry.authority_code)
    )
    found = {str(code): int(n) for code, n in session.execute(_in_scope(query, scope))}
    found[ALL] = sum(found.values())
    return found


def applications(
    session: Session, start: datetime, end: datetime, scope: Collection[str] | None
) -> dict[str, int]:
    """Applications made in the year: the day the journey reached the application."""
    query = (
        select(Enquiry.authority_code, func.count())
        .select_from(Journey)
        .join(Enquiry, Enquiry.id == Journey.enquiry_id)
        .where(Journey.application_at >= start, Journey.application_at < end)
        .group_by(Enquiry.authority_code)
    )
    found = {str(code): int(n) for code, n in session.execute(_in_scope(query, scope))}
    found[ALL] = sum(found.values())
    return found


def withdrawals_before_panel(
    session: Session, start: datetime, end: datetime, scope: Collection[str] | None
) -> dict[tuple[str, str], int]:
    """(council, AW code) -> applicants who withdrew in the year after applying and before
    panel. A reason stored without a code counts as AW0 (other or unknown)."""
    earlier = aliased(JourneyStage)
    reached_panel = exists().where(
        earlier.enquiry_id == JourneyStage.enquiry_id,
        earlier.stage.in_([str(s) for s in AT_OR_AFTER_PANEL]),
        earlier.occurred_at <= JourneyStage.occurred_at,
    )
    code = JourneyStage.ofsted_code
    query = (
        select(Enquiry.authority_code, code, func.count())
        .select_from(JourneyStage)
        .join(Enquiry, Enquiry.id == JourneyStage.enquiry_id)
        .join(Journey, Journey.enquiry_id == JourneyStage.enquiry_id)
        .where(
            JourneyStage.stage == Stage.WITHDRAWN,
            JourneyStage.occurred_at >= start,
            JourneyStage.occurred_at < end,
            and_(
                Journey.application_at.is_not(None),
                Journey.application_at <= JourneyStage.occurred_at,
            ),
            ~reached_panel,
        )
        .group_by(Enquiry.authority_code, code)
    )
    found: dict[tuple[str, str], int] = {}
    for council, aw, n in session.execute(_in_scope(query, scope)):
        key = (str(council), str(aw or OfstedWithdrawal.AW0))
        found[key] = found.get(key, 0) + int(n)
    return found


def deregistrations(
    session: Session, start: datetime, end: datetime, scope: Collection[str] | None
) -> dict[tuple[str, str, str], int]:
    """(council, Ofsted's leaving reason, the hub's reason) -> deregistrations in the year."""
    query = (
        select(Enquiry.authority_code, JourneyStage.ofsted_code, JourneyStage.reason, func.count())
        .select_from(JourneyStage)
        .join(Enquiry, Enquiry.id == JourneyStage.enquiry_id)
        .where(
            JourneyStage.stage == Stage.DEREGISTERED,
            JourneyStage.occurred_at >= start,
            JourneyStage.occurred_at < end,
        )
        .group_by(Enquiry.authority_code, JourneyStage.ofsted_code, JourneyStage.reason)
    )
    found: dict[tuple[str, str, str], int] = {}
    for council, ofsted, reason, n in session.execute(_in_scope(query, scope)):
        key = (str(council), str(ofsted or "other"), str(reason or "other"))
        found[key] = found.get(key, 0) + int(n)
    return found
