"""Routing decisions, stored with everything needed to explain them later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow
from hub.rules import DecisionOutcome


class RoutingDecisionRecord(Base):
    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    # Indexed: the clock sweep reads the decisions made since its last run.
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    decided_by: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, 20))
    authority_code: Mapped[str | None] = mapped_column(String(9))
    cluster: Mapped[str | None] = mapped_column(String(120))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    rules_version: Mapped[str | None] = mapped_column(String(60))
    geography_version: Mapped[str | None] = mapped_column(String(80))
    home_council_code: Mapped[str | None] = mapped_column(String(9))
    # The council that gave the referral away, on a transfer's decision (else None): it keeps a
    # read-only view of what it did, and is not sent a home-council notice about its own act.
    transferred_from_code: Mapped[str | None] = mapped_column(String(9), index=True)
    # Made for a connected person (someone who wants to care for a child they already know):
    # routed to the child's council, or where the rules send such enquiries.
    connected_person: Mapped[bool] = mapped_column(Boolean, default=False)
    # The whole decision with its trace of every rule considered. The trace names the postcode,
    # so it is personal data: encrypted at rest like the enquiry.
    detail: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    explanation: Mapped[str] = mapped_column(EncryptedJSON())
