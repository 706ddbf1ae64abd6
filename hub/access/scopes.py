"""What a token may see: one council, the councils a delivery body serves, or the hub."""

from __future__ import annotations

from datetime import datetime

from hub.access.caller import Caller
from hub.access.models import MANAGE_PERMISSION, ApiToken, TokenScope
from hub.rules import get_active_rules
from hub.rules.engine import local_day


def delivery_body_authorities(name: str, at: datetime) -> frozenset[str]:
    """The councils a delivery body serves on the day of ``at`` (per the active rules)."""
    day = local_day(at)
    return frozenset(
        code
        for body in get_active_rules().delivery_bodies
        if body.name == name and body.validity.contains(day)
        for code in body.authorities
    )


def find_delivery_body_name(text: str) -> str | None:
    """The exact name of a delivery body in the active rules, matched without case."""

    wanted = " ".join(text.split()).casefold()
    for body in get_active_rules().delivery_bodies:
        if body.name.casefold() == wanted:
            return body.name
    return None


def scope_authorities(scope: TokenScope, value: str | None, at: datetime) -> frozenset[str]:
    """The councils a scope sees at ``at``: its council, its delivery body's, or none (the hub)."""
    if scope is TokenScope.AUTHORITY:
        return frozenset({value or ""})
    if scope is TokenScope.DELIVERY_BODY:
        return delivery_body_authorities(value or "", at)
    return frozenset()


def caller_for(token: ApiToken, at: datetime) -> Caller:
    scope = TokenScope(token.scope)
    codes = scope_authorities(scope, token.scope_value, at)
    manages = scope is not TokenScope.HUB and MANAGE_PERMISSION in (token.permissions or [])
    return Caller(token.id, scope, token.scope_value, codes, can_manage=manages)
