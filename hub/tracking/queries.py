"""Reading the tracking store. Queries never commit; council reads take the caller's scope.

A council finds a journey through :func:`hub.referrals.queries.find_referral`: the referral
must be held by the caller now (a transfer carries the journey to the new holder).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from hub.access.caller import Caller, SystemActor
from hub.access.models import TokenScope
from hub.enquiries.models import Enquiry
from hub.referrals.queries import scoped_referrals
from hub.rules.tracking_policy import FollowUpOwner
from hub.tracking.models import (
    ClockState,
    FollowUp,
    FollowUpStatus,
    Journey,
    JourneyClock,
    JourneyStage,
    SweepMark,
)


def find_journey(session: Session, enquiry_id: int) -> Journey | None:
    return session.get(Journey, enquiry_id)


def list_stages(session: Session, enquiry_id: int) -> list[JourneyStage]:
    return list(
        session.scalars(
            select(JourneyStage)
            .where(JourneyStage.enquiry_id == enquiry_id)
            .order_by(JourneyStage.occurred_at, JourneyStage.id)
        )
    )


def list_clocks(session: Session, enquiry_id: int) -> list[JourneyClock]:
    return list(
        session.scalars(
            select(JourneyClock)
            .where(JourneyClock.enquiry_id == enquiry_id)
            .order_by(JourneyClock.started_at, JourneyClock.id)
        )
    )


def list_follow_ups_of(session: Session, enquiry_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp)
            .where(FollowUp.enquiry_id == enquiry_id)
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )


def is_hub_operator(caller: Caller | SystemActor) -> bool:
    return isinstance(caller, Caller) and caller.scope is TokenScope.HUB


def scoped_follow_ups(caller: Caller | SystemActor) -> Select[Enquiry, FollowUp]:
    """The caller's follow-ups with their enquiry: for a council, the council-owned ones of
    the referrals it holds now; for a hub operator, the hub-owned ones."""
    if is_hub_operator(caller):
        return (
            select(Enquiry, FollowUp)
            .join(FollowUp, FollowUp.enquiry_id == Enquiry.id)
            .where(FollowUp.owner == FollowUpOwner.HUB)
        )
    return (
        scoped_referrals(caller)
        .add_columns(FollowUp)
        .join(FollowUp, FollowUp.enquiry_id == Enquiry.id)
        .where(FollowUp.owner == FollowUpOwner.COUNCIL)
    )


def find_scoped_follow_up(
    session: Session, caller: Caller | SystemActor, follow_up_id: int
) -> tuple[Enquiry, FollowUp] | None:
    """The caller's follow-up with this id (both rows locked), or None (also out of scope)."""
    if not caller.authority_codes and not is_hub_operator(caller):
        return None
    row = session.execute(
        scoped_follow_ups(caller).where(FollowUp.id == follow_up_id).with_for_update()
    ).first()
    return (row[0], row[1]) if row is not None else None


def list_open_follow_ups(
    session: Session, enquiry_id: int, *, needs_consent: bool | None = None
) -> list[FollowUp]:
    query = select(FollowUp).where(
        FollowUp.enquiry_id == enquiry_id, FollowUp.status == FollowUpStatus.DUE
    )
    if needs_consent is not None:
        query = query.where(FollowUp.needs_consent.is_(needs_consent))
    return list(session.scalars(query))


def get_mark(session: Session, name: str) -> datetime | None:
    mark = session.get(SweepMark, name)
    return mark.swept_to if mark is not None else None


def set_mark(session: Session, name: str, swept_to: datetime) -> None:
    mark = session.get(SweepMark, name, with_for_update=True)
    if mark is None:
        session.add(SweepMark(name=name, swept_to=swept_to))
    else:
        mark.swept_to = swept_to


def find_follow_up_reference(session: Session, follow_up_id: int) -> str | None:
    """The reference of a follow-up's enquiry, whoever holds it (to audit a denied attempt)."""
    return session.scalar(
        select(Enquiry.reference)
        .join(FollowUp, FollowUp.enquiry_id == Enquiry.id)
        .where(FollowUp.id == follow_up_id)
    )


def is_breached_open(now: datetime) -> ColumnElement[bool]:
    """The one meaning of a breached clock for operators: past its due time and not met.

    A clock the sweep marked breached, or a running clock past due that the sweep has not
    come round to yet; a clock met late (state breached, ``met_at`` set) is no longer open.
    The ops clocks list (``state=breached``), the dashboard and ``hub_clocks_breached_open``
    all filter with this.
    """
    return JourneyClock.met_at.is_(None) & (
        (JourneyClock.state == str(ClockState.BREACHED))
        | ((JourneyClock.state == str(ClockState.RUNNING)) & (JourneyClock.due_at <= now))
    )


def count_breached_open(session: Session, now: datetime) -> int:
    """How many clocks :func:`is_breached_open` at ``now``."""
    query = select(func.count()).select_from(JourneyClock).where(is_breached_open(now))
    return int(session.scalar(query) or 0)
