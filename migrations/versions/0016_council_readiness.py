"""council readiness by day, and the address a council's first manager is invited at

Revision ID: 0016_council_readiness
Revises: 0013_staff_sign_in_requests
Create Date: 2026-12-03 13:00:00

``council_readiness_days``: one row per council per day, written by the daily job (or
``hub councils readiness --record``): whether it had a live channel, which, and how many
referrals it held unacknowledged. ``council_first_manager_addresses``: an address an operator
put on file (encrypted) to invite a not-ready council's first manager, and when it was last
invited.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_council_readiness"
down_revision: str | None = "0013_staff_sign_in_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_readiness_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("referrals_waiting", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", "authority_code", name="pk_council_readiness_days"),
    )
    op.create_table(
        "council_first_manager_addresses",
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("email_encrypted", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invited_user_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("authority_code", name="pk_council_first_manager_addresses"),
    )


def downgrade() -> None:
    op.drop_table("council_first_manager_addresses")
    op.drop_table("council_readiness_days")
