"""A token and a staff user with the same scope see the same councils."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.access.models import ApiToken, StaffUser, TokenScope
from hub.access.scopes import caller_for
from hub.access.staff_callers import caller_for_user

AT = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("scope", "value", "codes"),
    [
        (TokenScope.AUTHORITY, "E10000016", {"E10000016"}),
        (
            TokenScope.DELIVERY_BODY,
            "Achieving for Children",
            {"E09000021", "E09000027", "E06000040"},
        ),
        (TokenScope.HUB, None, set()),
    ],
)
def test_token_and_staff_user_of_one_scope_see_the_same_councils(
    geography: str, scope: TokenScope, value: str | None, codes: set[str]
) -> None:
    token = caller_for(ApiToken(id=7, scope=scope, scope_value=value), AT)
    user = caller_for_user(StaffUser(id=9, scope=scope, scope_value=value), AT)
    assert token.authority_codes == user.authority_codes == frozenset(codes)
    assert (token.actor, user.actor) == ("token:7", "user:9")
