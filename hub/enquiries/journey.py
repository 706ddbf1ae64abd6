"""Journey events: the append-only history of each enquiry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, UTCDateTime, enum_column, utcnow


class JourneyEventName(StrEnum):
    """What happened to an enquiry (stored as the event's name; reports count these)."""

    RECEIVED = "received"
    ROUTED = "routed"
    TRIAGE = "triage"
    SIGNPOSTED = "signposted"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    CLOSED = "closed"  # an operator closed it from triage (detail: the reason code)
    REOPENED = "reopened"  # an operator put a closed enquiry back in triage


class JourneyEvent(Base):
    __tablename__ = "journey_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    event: Mapped[JourneyEventName] = mapped_column(enum_column(JourneyEventName, 40))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80), default="hub")
    # Never personal data: codes, versions and reasons only.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
