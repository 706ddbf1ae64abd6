"""The address a not-ready council's first manager is invited at, put on file by an operator."""

from __future__ import annotations

from datetime import datetime

from hub.access.manage_staff import StaffAccountError, normalise_email
from hub.councils.models import FirstManagerAddress
from hub.platform.db import Database
from hub.platform.models import utcnow


def put_first_manager_address(
    db: Database, code: str, email: str, *, actor: str, now: datetime | None = None
) -> FirstManagerAddress:
    """Keep ``email`` as council ``code``'s first-manager address (replacing any before)."""
    address = normalise_email(email)
    if address is None:
        raise StaffAccountError(f"{email!r} is not an e-mail address")
    now = now or utcnow()
    with db.transaction() as session:
        row = session.get(FirstManagerAddress, code)
        if row is None:
            row = FirstManagerAddress(authority_code=code)
            session.add(row)
        row.email = address
        row.added_at = now
        row.added_by = actor
        row.invited_at = None  # a new address is invited at the next not-ready referral
        row.invited_user_id = None
        session.flush()
        session.expunge(row)
        return row


def find_first_manager_address(db: Database, code: str) -> FirstManagerAddress | None:
    with db.sessions() as session:
        row = session.get(FirstManagerAddress, code)
        if row is not None:
            session.expunge(row)
        return row
