"""A signed-in staff user as a caller: the same scopes, and so the same referrals, as a token."""

from __future__ import annotations

from datetime import datetime

from hub.access.caller import Caller
from hub.access.models import StaffUser, TokenScope
from hub.access.scopes import delivery_body_authorities


def caller_for_user(user: StaffUser, at: datetime) -> Caller:
    scope = TokenScope(user.scope)
    if scope is TokenScope.AUTHORITY:
        codes = frozenset({user.scope_value or ""})
    elif scope is TokenScope.DELIVERY_BODY:
        codes = delivery_body_authorities(user.scope_value or "", at)
    else:
        codes = frozenset()
    return Caller(None, scope, user.scope_value, codes, user_id=user.id)
