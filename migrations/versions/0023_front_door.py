"""enquiries remember the council the enquirer said they live in

Revision ID: 0023_front_door
Revises: 0022_journey_law
Create Date: 2026-12-03 16:15:00

A partial postcode such as "KT1" can lie in more than one council. The form now asks the
person which one is theirs (with each council's share of the postcode); the answer is kept
here, and routing takes it as the home council only when it is one of the postcode's councils.
Nullable: earlier enquiries, and every full postcode, have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_front_door"
down_revision: str | None = "0022_journey_law"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_authority_code", sa.String(length=9), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_column("home_authority_code")
