"""Finding enquiries. Queries never commit: the caller's use case owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.references import is_reference


def find_enquiry_by_reference(
    session: Session, reference: str, *, for_update: bool = False
) -> Enquiry | None:
    """The enquiry with this reference, or None (also for text that is not a reference)."""
    if not is_reference(reference):
        return None
    query = select(Enquiry).where(Enquiry.reference == reference)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def find_enquiry(session: Session, enquiry_id: int, *, for_update: bool = False) -> Enquiry | None:
    """The enquiry with this id, or None; ``for_update`` locks the row until commit."""
    return session.get(Enquiry, enquiry_id, with_for_update=for_update)


@dataclass(frozen=True, slots=True)
class RoutingBacklog:
    """Enquiries stored and not yet routed: how many, how many for too long, the oldest."""

    waiting: int
    late: int  # received longer ago than the lag limit
    oldest_at: datetime | None

    def oldest_seconds(self, now: datetime) -> float:
        return max((now - self.oldest_at).total_seconds(), 0.0) if self.oldest_at else 0.0


def read_routing_backlog(session: Session, now: datetime, lag: timedelta) -> RoutingBacklog:
    """One read of the enquiries still ``received`` (the status index finds them)."""
    received = Enquiry.status == EnquiryStatus.RECEIVED
    late_before = now - lag
    waiting, late, oldest = session.execute(
        select(
            func.count(),
            func.count(case((Enquiry.created_at <= late_before, 1))),
            func.min(Enquiry.created_at),
        ).where(received)
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # SQLite hands an aggregate back without its zone
    return RoutingBacklog(int(waiting), int(late), oldest)
