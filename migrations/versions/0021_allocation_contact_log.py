"""a council's casework: referral owners, contact attempts, notes, no-response closures

Revision ID: 0021_allocation_contact_log
Revises: 0020_transferred_from
Create Date: 2026-12-03 16:30:00

The duty tray needs an owner per referral (cleared by any later routing decision, which is why
the row names the decision it was given under); the contact log and free notes keep their
text encrypted; closing as "no response" keeps the officer's request and the manager's
sign-off.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_allocation_contact_log"
down_revision: str | None = "0020_transferred_from"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "referral_owners",
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("decision_id", _ID, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_referral_owners_enquiry_id_enquiries")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name=op.f("fk_referral_owners_user_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("enquiry_id", name=op.f("pk_referral_owners")),
    )
    op.create_index(op.f("ix_referral_owners_user_id"), "referral_owners", ["user_id"])
    op.create_table(
        "contact_attempts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("first_contact", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_contact_attempts_enquiry_id_enquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    op.create_index(op.f("ix_contact_attempts_enquiry_id"), "contact_attempts", ["enquiry_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_case_notes_enquiry_id_enquiries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_enquiry_id"), "case_notes", ["enquiry_id"])
    op.create_table(
        "no_response_closures",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiries.id"],
            name=op.f("fk_no_response_closures_enquiry_id_enquiries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_no_response_closures")),
    )
    op.create_index(
        op.f("ix_no_response_closures_enquiry_id"), "no_response_closures", ["enquiry_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_no_response_closures_enquiry_id"), table_name="no_response_closures")
    op.drop_table("no_response_closures")
    op.drop_index(op.f("ix_case_notes_enquiry_id"), table_name="case_notes")
    op.drop_table("case_notes")
    op.drop_index(op.f("ix_contact_attempts_enquiry_id"), table_name="contact_attempts")
    op.drop_table("contact_attempts")
    op.drop_index(op.f("ix_referral_owners_user_id"), table_name="referral_owners")
    op.drop_table("referral_owners")
