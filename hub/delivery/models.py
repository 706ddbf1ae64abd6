"""Subscriptions (who is told, and how) and deliveries (one event for one subscriber).

A delivery row is written in the same transaction as the change that caused it; it is the
source of truth for what must still be sent. ``next_attempt_at`` says when the next attempt
is due (beat sweeps it), ``locked_until`` is the lease of an attempt in flight (a worker killed
mid-send leaves it to expire), and ``webhook_id`` is fixed at creation so every retry and
replay carries the same id and receivers can de-duplicate.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow


class SubscriberKind(StrEnum):
    WEBHOOK = "webhook"
    MAILBOX = "mailbox"
    # The one subscription for e-mails to enquirers: each delivery's address is read from its
    # enquiry at send time, never stored here (hub.delivery.confirmation).
    ENQUIRER = "enquirer"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or in flight)
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good (a 4xx, or the subscription was disabled)
    DEAD = "dead"  # every attempt failed: listed for operators, replayable


class Subscription(Base):
    """A webhook URL or a mailbox of a council, a delivery body, or the hub's operators."""

    __tablename__ = "delivery_subscriptions"
    # At most one enquirer subscription, so concurrent first routings share it.
    __table_args__ = (
        Index(
            "uq_delivery_subscriptions_enquirer",
            "kind",
            unique=True,
            postgresql_where=text("kind = 'enquirer'"),
            sqlite_where=text("kind = 'enquirer'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[SubscriberKind] = mapped_column(enum_column(SubscriberKind, 10))
    # The same scopes as API tokens (hub.access.models.TokenScope): authority, delivery_body, hub;
    # the enquirers' one subscription has its kind, ``enquirer``, as its scope.
    scope: Mapped[str] = mapped_column(String(20), index=True)
    scope_value: Mapped[str | None] = mapped_column(String(120))
    # A webhook URL or a team mailbox's address (a council's, never an enquirer's: the
    # enquirer subscription's target only says where the address is read from).
    target: Mapped[str] = mapped_column(String(2000))
    # Event types this subscription receives; empty means every type.
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Signing secrets (whsec_...), encrypted at rest. The previous one also signs until
    # ``previous_secret_until`` after a rotation.
    secret: Mapped[str | None] = mapped_column(EncryptedJSON())
    previous_secret: Mapped[str | None] = mapped_column(EncryptedJSON())
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[SubscriptionStatus] = mapped_column(
        enum_column(SubscriptionStatus, 10), default=SubscriptionStatus.ACTIVE
    )
    disabled_reason: Mapped[str | None] = mapped_column(String(80))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the subscriber kept failing: one probe per interval until a success.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_probe_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How long its last attempts took (seconds, newest last): a subscriber whose p90 is over
    # HUB_DELIVERY_SLOW_SECONDS is marked slow and given one attempt in flight at a time.
    recent_attempt_seconds: Mapped[list[float] | None] = mapped_column(JSON)
    slow_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A mailbox receives nothing until it is verified: set when added by an operator, or when
    # the confirmation link e-mailed to it is opened (only the link's SHA-256 is kept).
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verification_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    verification_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def owner_label(self) -> str:
        return self.scope if not self.scope_value else f"{self.scope}:{self.scope_value}"

    def disable(self, now: datetime, reason: str) -> None:
        """Stop sending to this subscriber: its pending deliveries fail when next claimed."""
        self.status = SubscriptionStatus.DISABLED
        self.disabled_at = now
        self.disabled_reason = reason


class Delivery(Base):
    """One event for one subscriber, with its attempts. Never personal data."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", "subscription_id"),
        # A subscriber's waiting and in-flight deliveries (its share of the pool).
        Index("ix_deliveries_subscription_status", "subscription_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_subscriptions.id"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(160))
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)
    # The Standard Webhooks body: {"type", "timestamp", "data": {reference, authority_code, url}}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reference: Mapped[str | None] = mapped_column(String(20))
    authority_code: Mapped[str | None] = mapped_column(String(9))
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, 10), default=DeliveryStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    response_excerpt: Mapped[str | None] = mapped_column(String(200))
    # What GOV.UK Notify last said of a message it accepted (its delivery-status callback:
    # delivered, permanent-failure, temporary-failure, technical-failure), Notify's id for
    # it and when (hub.delivery.provider_status). Never the recipient.
    provider_status: Mapped[str | None] = mapped_column(String(30))
    provider_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_id: Mapped[str | None] = mapped_column(String(40))
