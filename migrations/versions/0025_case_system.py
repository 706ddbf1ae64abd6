"""the councils' changes feed, and search indexes that lead with the council

Revision ID: 0025_case_system
Revises: 0023_front_door (for this branch's tests; 0024_bookings when merged)
Create Date: 2026-12-03 19:00:00

``council_changes`` holds one row per change a council's case system should hear about, numbered
per council by ``council_change_counters`` in the writer's transaction (so the feed's cursor
never skips a row committed late). The enquiry search indexes become (blind index, council,
received time): a search within one council reads only that council's matches, newest first,
from the index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_case_system"
down_revision: str | None = "0024_bookings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INDEXED = (
    "email_index",
    "phone_index",
    "name_index",
    "surname_index",
    "postcode_index",
    "district_index",
)


def upgrade() -> None:
    op.create_table(
        "council_change_counters",
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("authority_code", name=op.f("pk_council_change_counters")),
    )
    op.create_table(
        "council_changes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_changes")),
    )
    op.create_index(
        "ux_council_changes_authority_seq",
        "council_changes",
        ["authority_code", "seq"],
        unique=True,
    )
    for column in _INDEXED:
        op.drop_index(f"ix_enquiries_{column}", table_name="enquiries")
        op.create_index(
            f"ix_enquiries_{column}", "enquiries", [column, "authority_code", "created_at"]
        )


def downgrade() -> None:
    for column in _INDEXED:
        op.drop_index(f"ix_enquiries_{column}", table_name="enquiries")
        op.create_index(f"ix_enquiries_{column}", "enquiries", [column, "created_at"])
    op.drop_index("ux_council_changes_authority_seq", table_name="council_changes")
    op.drop_table("council_changes")
    op.drop_table("council_change_counters")
