"""Recompute every enquiry's blind indexes and repeat matches (``hub enquiries reindex``).

For the enquiries stored before search existed, and after ``HUB_SECRET_KEY`` changes (which
changes every index: until this runs, search and repeat matching find nobody). Batches of
``BATCH`` enquiries, each its own transaction, in the order they arrived, so a repeat finds
its earlier enquiries already indexed; running it twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.repeats import record_repeat_matches
from hub.enquiries.search_keys import INDEX_COLUMNS, search_keys_of
from hub.platform.db import Database
from hub.platform.models import utcnow

BATCH = 500


@dataclass(frozen=True, slots=True)
class ReindexResult:
    enquiries: int
    changed: int
    matches: int


def reindex_enquiries(db: Database, *, now: datetime | None = None) -> ReindexResult:
    """Every enquiry's indexes from its (decrypted) details, then its repeat matches."""
    now = now or utcnow()
    seen = changed = matches = 0
    after: tuple[datetime | None, int] = (None, 0)
    while True:
        with db.transaction() as session:
            query = select(Enquiry).order_by(Enquiry.created_at, Enquiry.id).limit(BATCH)
            if after[0] is not None:
                query = query.where(
                    (Enquiry.created_at > after[0])
                    | ((Enquiry.created_at == after[0]) & (Enquiry.id > after[1]))
                )
            batch = list(session.scalars(query))
            if not batch:
                break
            for enquiry in batch:
                keys = search_keys_of(enquiry.personal)
                if any(getattr(enquiry, c) != keys[c] for c in INDEX_COLUMNS):
                    for column in INDEX_COLUMNS:
                        setattr(enquiry, column, keys[column])
                    changed += 1
                session.flush()
                if enquiry.status != EnquiryStatus.RECEIVED:
                    # Not yet decided: the router matches it when it decides.
                    matches += len(record_repeat_matches(session, enquiry, now))
            seen += len(batch)
            after = (batch[-1].created_at, batch[-1].id)
    return ReindexResult(seen, changed, matches)
