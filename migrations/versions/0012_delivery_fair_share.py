"""Delivery fair share: each subscriber's recent attempt times, its slow mark, and an index.

A subscriber's share of the delivery pool is a small number of attempts in flight; the rest of
its deliveries wait as rows, found by (subscription, status). ``recent_attempt_seconds`` keeps
the durations of its last attempts, so a subscriber that answers slowly (p90 over
``HUB_DELIVERY_SLOW_SECONDS``) is marked ``slow_since`` and given one attempt at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hub.platform.models import UTCDateTime

revision: str = "0012_delivery_fair_share"
down_revision: str | None = "0011_enquirer_confirmation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery_subscriptions") as batch:
        batch.add_column(sa.Column("recent_attempt_seconds", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("slow_since", UTCDateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_deliveries_subscription_status", "deliveries", ["subscription_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_subscription_status", table_name="deliveries")
    with op.batch_alter_table("delivery_subscriptions") as batch:
        batch.drop_column("slow_since")
        batch.drop_column("recent_attempt_seconds")
