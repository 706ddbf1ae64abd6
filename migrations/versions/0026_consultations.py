"""the Stage 1 checks the law names are tracked as tasks

Revision ID: 0026_consultations
Revises: 0023_front_door
Create Date: 2026-12-03 19:00:00

Reg 26(1A) of the Fostering Services (England) Regulations 2011 (as amended 2013) ties two
checks to the assessment: consulting the home council of an applicant who lives in another
council's area (26(1A)(d)), and a reference from a fostering service the applicant fostered
for in the last 12 months (26(1A)(b)). Until now the first was a notice at routing time and
the second was tracked nowhere. Each is now a task opened with the application: the day the
request was sent, the day the views or the reference came back, a note (encrypted).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_consultations"
down_revision: str | None = "0025_case_system"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "assessment_tasks",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=True),
        sa.Column("consulted_code", sa.String(length=9), nullable=True),
        sa.Column("opened_by", sa.String(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("request_sent_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_assessment_tasks_enquiry_id_enquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_tasks")),
        sa.UniqueConstraint("enquiry_id", "kind", name="uq_assessment_tasks_kind"),
    )
    op.create_index(op.f("ix_assessment_tasks_enquiry_id"), "assessment_tasks", ["enquiry_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assessment_tasks_enquiry_id"), table_name="assessment_tasks")
    op.drop_table("assessment_tasks")
