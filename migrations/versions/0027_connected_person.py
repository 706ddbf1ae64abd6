"""enquiries and routing decisions record a connected person and the child's council

Revision ID: 0027_connected_person
Revises: 0023_front_door
Create Date: 2026-12-03 19:15:00

Someone who wants to care for a child they already know (a grandchild, a relative's or a
friend's child) is a *connected person*: the enquiry goes to the child's council, not the
enquirer's. The enquiry keeps the flag and the council the enquirer named for the child (a
code; the child's postcode, when given instead, is encrypted in ``personal``); the routing
decision keeps the flag, so the council's referral, tray and webhook show it. Earlier rows are
not connected persons (``false``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_connected_person"
down_revision: str | None = "0026_consultations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite takes NOT NULL with a default), never a batch table copy: the
    # copy would drop ``enquiries`` while other tables' rows refer to it.
    false = sa.false()
    op.add_column(
        "enquiries",
        sa.Column("connected_person", sa.Boolean(), nullable=False, server_default=false),
    )
    op.add_column("enquiries", sa.Column("child_authority_code", sa.String(length=9)))
    op.add_column(
        "routing_decisions",
        sa.Column("connected_person", sa.Boolean(), nullable=False, server_default=false),
    )


def downgrade() -> None:
    _drop("routing_decisions", "connected_person")
    _drop("enquiries", "child_authority_code")
    _drop("enquiries", "connected_person")


def _drop(table: str, column: str) -> None:
    # SQLite (3.35 and later) drops a plain column in place, without copying the table.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
