"""general outbox: a row names its task, its subject and a unique dedupe key

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00

The outbox was keyed by enquiry; deliveries and follow-ups need rows of their own. Existing
rows keep their enquiry id as the subject and get the dedupe key ``route:<id>`` (the only
task the outbox carried).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=160), nullable=True))
    op.execute(
        "UPDATE outbox_messages SET dedupe_key = 'route:' || CAST(enquiry_id AS VARCHAR(20))"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_messages_enquiry_id_enquiries", type_="foreignkey")
        batch_op.drop_index("ix_outbox_messages_enquiry_id")
        batch_op.alter_column(
            "enquiry_id", new_column_name="subject_id", existing_type=_ID, existing_nullable=False
        )
        batch_op.alter_column("dedupe_key", existing_type=sa.String(length=160), nullable=False)
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_subject_id", ["subject_id"], unique=False)
        batch_op.create_unique_constraint("uq_outbox_messages_dedupe_key", ["dedupe_key"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_messages_dedupe_key", type_="unique")
        batch_op.drop_index("ix_outbox_messages_subject_id")
        batch_op.alter_column(
            "subject_id", new_column_name="enquiry_id", existing_type=_ID, existing_nullable=False
        )
        batch_op.drop_column("dedupe_key")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_enquiry_id", ["enquiry_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_outbox_messages_enquiry_id_enquiries", "enquiries", ["enquiry_id"], ["id"]
        )
