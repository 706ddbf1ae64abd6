"""Readiness over time, and the address a council's first manager is invited at."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, EncryptedText, UTCDateTime, utcnow


class CouncilReadinessDay(Base):
    """One council's readiness as read once on one day (the daily job writes every council)."""

    __tablename__ = "council_readiness_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    authority_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    ready: Mapped[bool] = mapped_column(Boolean)
    # The live channels found: "staff", "webhook", "mailbox" (empty when not ready).
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Referrals the council held, not yet acknowledged, when read.
    referrals_waiting: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FirstManagerAddress(Base):
    """Where an operator asked the council's first manager to be invited (staff data, not an
    enquirer's), and when an invitation last went to it."""

    __tablename__ = "council_first_manager_addresses"

    authority_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    email: Mapped[str] = mapped_column("email_encrypted", EncryptedText())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by: Mapped[str] = mapped_column(String(80))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_user_id: Mapped[int | None] = mapped_column(Integer)
