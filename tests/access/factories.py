"""Stored API tokens: a council's (Kent unless told), a delivery body's or a hub operator's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory

from hub.access.manage_tokens import DEFAULT_TOKEN_LIFETIME
from hub.access.models import ApiToken, TokenScope
from hub.access.tokens import new_token
from hub.platform.db import Database
from hub.platform.models import utcnow

KENT = "E10000016"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A stored token row and the bearer token it was made from (which is never stored)."""

    row: ApiToken
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


class ApiTokenFactory(factory.Factory):
    """``ApiTokenFactory(db=db)`` stores a token row and returns an :class:`IssuedToken`.

    The row is built as ``hub.access.manage_tokens.create_api_token`` builds it: only the
    hash of a fresh token is stored.
    """

    class Meta:
        model = ApiToken

    class Params:
        hub_operator = factory.Trait(scope=TokenScope.HUB, scope_value=None)
        delivery_body = factory.Trait(
            scope=TokenScope.DELIVERY_BODY, scope_value="Achieving for Children"
        )

    fresh = factory.LazyFunction(new_token)
    prefix = factory.LazyAttribute(lambda o: o.fresh.prefix)
    secret_hash = factory.LazyAttribute(lambda o: o.fresh.secret_hash)
    scope = TokenScope.AUTHORITY
    scope_value: str | None = KENT
    label: str | None = None
    permissions: list[str] = factory.LazyFunction(list)
    created_at = factory.LazyFunction(utcnow)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + DEFAULT_TOKEN_LIFETIME)
    revoked_at = None

    @classmethod
    def _create(cls, model_class: type[ApiToken], *args: Any, **kwargs: Any) -> IssuedToken:
        db: Database = kwargs.pop("db")
        fresh = kwargs.pop("fresh")
        row = model_class(*args, **kwargs)
        with db.transaction() as session:
            session.add(row)
        return IssuedToken(row, fresh.token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
