"""The duty tray: the caller's referrals with their stage, owner, next deadline and flags,
what is due first at the top. Scoped (``scoped_referrals``) and audited (names are shown).

Views: ``unallocated`` (no owner), ``mine`` (owned by the calling staff member), ``team``
(all). Filters: journey stage (``none``: no stage yet), owner (a staff id, or ``none``), clock
state (``breached``, ``running``, ``none``), the day received from and to (England). Without a
stage filter, journeys that ended (withdrawn, not progressed) are left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.booking_rules import stage_position
from hub.casework.models import Booking, BookingKind, BookingState, ReferralOwner
from hub.casework.queries import addresses_of, latest_decision_id_column
from hub.enquiries.models import Enquiry, RepeatMatch
from hub.platform.db import Database
from hub.platform.models import UTCDateTime
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.queries import scoped_referrals
from hub.rules.tracking_policy import FollowUpOwner
from hub.tracking.calendar import ENGLAND, end_of_day, local_day
from hub.tracking.models import (
    AssessmentTask,
    AssessmentTaskStatus,
    ClockState,
    FollowUp,
    FollowUpStatus,
    Journey,
    JourneyClock,
)

TRAY_CURSOR = "tray"
# The sort key of a referral with no running clock: after every real deadline.
_NO_DEADLINE = datetime(2200, 1, 1, tzinfo=UTC)


class TrayView(StrEnum):
    UNALLOCATED = "unallocated"
    MINE = "mine"
    TEAM = "team"


class ClockFilter(StrEnum):
    BREACHED = "breached"  # a clock past its due time and not met
    RUNNING = "running"  # a clock running, not yet due
    NONE = "none"  # no open clock


NO_STAGE = "none"
NO_OWNER = "none"


def _open_clock(now: datetime, *, breached: bool) -> Any:
    unmet = and_(JourneyClock.enquiry_id == Enquiry.id, JourneyClock.met_at.is_(None))
    if breached:
        late = or_(
            JourneyClock.state == ClockState.BREACHED,
            and_(JourneyClock.state == ClockState.RUNNING, JourneyClock.due_at <= now),
        )
    else:
        late = and_(JourneyClock.state == ClockState.RUNNING, JourneyClock.due_at > now)
    return exists().where(unmet, late).correlate(Enquiry)


def _open_bookings(column: Any) -> Any:
    """A select of ``column`` over the referral's open bookings (booked, the stage not yet
    recorded, the journey not ended), correlated on Enquiry."""
    journey = aliased(Journey)
    reached = func.coalesce(journey.position, 0)
    return (
        select(column)
        .select_from(Booking)
        .outerjoin(journey, journey.enquiry_id == Booking.enquiry_id)
        .where(
            Booking.enquiry_id == Enquiry.id,
            Booking.authority_code == Enquiry.authority_code,
            Booking.state == BookingState.BOOKED,
            journey.ended_at.is_(None),
            or_(
                and_(
                    Booking.kind == BookingKind.INITIAL_VISIT,
                    reached < stage_position(BookingKind.INITIAL_VISIT),
                ),
                and_(
                    Booking.kind == BookingKind.INFORMATION_SESSION,
                    reached < stage_position(BookingKind.INFORMATION_SESSION),
                ),
            ),
        )
        .correlate(Enquiry)
    )


def _overdue_task(now: datetime) -> Any:
    """A Stage 1 task (consultation, reference) not received by the end of its due day."""
    return (
        exists()
        .where(
            AssessmentTask.enquiry_id == Enquiry.id,
            AssessmentTask.status != AssessmentTaskStatus.DONE,
            AssessmentTask.due_on < local_day(now),
            # Not a consultation of the council that holds it now (hub.tracking.assessment_tasks).
            or_(
                AssessmentTask.consulted_code.is_(None),
                AssessmentTask.consulted_code != Enquiry.authority_code,
            ),
        )
        .correlate(Enquiry)
    )


def read_tray(
    db: Database,
    ctx: RequestContext,
    *,
    view: str = TrayView.TEAM,
    stage: str | None = None,
    owner: str | None = None,
    clock: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> dict[str, Any]:
    """One page of the tray, due first; the read is audited (the names are shown)."""
    caller = ctx.caller
    query, sort_key = tray_query(
        ctx,
        view=view,
        stage=stage,
        owner=owner,
        clock=clock,
        received_from=received_from,
        received_to=received_to,
    )
    if cursor:
        after_key, after_id = decode_cursor(TRAY_CURSOR, cursor)
        query = query.where(
            or_(sort_key > after_key, and_(sort_key == after_key, Enquiry.id > after_id))
        )
    query = query.limit(limit + 1)
    with db.transaction() as session:
        rows = session.execute(query).all() if caller.authority_codes else []
        page = rows[:limit]
        names = addresses_of(session, [row.user_id for row in page if row.user_id is not None])
        items = [_item(row, names) for row in page]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_TRAY,
            AuditOutcome.OK,
            detail={"count": len(page), "references": [row[0].reference for row in page]},
        )
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = encode_cursor(TRAY_CURSOR, last.sort_key, last[0].id)
    return {"items": items, "next_cursor": next_cursor}


def tray_query(
    ctx: RequestContext,
    *,
    view: str,
    stage: str | None,
    owner: str | None,
    clock: str | None,
    received_from: date | None,
    received_to: date | None,
) -> tuple[Select[Any], Any]:
    """The tray's query, due first, and its sort key (for the cursor)."""
    caller = ctx.caller
    due = (
        select(func.min(JourneyClock.due_at))
        .where(
            JourneyClock.enquiry_id == Enquiry.id,
            JourneyClock.state == ClockState.RUNNING,
            JourneyClock.met_at.is_(None),
        )
        .correlate(Enquiry)
        .scalar_subquery()
    )
    follow_up_due = (
        select(func.min(FollowUp.due_on))
        .where(
            FollowUp.enquiry_id == Enquiry.id,
            FollowUp.status == FollowUpStatus.DUE,
            FollowUp.owner == FollowUpOwner.COUNCIL,
        )
        .correlate(Enquiry)
        .scalar_subquery()
    )
    booking_due = _open_bookings(func.min(Booking.starts_at)).scalar_subquery()
    overdue = exists(_open_bookings(Booking.id).where(Booking.starts_at <= ctx.now))
    clock_key = func.coalesce(due, literal(_NO_DEADLINE, UTCDateTime()), type_=UTCDateTime())
    booking_key = func.coalesce(
        booking_due, literal(_NO_DEADLINE, UTCDateTime()), type_=UTCDateTime()
    )
    # What is due first: the earliest running clock or open booking.
    sort_key = type_coerce(
        case((booking_key < clock_key, booking_key), else_=clock_key), UTCDateTime()
    )
    repeat = exists().where(RepeatMatch.enquiry_id == Enquiry.id).correlate(Enquiry)
    query = (
        scoped_referrals(caller)
        .outerjoin_from(
            Enquiry,
            ReferralOwner,
            and_(
                ReferralOwner.enquiry_id == Enquiry.id,
                ReferralOwner.authority_code == Enquiry.authority_code,
                ReferralOwner.decision_id == latest_decision_id_column(),
            ),
        )
        .outerjoin_from(Enquiry, Journey, Journey.enquiry_id == Enquiry.id)
        .add_columns(
            due.label("due_at"),
            follow_up_due.label("follow_up_due_on"),
            booking_due.label("booking_at"),
            overdue.label("booking_overdue"),
            sort_key.label("sort_key"),
            ReferralOwner.user_id,
            Journey.stage,
            Journey.first_contact_at,
            repeat.label("repeat"),
            _open_clock(ctx.now, breached=True).label("breached"),
            _overdue_task(ctx.now).label("task_overdue"),
        )
        .order_by(sort_key, Enquiry.id)
    )
    if view == TrayView.UNALLOCATED:
        query = query.where(ReferralOwner.user_id.is_(None))
    elif view == TrayView.MINE:
        # An API token is no person and owns nothing: its "mine" is empty.
        mine = caller.user_id if isinstance(caller, Caller) else None
        query = query.where(ReferralOwner.user_id == (mine or 0))
    if stage == NO_STAGE:
        query = query.where(Journey.stage.is_(None))
    elif stage:
        query = query.where(Journey.stage == stage)
    else:
        query = query.where(Journey.ended_at.is_(None))
    if owner == NO_OWNER:
        query = query.where(ReferralOwner.user_id.is_(None))
    elif owner:
        query = query.where(ReferralOwner.user_id == int(owner))
    if clock == ClockFilter.BREACHED:
        query = query.where(_open_clock(ctx.now, breached=True))
    elif clock == ClockFilter.RUNNING:
        query = query.where(_open_clock(ctx.now, breached=False))
    elif clock == ClockFilter.NONE:
        query = query.where(
            ~exists()
            .where(
                JourneyClock.enquiry_id == Enquiry.id,
                JourneyClock.met_at.is_(None),
                JourneyClock.state.in_([ClockState.RUNNING, ClockState.PAUSED]),
            )
            .correlate(Enquiry)
        )
    if received_from is not None:
        start = datetime.combine(received_from, time(), ENGLAND).astimezone(UTC)
        query = query.where(Enquiry.created_at >= start)
    if received_to is not None:
        query = query.where(Enquiry.created_at < end_of_day(received_to))
    return query, sort_key


def _item(row: Any, names: dict[int, str]) -> dict[str, Any]:
    enquiry: Enquiry = row[0]
    personal = enquiry.personal or {}
    flags = []
    if row.repeat:
        flags.append("repeat_enquiry")
    if row.first_contact_at is None:
        flags.append("not_yet_contacted")
    if row.breached:
        flags.append("clock_breached")
    if enquiry.connected_person:
        flags.append("connected_person")
    if row.booking_overdue:
        flags.append("booking_overdue")
    if row.task_overdue:
        flags.append("task_overdue")
    return {
        "reference": enquiry.reference,
        "status": enquiry.status,
        "received_at": enquiry.created_at,
        "authority_code": enquiry.authority_code,
        "given_name": personal.get("given_name"),
        "family_name": personal.get("family_name"),
        "stage": row.stage,
        "owner": (
            {"user_id": row.user_id, "email": names.get(row.user_id)}
            if row.user_id is not None
            else None
        ),
        "next_due_at": row.due_at,
        "follow_up_due_on": row.follow_up_due_on,
        "next_booking_at": row.booking_at,
        "flags": flags,
    }
