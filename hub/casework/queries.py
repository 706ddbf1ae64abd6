"""Reading casework rows for the council that holds a referral now. Queries never commit.

The referral itself is found with ``hub.referrals.queries.find_referral`` (the caller's scope);
these functions read only what the holding council wrote (``authority_code``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.access.models import StaffRole, StaffUser, TokenScope
from hub.access.scopes import scope_authorities
from hub.casework.models import (
    CaseNote,
    ClosureState,
    ContactAttempt,
    ContactOutcome,
    NoResponseClosure,
    ReferralOwner,
)
from hub.enquiries.models import Enquiry
from hub.referrals.models import RoutingDecisionRecord


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
