"""enquiry search: blind indexes of the enquirer's details, repeat matches, duplicate marks

Revision ID: 0019_enquiry_search_indexes
Revises: 0017_council_onboarding
Create Date: 2026-12-03 13:00:00

A council finds a person by reference, name, e-mail, phone or postcode while the details stay
encrypted: each is kept as a keyed hash (HMAC with a key derived from HUB_SECRET_KEY) in its
own column, indexed with the time so a newest-first page is read from the index. Enquiries
matched at their first decision with earlier ones by the same person are rows of
``repeat_matches`` (and share ``person_key``); a council's own judgement that one referral
duplicates another is a row of ``duplicate_marks``.

Existing enquiries get their indexes from ``hub enquiries reindex``, not here: the key is
the running hub's secret, which a schema migration should neither need nor hold, and the same
command is what recomputes every index after the secret changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_enquiry_search_indexes"
down_revision: str | None = "0017_council_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INDEX_COLUMNS = (
    "email_index",
    "phone_index",
    "name_index",
    "surname_index",
    "postcode_index",
    "district_index",
)


def upgrade() -> None:
    with op.batch_alter_table("enquiries") as batch_op:
        for column in INDEX_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("person_key", _ID, nullable=True))
    for column in INDEX_COLUMNS:
        op.create_index(f"ix_enquiries_{column}", "enquiries", [column, "created_at"])
    op.create_index("ix_enquiries_person_key", "enquiries", ["person_key"])
    op.create_table(
        "repeat_matches",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("earlier_id", _ID, nullable=False),
        sa.Column("matched_on", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name="fk_repeat_matches_enquiry_id_enquiries"
        ),
        sa.ForeignKeyConstraint(
            ["earlier_id"], ["enquiries.id"], name="fk_repeat_matches_earlier_id_enquiries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_repeat_matches"),
        sa.UniqueConstraint("enquiry_id", "earlier_id", name="uq_repeat_matches_enquiry_id"),
    )
    op.create_index("ix_repeat_matches_earlier_id", "repeat_matches", ["earlier_id"])
    op.create_table(
        "duplicate_marks",
        sa.Column("enquiry_id", _ID, nullable=False),
        sa.Column("duplicate_of_id", _ID, nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["enquiries.id"], name="fk_duplicate_marks_enquiry_id_enquiries"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["enquiries.id"],
            name="fk_duplicate_marks_duplicate_of_id_enquiries",
        ),
        sa.PrimaryKeyConstraint("enquiry_id", name="pk_duplicate_marks"),
    )
    op.create_index("ix_duplicate_marks_duplicate_of_id", "duplicate_marks", ["duplicate_of_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_marks_duplicate_of_id", table_name="duplicate_marks")
    op.drop_table("duplicate_marks")
    op.drop_index("ix_repeat_matches_earlier_id", table_name="repeat_matches")
    op.drop_table("repeat_matches")
    op.drop_index("ix_enquiries_person_key", table_name="enquiries")
    for column in INDEX_COLUMNS:
        op.drop_index(f"ix_enquiries_{column}", table_name="enquiries")
    with op.batch_alter_table("enquiries") as batch_op:
        batch_op.drop_column("person_key")
        for column in INDEX_COLUMNS:
            batch_op.drop_column(column)
