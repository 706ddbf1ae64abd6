"""Council onboarding: staff roles, a manage permission on tokens, verified mailboxes.

Revision ID: 0017_council_onboarding
Revises: 0016_council_readiness
Create Date: 2026-12-03 13:00:00

Staff accounts get a role. Every existing council and delivery-body account becomes a
**manager**: until now an operator made each account by hand (usually one per council), and
making them officers would leave every council without anyone able to set itself up until an
operator invited a manager again, which is the gap this change closes. Operators become
``operator``. New accounts default to officer.

API tokens get ``permissions`` (empty: read the scope's referrals; ``council:manage``: also
manage the scope's subscriptions). Mailboxes get ``verified_at``: a mailbox added by a council
receives nothing until someone opens the confirmation link e-mailed to it (only the link's
hash is kept). Mailboxes that exist already were added by an operator and count as verified.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hub.platform.models import UTCDateTime

revision: str = "0017_council_onboarding"
down_revision: str | None = "0016_council_readiness"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("role", sa.String(length=10), nullable=True))
    op.execute("UPDATE staff_users SET role = 'operator' WHERE scope = 'hub'")
    op.execute("UPDATE staff_users SET role = 'manager' WHERE scope <> 'hub'")
    with op.batch_alter_table("staff_users") as batch:
        batch.alter_column("role", existing_type=sa.String(length=10), nullable=False)

    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("permissions", sa.JSON(), nullable=True))
    op.execute("UPDATE api_tokens SET permissions = '[]'")
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("permissions", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("delivery_subscriptions") as batch:
        batch.add_column(sa.Column("verified_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verification_hash", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("verification_expires_at", UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_unique_constraint(
            "uq_delivery_subscriptions_verification_hash", ["verification_hash"]
        )
    op.execute("UPDATE delivery_subscriptions SET verified_at = created_at WHERE kind = 'mailbox'")


def downgrade() -> None:
    with op.batch_alter_table("delivery_subscriptions") as batch:
        batch.drop_constraint("uq_delivery_subscriptions_verification_hash", type_="unique")
        batch.drop_column("verification_expires_at")
        batch.drop_column("verification_hash")
        batch.drop_column("verified_at")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("permissions")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("role")
