"""The enquiry aggregate: what a prospective carer told us, and where it stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow


class EnquiryStatus(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    TRIAGE = "triage"
    SIGNPOSTED = "signposted"


# The only status changes the hub makes; anything else is a bug.
ALLOWED_TRANSITIONS: dict[EnquiryStatus, frozenset[EnquiryStatus]] = {
    EnquiryStatus.RECEIVED: frozenset(
        {EnquiryStatus.ROUTED, EnquiryStatus.TRIAGE, EnquiryStatus.SIGNPOSTED}
    ),
    EnquiryStatus.TRIAGE: frozenset({EnquiryStatus.ROUTED, EnquiryStatus.SIGNPOSTED}),
    # routed -> routed is a transfer to another council; -> triage is a return to the hub.
    EnquiryStatus.ROUTED: frozenset(
        {EnquiryStatus.TRIAGE, EnquiryStatus.ROUTED, EnquiryStatus.ACKNOWLEDGED}
    ),
    EnquiryStatus.ACKNOWLEDGED: frozenset({EnquiryStatus.TRIAGE, EnquiryStatus.ROUTED}),
    EnquiryStatus.SIGNPOSTED: frozenset(),
}


class InvalidTransitionError(ValueError):
    """A status change the journey does not allow."""


class Enquiry(Base):
    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[EnquiryStatus] = mapped_column(
        enum_column(EnquiryStatus, 32), default=EnquiryStatus.RECEIVED, index=True
    )
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Personal data, encrypted at rest. Special-category answers are kept apart.
    personal: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    special_category: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON())
    # Not personal on their own: used for routing and reports.
    interest: Mapped[str] = mapped_column(String(32))
    preferred_authority_code: Mapped[str | None] = mapped_column(String(9))
    campaign: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # "How did you hear about us" is free text, so it may name people: encrypted, kept apart
    # from the campaign tags (utm_*), which are not personal.
    heard_from: Mapped[str | None] = mapped_column(EncryptedJSON())
    consent_privacy_notice: Mapped[bool] = mapped_column(Boolean)
    consent_keep_in_touch: Mapped[bool] = mapped_column(Boolean)
    # Set by routing.
    authority_code: Mapped[str | None] = mapped_column(String(9), index=True)
    authority_name: Mapped[str | None] = mapped_column(String(120))
    delivery_body: Mapped[str | None] = mapped_column(String(120))
    cluster: Mapped[str | None] = mapped_column(String(120))
    # Set when the receiving council acknowledges: stops the first-contact clock.
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic lock: every ORM update checks and bumps it, so concurrent changes cannot
    # both win (a conditional UPDATE ... WHERE row_version = n).
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}

    def move_to(self, status: EnquiryStatus, at: datetime) -> None:
        """Change status, refusing a change the journey does not allow."""
        if status not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransitionError(f"an enquiry cannot go from {self.status} to {status}")
        self.status = status
        self.status_changed_at = at
