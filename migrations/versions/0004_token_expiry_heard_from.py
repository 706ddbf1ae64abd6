"""token expiry; campaign.heard_from encrypted in a column of its own

Revision ID: 0004_token_expiry_heard_from
Revises: 0003
Create Date: 2026-12-02 04:00:00

API tokens get ``expires_at``: existing tokens expire a year (365 days) after they were made.
``heard_from`` ("how did you hear about us", free text) leaves the plaintext ``campaign`` JSON
for an encrypted column; existing answers are encrypted with the hub's primary key (so run
this with the production ``HUB_ENCRYPTION_KEYS``, as ``hub db upgrade`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from hub.platform.crypto import get_cipher
from hub.platform.models import EncryptedJSON, UTCDateTime

revision: str = "0004_token_expiry_heard_from"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_LIFETIME = timedelta(days=365)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_tokens = sa.table(
    "api_tokens",
    sa.column("id", _ID),
    sa.column("created_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
)
_enquiries = sa.table(
    "enquiries",
    sa.column("id", _ID),
    sa.column("campaign", sa.JSON()),
    sa.column("heard_from", sa.Text()),
)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))
    for token_id, created_at in bind.execute(sa.select(_tokens.c.id, _tokens.c.created_at)).all():
        bind.execute(
            _tokens.update()
            .where(_tokens.c.id == token_id)
            .values(expires_at=created_at + TOKEN_LIFETIME)
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=UTCDateTime(timezone=True), nullable=False
        )

    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heard_from", EncryptedJSON(), nullable=True))
    cipher = get_cipher()
    rows = bind.execute(sa.select(_enquiries.c.id, _enquiries.c.campaign)).all()
    for enquiry_id, campaign in rows:
        if not campaign or "heard_from" not in campaign:
            continue
        tags = dict(campaign)
        heard_from = tags.pop("heard_from")
        bind.execute(
            _enquiries.update()
            .where(_enquiries.c.id == enquiry_id)
            .values(
                campaign=tags,
                heard_from=cipher.encrypt_json(heard_from) if heard_from else None,
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    cipher = get_cipher()
    rows = bind.execute(
        sa.select(_enquiries.c.id, _enquiries.c.campaign, _enquiries.c.heard_from).where(
            _enquiries.c.heard_from.is_not(None)
        )
    ).all()
    for enquiry_id, campaign, heard_from in rows:
        tags = {**(campaign or {}), "heard_from": cipher.decrypt_json(heard_from)}
        bind.execute(_enquiries.update().where(_enquiries.c.id == enquiry_id).values(campaign=tags))
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_column("heard_from")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
