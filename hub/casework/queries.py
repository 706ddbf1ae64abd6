"""Reading casework rows for the council that holds a referral now. Queries never commit.

The referral itself is found with ``hub.referrals.queries.find_referral`` (the caller's scope);
these functions read only what the holding council wrote (``authority_code``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from hub.access.caller import Caller, SystemActor
from hub.access.models import StaffRole, StaffUser, TokenScope
from hub.access.scopes import delivery_body_authorities, scope_authorities
from hub.casework.models import (
    Booking,
    BookingState,
    CaseNote,
    ClosureState,
    ContactAttempt,
    ContactOutcome,
    InfoEvent,
    NoResponseClosure,
    ReferralOwner,
)
from hub.enquiries.models import Enquiry
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import scoped_referrals
from hub.rules import get_active_rules
from hub.rules.engine import local_day
from hub.tracking.models import Journey


def latest_decision_id_column() -> Any:
    """The id of the enquiry's latest routing decision (a correlated subquery on Enquiry)."""
    return (
        select(func.max(RoutingDecisionRecord.id))
        .where(RoutingDecisionRecord.enquiry_id == Enquiry.id)
        .correlate(Enquiry)
        .scalar_subquery()
    )


def latest_decision_id(session: Session, enquiry_id: int) -> int | None:
    return session.scalar(
        select(func.max(RoutingDecisionRecord.id)).where(
            RoutingDecisionRecord.enquiry_id == enquiry_id
        )
    )


def find_owner_row(session: Session, enquiry_id: int) -> ReferralOwner | None:
    """The owner row, current or cleared by a later decision (see ``find_owner``)."""
    return session.get(ReferralOwner, enquiry_id)


def find_owner(session: Session, enquiry: Enquiry) -> ReferralOwner | None:
    """The referral's owner now: None when unallocated, or when a later routing decision (a
    transfer, a return, a new route) or another holder has cleared it."""
    row = find_owner_row(session, enquiry.id)
    if row is None or row.authority_code != enquiry.authority_code:
        return None
    if row.decision_id != latest_decision_id(session, enquiry.id):
        return None
    return row


def may_own(user: StaffUser, authority_code: str | None, at: datetime) -> bool:
    """Whether ``user`` may own a referral held by ``authority_code``: an active officer or
    manager on a team (council or delivery body) that sees that council's referrals."""
    if user.disabled_at is not None or user.role not in (StaffRole.OFFICER, StaffRole.MANAGER):
        return False
    scope = TokenScope(user.scope)
    if scope is TokenScope.HUB or authority_code is None:
        return False
    return authority_code in scope_authorities(scope, user.scope_value, at)


def find_user(session: Session, user_id: int) -> StaffUser | None:
    return session.get(StaffUser, user_id)


def addresses_of(session: Session, user_ids: Sequence[int]) -> dict[int, str]:
    """The staff addresses of ``user_ids`` (decrypted), to name owners and authors."""
    if not user_ids:
        return {}
    users = session.scalars(select(StaffUser).where(StaffUser.id.in_(sorted(set(user_ids)))))
    return {user.id: user.email for user in users}


def list_attempts(session: Session, enquiry: Enquiry) -> list[ContactAttempt]:
    """The holding council's contact attempts, newest first."""
    return list(
        session.scalars(
            select(ContactAttempt)
            .where(
                ContactAttempt.enquiry_id == enquiry.id,
                ContactAttempt.authority_code == enquiry.authority_code,
            )
            .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        )
    )


def unanswered_times(attempts: Sequence[ContactAttempt]) -> list[datetime]:
    """When the attempts that did not reach the enquirer were made."""
    return [a.attempted_at for a in attempts if a.outcome != ContactOutcome.REACHED]


def list_notes(session: Session, enquiry: Enquiry) -> list[CaseNote]:
    """The holding council's notes, newest first."""
    return list(
        session.scalars(
            select(CaseNote)
            .where(
                CaseNote.enquiry_id == enquiry.id,
                CaseNote.authority_code == enquiry.authority_code,
            )
            .order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
        )
    )


def find_closure(session: Session, enquiry: Enquiry) -> NoResponseClosure | None:
    """The holding council's latest no-response request or closure."""
    return session.scalars(
        select(NoResponseClosure)
        .where(
            NoResponseClosure.enquiry_id == enquiry.id,
            NoResponseClosure.authority_code == enquiry.authority_code,
        )
        .order_by(NoResponseClosure.id.desc())
        .limit(1)
    ).first()


