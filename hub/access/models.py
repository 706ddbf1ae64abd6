"""API tokens: how a council, a delivery body or a hub operator signs in to the API.

Only a SHA-256 hash of each token is stored; the short ``prefix`` is not secret and finds the
row, the rest is compared in constant time.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, UTCDateTime, utcnow


class TokenScope(StrEnum):
    """Whose referrals a token sees."""

    AUTHORITY = "authority"  # one children's services authority (GSS code)
    DELIVERY_BODY = "delivery_body"  # a trust or company: all the councils it serves
    HUB = "hub"  # a hub operator: triage and decisions, no council inbox


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(20))
    # The GSS code or delivery body name; empty for hub operators.
    scope_value: Mapped[str | None] = mapped_column(String(120))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the token is made (a year unless told): an expired token is refused.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def actor(self) -> str:
        """How the token is named in audit rows, journey events and decisions."""
        return f"token:{self.id}"

    @property
    def scope_label(self) -> str:
        """``authority:E10000016``, ``delivery_body:Achieving for Children`` or ``hub``."""
        return self.scope if not self.scope_value else f"{self.scope}:{self.scope_value}"
