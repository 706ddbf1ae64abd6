"""Authenticating a bearer token: the caller it names, or UnauthorizedError."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import select, update

from hub.access.caller import Caller
from hub.access.models import ApiToken
from hub.access.scopes import caller_for
from hub.access.tokens import hash_token, token_prefix
from hub.platform.db import Database
from hub.platform.errors import TokenExpiredError, UnauthorizedError
from hub.platform.models import utcnow

# Writing last_used_at on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate(db: Database, authorization: str | None, now: datetime | None = None) -> Caller:
    """The caller named by an ``Authorization: Bearer`` header; UnauthorizedError otherwise."""
    now = now or utcnow()
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Send an API token as Authorization: Bearer <token>.")
    token = token.strip()
    prefix = token_prefix(token)
    if prefix is None:
        raise UnauthorizedError("The API token is not valid.")
    with db.sessions() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).first()
    # Hash even when no row matches so timing does not tell which prefixes exist.
    presented = hash_token(token)
    stored = row.secret_hash if row is not None else "0" * 64
    if row is None or not hmac.compare_digest(presented, stored):
        raise UnauthorizedError("The API token is not valid.")
    if row.revoked_at is not None:
        raise UnauthorizedError("The API token has been revoked.")
    if row.expires_at <= now:
        raise TokenExpiredError(
            f"The API token expired on {row.expires_at.isoformat(timespec='seconds')}: "
            "ask the hub for a new one."
        )
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
        with db.transaction() as session:
            session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return caller_for(row, now)
