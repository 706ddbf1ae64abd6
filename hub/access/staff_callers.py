"""A signed-in staff user as a caller: the same scopes, and so the same referrals, as a token."""

from __future__ import annotations

from datetime import datetime

from hub.access.caller import Caller
from hub.access.models import StaffUser, TokenScope
from hub.access.scopes import scope_authorities


def caller_for_user(user: StaffUser, at: datetime) -> Caller:
    scope = TokenScope(user.scope)
    codes = scope_authorities(scope, user.scope_value, at)
    manages = scope is not TokenScope.HUB and user.is_manager
    return Caller(None, scope, user.scope_value, codes, user_id=user.id, can_manage=manages)
