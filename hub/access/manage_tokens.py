"""Create, list and revoke API tokens (the ``hub councils token`` commands use these)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hub.access.models import MANAGE_PERMISSION, ApiToken, TokenScope
from hub.access.scopes import find_delivery_body_name
from hub.access.tokens import new_token
from hub.geo import find_authority
from hub.platform.db import Database
from hub.platform.models import utcnow


class UnknownScopeError(ValueError):
    """Neither a council nor a delivery body of the active rules."""


# A token works for a year unless its creator says otherwise, and never for more than five.
DEFAULT_TOKEN_LIFETIME = timedelta(days=365)
MAX_TOKEN_LIFETIME = timedelta(days=5 * 365)
_LIFETIME = re.compile(r"([0-9]{1,6})([hdwy])")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_UNIT["y"] = DEFAULT_TOKEN_LIFETIME


def parse_lifetime(text: str) -> timedelta:
    """``90d``, ``12h``, ``6w`` or ``1y`` (365 days) as a timedelta; ValueError otherwise."""
    match = _LIFETIME.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a lifetime like 90d, 12h, 6w or 1y")
    lifetime = int(match.group(1)) * _UNIT[match.group(2)]
    if not timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise ValueError("a token lifetime must be more than 0 and at most 5 years (5y)")
    return lifetime


@dataclass(frozen=True, slots=True)
class TokenScopeChoice:
    scope: TokenScope
    value: str | None


def resolve_token_scope(target: str | None, *, hub_operator: bool) -> TokenScopeChoice:
    """What a new token may see: a council (code or name), a delivery body, or the hub."""
    if hub_operator:
        if target:
            raise UnknownScopeError("a hub operator token is not for one council")
        return TokenScopeChoice(TokenScope.HUB, None)
    if not target:
        raise UnknownScopeError("name a council (GSS code) or a delivery body")
    authority = find_authority(target)
    if authority is not None:
        return TokenScopeChoice(TokenScope.AUTHORITY, authority.code)
    body = find_delivery_body_name(target)
    if body is not None:
        return TokenScopeChoice(TokenScope.DELIVERY_BODY, body)
    raise UnknownScopeError(f"{target!r} is neither a council nor a delivery body in the rules")


def create_api_token(
    db: Database,
    choice: TokenScopeChoice,
    *,
    label: str | None = None,
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
    manage: bool = False,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Store a new token's hash; return the row and the token (shown once, never stored).

    ``manage``: the token may also manage its council's (or delivery body's) webhooks and
    mailboxes (the ``council:manage`` permission); never for a hub operator's token."""
    if manage and choice.scope is TokenScope.HUB:
        raise UnknownScopeError("--manage is for a council's or delivery body's token")
    created_at = now or utcnow()
    for _ in range(5):
        fresh = new_token()
        try:
            with db.transaction() as session:
                row = ApiToken(
                    prefix=fresh.prefix,
                    secret_hash=fresh.secret_hash,
                    scope=choice.scope,
                    scope_value=choice.value,
                    label=label,
                    permissions=[MANAGE_PERMISSION] if manage else [],
                    created_at=created_at,
                    expires_at=created_at + lifetime,
                )
                session.add(row)
                session.flush()
                return row, fresh.token
        except IntegrityError:
            continue  # a prefix collision (48 random bits): draw again
    raise RuntimeError("could not allocate a unique token prefix")


def list_api_tokens(db: Database) -> list[ApiToken]:
    with db.sessions() as session:
        return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_api_token(db: Database, token_id: int, *, now: datetime | None = None) -> bool:
    """Revoke a token at once; False when there is no such live token."""
    with db.transaction() as session:
        result = session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now or utcnow())
        )
        return bool(getattr(result, "rowcount", 0) == 1)
