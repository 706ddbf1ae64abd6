"""one delivery subscription for e-mails to enquirers (their confirmation)

Revision ID: 0011_enquirer_confirmation
Revises: 0010_staff_email_encrypted
Create Date: 2026-12-02 07:00:00

The enquirer's confirmation e-mail is a delivery like any other (retries, dead letters,
replay). Its subscription is one row of kind ``enquirer`` whose deliveries read the address
from the enquiry at send time; this partial unique index keeps it one row when two workers
make it at once. The row itself is made on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_enquirer_confirmation"
down_revision: str | None = "0010_staff_email_encrypted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENQUIRER = sa.text("kind = 'enquirer'")


def upgrade() -> None:
    op.create_index(
        "uq_delivery_subscriptions_enquirer",
        "delivery_subscriptions",
        ["kind"],
        unique=True,
        postgresql_where=_ENQUIRER,
        sqlite_where=_ENQUIRER,
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM deliveries WHERE subscription_id IN "
        "(SELECT id FROM delivery_subscriptions WHERE kind = 'enquirer')"
    )
    op.execute("DELETE FROM delivery_subscriptions WHERE kind = 'enquirer'")
    op.drop_index("uq_delivery_subscriptions_enquirer", table_name="delivery_subscriptions")
