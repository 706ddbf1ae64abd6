"""routing decisions remember which council transferred a referral

Revision ID: 0020_transferred_from
Revises: 0019_enquiry_search_indexes
Create Date: 2026-12-03 12:45:00

A transfer is a routing decision like any other; this column names the council that gave the
referral away, so that council keeps a read-only view of what it did ("Transferred out") and
the home-council notice is never shown to the council that made the transfer itself. Indexed:
the sending council's list reads by it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_transferred_from"
down_revision: str | None = "0019_enquiry_search_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routing_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transferred_from_code", sa.String(length=9), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_routing_decisions_transferred_from_code"),
            ["transferred_from_code"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("routing_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_decisions_transferred_from_code"))
        batch_op.drop_column("transferred_from_code")
