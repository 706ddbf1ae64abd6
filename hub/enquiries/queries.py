"""Finding enquiries. Queries never commit: the caller's use case owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
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
