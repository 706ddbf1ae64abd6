"""The changes feed's store: one row per change to a council's referral, and one counter per
council.

A change's ``seq`` is taken from its council's counter row in the writer's own transaction
(``hub.changes.record``). The counter row stays locked until that transaction ends, so within
one council a higher ``seq`` is never committed before a lower one: a reader that has seen
``seq`` n can ask for ``seq`` > n and never miss a row committed late. Ids (``id``) are not
used for the cursor: on PostgreSQL they are taken at insert, not at commit, so a row with a
lower id can become visible after a row with a higher one.

Rows hold codes and references only, never personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, UTCDateTime, utcnow


class ChangeCounter(Base):
    """The last ``seq`` given out for a council's changes."""

    __tablename__ = "council_change_counters"

    authority_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class CouncilChange(Base):
    """One change to a referral, as its council's case system reads it from the feed."""

    __tablename__ = "council_changes"
    __table_args__ = (
        Index("ux_council_changes_authority_seq", "authority_code", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    enquiry_id: Mapped[int] = mapped_column(BigId)
    reference: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Codes only (a stage, a reason code, an outcome, an actor id): never personal data.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
