"""Finding referrals, always within the caller's scope. Queries never commit.

A referral outside the caller's scope is answered exactly like one that does not exist: the
API says 404 and the use case audits the attempt as ``denied``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hub.access.caller import Caller, SystemActor
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.references import is_reference
from hub.platform.errors import NotFoundError
from hub.referrals.models import RoutingDecisionRecord

# What a council inbox holds: routed to it, and anything later in the journey.
REFERRAL_STATUSES = (EnquiryStatus.ROUTED, EnquiryStatus.ACKNOWLEDGED)


def referral_not_found() -> NotFoundError:
    return NotFoundError("No referral with that reference is in your inbox.")


def scoped_referrals(caller: Caller | SystemActor) -> Select[Enquiry]:
    """The one query every council read and action starts from: scoped to the caller."""
    return select(Enquiry).where(
        Enquiry.authority_code.in_(sorted(caller.authority_codes)),
        Enquiry.status.in_(REFERRAL_STATUSES),
    )


def find_referral(
    session: Session, caller: Caller | SystemActor, reference: str, *, for_update: bool = False
) -> Enquiry | None:
    """The caller's referral with this reference, or None (also outside the caller's scope)."""
    if not is_reference(reference) or not caller.authority_codes:
        return None
    query = scoped_referrals(caller).where(Enquiry.reference == reference)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_latest_decision(session: Session, enquiry_id: int) -> RoutingDecisionRecord | None:
    return session.scalars(
        select(RoutingDecisionRecord)
        .where(RoutingDecisionRecord.enquiry_id == enquiry_id)
        .order_by(RoutingDecisionRecord.decided_at.desc(), RoutingDecisionRecord.id.desc())
        .limit(1)
    ).first()


def list_decisions_of(session: Session, enquiry_id: int) -> list[RoutingDecisionRecord]:
    """Every decision for an enquiry, oldest first."""
    return list(
        session.scalars(
            select(RoutingDecisionRecord)
            .where(RoutingDecisionRecord.enquiry_id == enquiry_id)
            .order_by(RoutingDecisionRecord.decided_at, RoutingDecisionRecord.id)
        )
    )


def routed_at_column() -> Any:
    """When the enquiry last reached a council (a correlated subquery on Enquiry)."""
    return (
        select(func.max(RoutingDecisionRecord.decided_at))
        .where(
            RoutingDecisionRecord.enquiry_id == Enquiry.id,
            RoutingDecisionRecord.outcome == EnquiryStatus.ROUTED,
        )
        .correlate(Enquiry)
        .scalar_subquery()
    )
