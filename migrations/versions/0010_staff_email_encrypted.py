"""staff e-mail addresses encrypted at rest, found by a blind index

Revision ID: 0010_staff_email_encrypted
Revises: 0009_staff
Create Date: 2026-12-02 06:30:00

``staff_users.email`` (plain, unique) becomes ``email_encrypted`` (the hub's cipher, key id
prefixed) and ``email_index`` (HMAC-SHA256 of the lower-cased address under a key derived
from ``HUB_SECRET_KEY``, unique). Existing rows are converted with the settings the command
runs with, so run it with the production ``HUB_ENCRYPTION_KEYS`` and ``HUB_SECRET_KEY``, as
``hub db upgrade`` does. Downgrade decrypts the addresses back into a plain column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hub.platform.crypto import blind_index, get_cipher

revision: str = "0010_staff_email_encrypted"
down_revision: str | None = "0009_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Written out rather than imported from the model, so later changes there leave this alone.
_INDEX_PURPOSE = "staff-email"

_users = sa.table(
    "staff_users",
    sa.column("id", _ID),
    sa.column("email", sa.String()),
    sa.column("email_encrypted", sa.Text()),
    sa.column("email_index", sa.String()),
)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
    cipher = get_cipher()
    for user_id, email in bind.execute(sa.select(_users.c.id, _users.c.email)).all():
        address = email.strip().lower()
        bind.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values(
                email_encrypted=cipher.encrypt(address.encode()),
                email_index=blind_index(_INDEX_PURPOSE, address),
            )
        )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.alter_column("email_encrypted", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("email_index", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_staff_users_email_index", ["email_index"])
        batch_op.drop_constraint("uq_staff_users_email", type_="unique")
        batch_op.drop_column("email")


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    cipher = get_cipher()
    rows = bind.execute(sa.select(_users.c.id, _users.c.email_encrypted)).all()
    for user_id, stored in rows:
        bind.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values(email=cipher.decrypt(stored).decode())
        )
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch_op.create_unique_constraint("uq_staff_users_email", ["email"])
        batch_op.drop_constraint("uq_staff_users_email_index", type_="unique")
        batch_op.drop_column("email_index")
        batch_op.drop_column("email_encrypted")