def open_request(session: Session, enquiry: Enquiry) -> NoResponseClosure | None:
    closure = find_closure(session, enquiry)
    return closure if closure is not None and closure.state == ClosureState.REQUESTED else None


# -- bookings and information events --------------------------------------------------------


def list_bookings(session: Session, enquiry: Enquiry) -> list[Booking]:
    """The holding council's bookings of a referral, soonest first."""
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.enquiry_id == enquiry.id,
                Booking.authority_code == enquiry.authority_code,
            )
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def find_booking(
    session: Session, enquiry: Enquiry, booking_id: int, *, for_update: bool = False
) -> Booking | None:
    """The holding council's booking ``booking_id`` of this referral, or None."""
    query = select(Booking).where(
        Booking.id == booking_id,
        Booking.enquiry_id == enquiry.id,
        Booking.authority_code == enquiry.authority_code,
    )
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def event_runners(authority_codes: frozenset[str], at: datetime) -> Any:
    """A condition on InfoEvent: run by one of these councils, or by a delivery body that
    serves one of them (its sessions take referrals of all its councils)."""
    day = local_day(at)
    bodies = sorted(
        body.name
        for body in get_active_rules().delivery_bodies
        if body.validity.contains(day) and authority_codes & set(body.authorities)
    )
    return or_(
        and_(
            InfoEvent.scope == TokenScope.AUTHORITY,
            InfoEvent.scope_value.in_(sorted(authority_codes)),
        ),
        and_(InfoEvent.scope == TokenScope.DELIVERY_BODY, InfoEvent.scope_value.in_(bodies)),
    )


def event_serves(event: InfoEvent, authority_code: str | None, at: datetime) -> bool:
    """Whether a referral held by ``authority_code`` may be booked onto ``event``."""
    if authority_code is None:
        return False
    if event.scope == TokenScope.DELIVERY_BODY:
        return authority_code in delivery_body_authorities(event.scope_value, at)
    return event.scope == TokenScope.AUTHORITY and event.scope_value == authority_code


def find_event(
    session: Session, authority_codes: frozenset[str], event_id: int, at: datetime
) -> InfoEvent | None:
    """An event the caller's councils may see (run by them or their delivery body), or None."""
    if not authority_codes:
        return None
    return session.scalars(
        select(InfoEvent).where(InfoEvent.id == event_id, event_runners(authority_codes, at))
    ).first()


def list_events(
    session: Session, authority_codes: frozenset[str], since: datetime, at: datetime
) -> list[InfoEvent]:
    """The events the caller's councils may see starting at or after ``since``, soonest first."""
    if not authority_codes:
        return []
    return list(
        session.scalars(
            select(InfoEvent)
            .where(event_runners(authority_codes, at), InfoEvent.starts_at >= since)
            .order_by(InfoEvent.starts_at, InfoEvent.id)
        )
    )


def take_place(session: Session, event_id: int) -> bool:
    """Take one place on the event if one is left: one conditional UPDATE, so two officers
    booking the last place at once cannot both have it (the second waits for the first's
    row lock and then finds the event full)."""
    result = session.execute(
        update(InfoEvent)
        .where(InfoEvent.id == event_id, InfoEvent.places_taken < InfoEvent.capacity)
        .values(places_taken=InfoEvent.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def give_back_place(session: Session, event_id: int) -> None:
    session.execute(
        update(InfoEvent)
        .where(InfoEvent.id == event_id, InfoEvent.places_taken > 0)
        .values(places_taken=InfoEvent.places_taken - 1)
        .execution_options(synchronize_session=False)
    )


def journey_position(session: Session, enquiry_id: int) -> tuple[int, bool]:
    """The journey's furthest progress and whether it ended (0, False with no journey)."""
    journey = session.get(Journey, enquiry_id)
    if journey is None:
        return 0, False
    return journey.position, journey.ended_at is not None


def booked_on_event(
    session: Session, caller: Caller | SystemActor, event_id: int
) -> list[tuple[Booking, Enquiry]]:
    """The places on the event of referrals the caller holds now, not cancelled (never
    another council's people), soonest booked first, with their referral."""
    query = (
        scoped_referrals(caller)
        .join(Booking, Booking.enquiry_id == Enquiry.id)
        .add_columns(Booking)
        .where(
            Booking.event_id == event_id,
            Booking.authority_code == Enquiry.authority_code,
            Booking.state != BookingState.CANCELLED,
        )
        .order_by(Booking.booked_at, Booking.id)
    )
    return [(row[1], row[0]) for row in session.execute(query).all()]
