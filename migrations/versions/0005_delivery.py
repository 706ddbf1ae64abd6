"""delivery: subscriptions and deliveries

Revision ID: 0005_delivery
Revises: 0003
Create Date: 2026-12-02 03:35:42

Delivery rows (one event for one subscriber, with next_attempt_at for beat's sweep and a fixed
webhook id) and the subscriptions they go to (webhook URLs with encrypted signing secrets, and
team mailboxes).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.platform.models

revision: str = "0005_delivery"
down_revision: str | None = "0004_token_expiry_heard_from"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_subscriptions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_value", sa.String(length=120), nullable=True),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", hub.platform.models.EncryptedJSON(), nullable=True),
        sa.Column("previous_secret", hub.platform.models.EncryptedJSON(), nullable=True),
        sa.Column(
            "previous_secret_until", hub.platform.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("disabled_reason", sa.String(length=80), nullable=True),
        sa.Column("disabled_at", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hub.platform.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_probe_at", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_subscriptions")),
    )
    with op.batch_alter_table("delivery_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_subscriptions_scope"), ["scope"], unique=False
        )

    op.create_table(
        "deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "subscription_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("event_key", sa.String(length=160), nullable=False),
        sa.Column("webhook_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("authority_code", sa.String(length=9), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("replays", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.platform.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "next_attempt_at", hub.platform.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("locked_until", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", hub.platform.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("response_excerpt", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["delivery_subscriptions.id"],
            name=op.f("fk_deliveries_subscription_id_delivery_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("event_key", "subscription_id", name=op.f("uq_deliveries_event_key")),
        sa.UniqueConstraint("webhook_id", name=op.f("uq_deliveries_webhook_id")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliveries_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deliveries_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deliveries_subscription_id"), ["subscription_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_deliveries_status"))
        batch_op.drop_index(batch_op.f("ix_deliveries_next_attempt_at"))

    op.drop_table("deliveries")
    with op.batch_alter_table("delivery_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_subscriptions_scope"))

    op.drop_table("delivery_subscriptions")
