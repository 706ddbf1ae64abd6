"""staff sign-in requests: a link asked for at /sign-in, waiting for the worker

Revision ID: 0013_staff_sign_in_requests
Revises: 0012_delivery_fair_share
Create Date: 2026-12-03 05:00:00

POST /sign-in writes one row (the address's blind index only) and one outbox message for any
well-formed address, so the answer takes as long whether or not the address has an account;
the worker finds the account, makes the link, sends the e-mail and deletes the row. The id is
random (the outbox's dedupe key names it, and SQLite would reuse a deleted row's id).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_staff_sign_in_requests"
down_revision: str | None = "0012_delivery_fair_share"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "staff_sign_in_requests",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("email_index", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sign_in_requests"),
    )


def downgrade() -> None:
    op.drop_table("staff_sign_in_requests")
