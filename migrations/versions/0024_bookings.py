"""bookings of initial visits and information sessions, and the information events

Revision ID: 0024_bookings
Revises: 0023_front_door
Create Date: 2026-12-03 19:00:00

A booking is a plan (a stage is what happened): an initial visit or an information session
at a time, moved or cancelled with a reason, flagged when its time passes without an outcome.
Information events are run by a council or its delivery body with a number of places; a
booking onto one names it. "My day" reads bookings by officer and time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_bookings"
down_revision: str | None = "0023_front_door"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "info_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_value", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_events")),
    )
    op.create_index(
        "ix_info_events_scope_starts_at", "info_events", ["scope", "scope_value", "starts_at"]
    )
    op.create_table(
        "bookings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("authority_code", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", _ID, nullable=True),
        sa.Column("officer_id", _ID, nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by", sa.String(length=80), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name=op.f("fk_bookings_enquiry_id_enquiries")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["info_events.id"], name=op.f("fk_bookings_event_id_info_events")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff_users.id"], name=op.f("fk_bookings_officer_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    op.create_index(op.f("ix_bookings_enquiry_id"), "bookings", ["enquiry_id"])
    op.create_index(op.f("ix_bookings_event_id"), "bookings", ["event_id"])
    op.create_index("ix_bookings_officer_id_starts_at", "bookings", ["officer_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_bookings_officer_id_starts_at", table_name="bookings")
    op.drop_index(op.f("ix_bookings_event_id"), table_name="bookings")
    op.drop_index(op.f("ix_bookings_enquiry_id"), table_name="bookings")
    op.drop_table("bookings")
    op.drop_index("ix_info_events_scope_starts_at", table_name="info_events")
    op.drop_table("info_events")
