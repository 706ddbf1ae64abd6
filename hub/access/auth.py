"""Bearer-token authentication for councils, delivery bodies and hub operators.

A token reads ``fhub_<prefix>_<secret>``. The prefix is not secret: it finds the stored row.
Only the SHA-256 of the whole token is stored, and it is compared in constant time. The
secret has 256 random bits, so a plain hash (not a slow password hash) is the right tool.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import g, request
from sqlalchemy import select, update

from hub.access.models import ApiToken, TokenScope
from hub.platform.db import Database
from hub.platform.errors import UnauthorizedError, UnsupportedMediaTypeError, WrongTokenScopeError
from hub.platform.models import utcnow

if TYPE_CHECKING:
    from hub.audit.record import RequestContext

TOKEN_KIND = "fhub"  # noqa: S105 - a public label, not a secret
_TOKEN = re.compile(rf"^{TOKEN_KIND}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")
# Writing last_used_at on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SECURITY_SCHEME = "bearerAuth"
BEARER_SECURITY: list[dict[str, list[str]]] = [{SECURITY_SCHEME: []}]


@dataclass(frozen=True, slots=True)
class NewToken:
    prefix: str
    token: str
    secret_hash: str


def new_token() -> NewToken:
    """A fresh token, its lookup prefix and the hash to store."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(prefix, token, hash_token(token))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or None."""
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the token and what it may see."""

    token_id: int
    scope: TokenScope
    scope_value: str | None
    authority_codes: frozenset[str]

    @property
    def actor(self) -> str:
        return f"token:{self.token_id}"

    @property
    def scope_label(self) -> str:
        return self.scope.value if not self.scope_value else f"{self.scope}:{self.scope_value}"

    def can_see(self, authority_code: str | None) -> bool:
        return authority_code is not None and authority_code in self.authority_codes


def delivery_body_authorities(name: str, at: datetime) -> frozenset[str]:
    """The councils a delivery body serves on the day of ``at`` (per the active rules)."""
    from hub.routing import get_active_rules
    from hub.routing.engine import local_day

    day = local_day(at)
    return frozenset(
        code
        for body in get_active_rules().delivery_bodies
        if body.name == name and body.validity.contains(day)
        for code in body.authorities
    )


def find_delivery_body_name(text: str) -> str | None:
    """The exact name of a delivery body in the active rules, matched without case."""
    from hub.routing import get_active_rules

    wanted = " ".join(text.split()).casefold()
    for body in get_active_rules().delivery_bodies:
        if body.name.casefold() == wanted:
            return body.name
    return None


def caller_for(token: ApiToken, at: datetime) -> Caller:
    scope = TokenScope(token.scope)
    if scope is TokenScope.AUTHORITY:
        codes = frozenset({token.scope_value or ""})
    elif scope is TokenScope.DELIVERY_BODY:
        codes = delivery_body_authorities(token.scope_value or "", at)
    else:
        codes = frozenset()
    return Caller(token.id, scope, token.scope_value, codes)


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
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
        with db.transaction() as session:
            session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return caller_for(row, now)


def require_caller(*scopes: TokenScope) -> Caller:
    """Authenticate the current request and check the token's kind; keep it on ``g``."""
    from hub.platform.extensions import get_db

    caller = authenticate(get_db(), request.headers.get("Authorization"))
    if caller.scope not in scopes:
        raise WrongTokenScopeError(
            "Use a " + " or ".join(s.value.replace("_", " ") for s in scopes) + " token here."
        )
    g.caller = caller
    return caller


def current_caller() -> Caller:
    caller = g.get("caller")
    if not isinstance(caller, Caller):
        raise UnauthorizedError()
    return caller


def register_bearer_scheme(api: Any) -> None:
    """Declare the bearer token security scheme in the OpenAPI document."""
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "An API token from the hub."},
    )


def authenticate_json_request(*scopes: TokenScope) -> None:
    """Blueprint guard: a caller of one of ``scopes``, and a JSON body when there is a body."""
    require_caller(*scopes)
    # An empty body is fine (acknowledge has none); a body must be JSON.
    if request.method == "POST" and request.content_length:
        if not (request.mimetype or "").endswith("json"):
            raise UnsupportedMediaTypeError("Send the body with Content-Type: application/json.")


def request_context() -> RequestContext:
    """Who is asking, and the request id, for commands that audit what they do."""
    from hub.audit.record import RequestContext  # audit_log imports this module

    return RequestContext(current_caller(), g.get("request_id"))
