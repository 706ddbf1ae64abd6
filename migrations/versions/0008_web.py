"""web form drafts: answers between pages, and the receipt for the confirmation page

Revision ID: 0008_web
Revises: 0003
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_web"
down_revision: str | None = "0006_tracking"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_form_drafts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enquiry_id", _ID, nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name="fk_web_form_drafts_enquiry_id_enquiries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_form_drafts"),
        sa.UniqueConstraint("token_hash", name="uq_web_form_drafts_token_hash"),
    )
    op.create_index("ix_web_form_drafts_expires_at", "web_form_drafts", ["expires_at"])
    op.create_index("ix_web_form_drafts_enquiry_id", "web_form_drafts", ["enquiry_id"])


def downgrade() -> None:
    op.drop_index("ix_web_form_drafts_enquiry_id", table_name="web_form_drafts")
    op.drop_index("ix_web_form_drafts_expires_at", table_name="web_form_drafts")
    op.drop_table("web_form_drafts")
