"""the enquirer's link, and what Notify says of a text or e-mail it accepted

Revision ID: 0028_enquirer_link
Revises: 0023_front_door
Create Date: 2026-12-03 19:15:00

The confirmation e-mail carries a signed link that lets the enquirer withdraw their enquiry,
correct their phone or e-mail and withdraw keep-in-touch consent: ``enquirer_links`` keeps its
random key (signed in the e-mail, so the key alone opens nothing) and when it expires. A
delivery keeps what GOV.UK Notify's delivery-status callback last said of it, so a
confirmation text that never reached the phone can be seen.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_enquirer_link"
down_revision: str | None = "0027_connected_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "enquirer_links",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_enquirer_links_enquiry_id_enquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquirer_links")),
        sa.UniqueConstraint("enquiry_id", name=op.f("uq_enquirer_links_enquiry_id")),
        sa.UniqueConstraint("key", name=op.f("uq_enquirer_links_key")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_status", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("provider_status_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("provider_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("provider_id")
        batch_op.drop_column("provider_status_at")
        batch_op.drop_column("provider_status")
    op.drop_table("enquirer_links")
