"""staff accounts and their one-time sign-in links

Revision ID: 0009_staff
Revises: 0008_web
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_staff"
down_revision: str | None = "0008_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_value", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sessions_valid_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("email", name="uq_staff_users_email"),
    )
    op.create_table(
        "staff_sign_in_links",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name="fk_staff_sign_in_links_user_id_staff_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sign_in_links"),
        sa.UniqueConstraint("token_hash", name="uq_staff_sign_in_links_token_hash"),
    )
    op.create_index("ix_staff_sign_in_links_user_id", "staff_sign_in_links", ["user_id"])
    op.create_index("ix_staff_sign_in_links_created_at", "staff_sign_in_links", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_staff_sign_in_links_created_at", table_name="staff_sign_in_links")
    op.drop_index("ix_staff_sign_in_links_user_id", table_name="staff_sign_in_links")
    op.drop_table("staff_sign_in_links")
    op.drop_table("staff_users")
