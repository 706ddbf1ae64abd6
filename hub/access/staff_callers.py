"""A signed-in staff user as a caller: the same scopes, and so the same referrals, as a token."""

from __future__ import annotations

from datetime import datetime

from hub.access.caller import Caller
from hub.access.models import StaffUser
from hub.access.scopes import scope_authorities


def caller_for_user(user: StaffUser, at: datetime) -> Caller:
    codes = scope_authorities(user.scope, user.scope_value, at)
    return Caller(None, user.scope, user.scope_value, codes, user_id=user.id)
